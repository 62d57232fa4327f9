import type { PluginManifest } from '../manifest.ts'

/**
 * `all` runs every plugin but those of the management deployment; a named profile runs the
 * plugins whose manifest lists it, and their dependencies.
 */
export type Profile = 'all' | 'cloud' | 'ingest' | 'management'
export const PROFILES: Profile[] = ['all', 'cloud', 'ingest', 'management']

/** A plugin only the management deployment runs (it never runs beside the cloud's plugins). */
const managementOnly = (m: PluginManifest) => ownProfiles(m).every(p => p === 'management')

/** The profiles a manifest names itself (plugin.json `profiles`; default `cloud`). */
export const ownProfiles = (m: PluginManifest): string[] => m.profiles ?? ['cloud']

/** Stage 3a, select: the plugins a `monozu start --profile` runs here. */
export function selectProfile (manifests: PluginManifest[], profile: Profile): PluginManifest[] {
  if (profile === 'all') return manifests.filter(m => !managementOnly(m))
  const keep = new Set<string>()
  const add = (id: string) => {
    if (keep.has(id)) return
    keep.add(id)
    Object.keys(manifests.find(m => m.id === id)?.dependencies ?? {}).forEach(add)
  }
  manifests.filter(m => ownProfiles(m).includes(profile)).forEach(m => add(m.id))
  return manifests.filter(m => keep.has(m.id))
}

/** Every profile that runs `m` (for docs and the admin console): the inverse of selectProfile. */
export function profilesOf (m: PluginManifest, all: PluginManifest[]): Profile[] {
  return PROFILES.filter(p => selectProfile(all, p).includes(m))
}
