import { join, relative, resolve } from 'node:path'
import { installedPlugins } from '@monozu/kernel/host'
import type { Manifest } from './plugins.ts'

export const siteRoot = resolve(import.meta.dirname, '..', '..')
export const repoRoot = resolve(siteRoot, '..', '..')
export const generatedDir = join(siteRoot, 'src', 'generated')

/**
 * The plugins the repo ships, found and validated by the kernel's own loader stages, with the
 * profiles, prefixes and configuration variable the kernel computes for them. Test fixtures
 * (kernel/test/fixtures/plugins) and PLUGINS_DIRS are not shipped and not listed.
 */
export function shippedManifests (): Manifest[] {
  return installedPlugins(repoRoot).map(p => ({ ...p.manifest, dir: relative(repoRoot, p.dir), runsIn: p.profiles, prefixes: p.prefixes, configVariable: p.configVariable }))
}
