import { prefixesOf, type PluginManifest } from './manifest.ts'
import { configVariable } from './pipeline/config.ts'
import { discover, type Candidate } from './pipeline/discover.ts'
import { profilesOf, type Profile } from './pipeline/profile.ts'
import { readManifests } from './pipeline/validate.ts'

export interface InstalledPlugin {
  manifest: PluginManifest
  dir: string
  origin: Candidate['origin']
  /** The `monozu start --profile` values that run it. */
  profiles: Profile[]
  /** The URL prefixes it owns (declared, or the default). */
  prefixes: string[]
  /** The environment variable holding its configuration as JSON. */
  configVariable: string
}

/**
 * The installed plugins as the loader sees them before any plugin code runs: found (stage 1)
 * and each manifest validated (stage 2). For tools that describe plugins without starting a
 * kernel, such as the docs sites' generators, so they never keep a copy of these rules.
 */
export function installedPlugins (repoRoot: string | null, externalDirs: string[] = []): InstalledPlugin[] {
  const found = readManifests(discover(repoRoot, externalDirs))
  const all = found.map(f => f.manifest)
  return found.map(({ manifest, candidate }) => ({
    manifest,
    dir: candidate.dir,
    origin: candidate.origin,
    profiles: profilesOf(manifest, all),
    prefixes: prefixesOf(manifest),
    configVariable: configVariable(manifest.id)
  }))
}
