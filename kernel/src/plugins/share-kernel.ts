import { registerHooks } from 'node:module'

const shared: Record<string, string> = {
  '@monozu/kernel': new URL('../index.ts', import.meta.url).href,
  '@monozu/kernel/testing': new URL('../testing/index.ts', import.meta.url).href
}
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
      const url = shared[specifier]
      return url ? { url, shortCircuit: true } : next(specifier, context)
    }
  })
}
