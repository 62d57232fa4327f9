import { join, resolve } from 'node:path'
import { installedPlugins, type InstalledPlugin } from '@monozu/kernel/host'

export const siteRoot = resolve(import.meta.dirname, '..', '..')
export const repoRoot = resolve(siteRoot, '..', '..')
export const generatedDir = join(siteRoot, 'src', 'generated')

/** The plugins the repo ships, found and validated by the kernel's own loader stages (no PLUGINS_DIRS). */
export function shippedPlugins (): InstalledPlugin[] {
  return installedPlugins(repoRoot)
}
