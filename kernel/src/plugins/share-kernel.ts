import { existsSync, readFileSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

// .js in the packed kernel (built by scripts/build-sdk.ts), .ts in the repo.
const ext = import.meta.url.slice(-3)
const shared = new Map<string, string>([
  ['@monozu/kernel', new URL(`../index${ext}`, import.meta.url).href],
  ['@monozu/kernel/testing', new URL(`../testing/index${ext}`, import.meta.url).href]
])
/** `<package>/service` of installed plugins, used only when the importer cannot resolve it itself. */
const serviceRefs = new Map<string, string>()
let installed = false

/**
 * Partner plugins live outside this repo (PLUGINS_DIRS) and may not have @monozu/kernel
 * installed beside them; they must also share this process's one copy (one definePlugin
 * marker, one set of types). Resolve the specifier to the running kernel wherever it is imported.
 */
export function shareKernelWithPlugins (): void {
  if (installed) return
  installed = true
  registerHooks({
    resolve (specifier, context, next) {
      const url = shared.get(specifier)
      if (url) return { url, shortCircuit: true }
      const ref = serviceRefs.get(specifier)
      if (!ref) return next(specifier, context)
      // Whatever the importer has installed wins; the installed plugin's file is the fallback.
      try { return next(specifier, context) } catch { return { url: ref, shortCircuit: true } }
    }
  })
}

/**
 * A partner's consumer imports a provider's reference (`@monozu/plugin-devices/service`) that
 * is not installed beside it: resolve it to the provider plugin loaded here. The first plugin
 * to claim a package name keeps it, and repo plugins are discovered first, so an external
 * plugin cannot stand in for one of ours.
 */
export function sharePluginServices (pluginDirs: string[]): void {
  for (const dir of pluginDirs) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string, exports?: Record<string, unknown> }
    const target = pkg.exports?.['./service']
    if (!pkg.name || typeof target !== 'string') continue
    const specifier = `${pkg.name}/service`
    if (!serviceRefs.has(specifier)) serviceRefs.set(specifier, pathToFileURL(join(dir, target)).href)
  }
}
