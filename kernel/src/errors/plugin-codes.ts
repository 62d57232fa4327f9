import type { PluginManifest } from '../plugins/manifest.ts'
import { httpErrors } from './catalogue.ts'
import { StartupError } from './errors.ts'

export interface ProblemTypeEntry { code: string, status: number, title: string, plugin: string | null }

/**
 * Codes are global (each one is a problem `type` URL on the docs site): a plugin may not reuse a
 * kernel code or another plugin's. Checked over every installed plugin, whatever the profile, so
 * a code means one thing across all instances.
 */
export function checkErrorCodes (manifests: Array<Pick<PluginManifest, 'id' | 'errors'>>): void {
  const owner = new Map<string, string>()
  for (const m of manifests) {
    for (const code of Object.keys(m.errors ?? {})) {
      const clash = Object.hasOwn(httpErrors, code) ? 'the kernel' : owner.has(code) ? `plugin "${owner.get(code)}"` : null
      if (clash) throw new StartupError('manifest_invalid', `plugin "${m.id}": /errors/${code} is already a code of ${clash} (rule: error codes are unique)`, { pluginId: m.id })
      owner.set(code, m.id)
    }
  }
}

/** Every problem type a caller can meet: the kernel's, then each plugin's, as the docs list them. */
export function problemTypes (manifests: Array<Pick<PluginManifest, 'id' | 'errors'>>): ProblemTypeEntry[] {
  checkErrorCodes(manifests)
  return [
    ...Object.entries(httpErrors).map(([code, e]) => ({ code, status: e.status, title: e.title, plugin: null })),
    ...manifests.flatMap(m => Object.entries(m.errors ?? {}).map(([code, e]) => ({ code, status: e.status, title: e.title, plugin: m.id })))
  ]
}
