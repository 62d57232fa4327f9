import semver from 'semver'
import { StartupError } from '../errors/errors.ts'
import { KERNEL_API_VERSION } from '../version.ts'
import { prefixesOf, type PluginManifest } from './manifest.ts'

/** Stage 3, check: one small rule each, every failure a StartupError naming the plugins. */
export function checkUnique (manifests: PluginManifest[]): void {
  const seen = new Set<string>()
  for (const m of manifests) {
    if (seen.has(m.id)) throw new StartupError('plugin_duplicate', `plugin id "${m.id}" is installed twice`, { pluginId: m.id })
    seen.add(m.id)
  }
}

export function checkKernelRange (m: PluginManifest, kernelVersion = KERNEL_API_VERSION): void {
  if (!semver.validRange(m.kernel)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /kernel "${m.kernel}" is not a semver range`, { pluginId: m.id })
  if (!semver.satisfies(kernelVersion, m.kernel)) {
    throw new StartupError('kernel_incompatible', `plugin "${m.id}" needs kernel ${m.kernel}, this kernel is ${kernelVersion}`, { pluginId: m.id })
  }
}

export function checkPrefixes (manifests: PluginManifest[]): void {
  const owned: Array<{ id: string, prefix: string }> = []
  const overlaps = (a: string, b: string) => a === b || a.startsWith(b + '/') || b.startsWith(a + '/')
  for (const m of manifests) {
    for (const prefix of prefixesOf(m)) {
      const clash = owned.find(o => overlaps(o.prefix, prefix))
      if (clash) throw new StartupError('prefix_overlap', `plugin "${m.id}" claims ${prefix}, which overlaps ${clash.prefix} of plugin "${clash.id}"`, { pluginId: m.id })
      owned.push({ id: m.id, prefix })
    }
  }
}

/** Orders plugins so each starts after its dependencies; missing, out-of-range and cyclic ones fail. */
export function orderByDependencies (manifests: PluginManifest[]): PluginManifest[] {
  const byId = new Map(manifests.map(m => [m.id, m]))
  for (const m of manifests) {
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      const target = byId.get(dep)
      if (!target) throw new StartupError('dependency_missing', `plugin "${m.id}" depends on "${dep}" (${range}), which is not installed`, { pluginId: m.id })
      if (!semver.satisfies(target.version, range)) {
        throw new StartupError('dependency_version', `plugin "${m.id}" depends on "${dep}" ${range}, but ${dep} ${target.version} is installed`, { pluginId: m.id })
      }
    }
  }
  const ordered: PluginManifest[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (m: PluginManifest, path: string[]): void => {
    if (state.get(m.id) === 'done') return
    if (state.get(m.id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(m.id)), m.id]
      throw new StartupError('dependency_cycle', `plugins depend on each other in a cycle: ${cycle.join(' -> ')}`, { pluginId: m.id })
    }
    state.set(m.id, 'visiting')
    for (const dep of Object.keys(m.dependencies ?? {}).sort()) visit(byId.get(dep) as PluginManifest, [...path, m.id])
    state.set(m.id, 'done')
    ordered.push(m)
  }
  for (const m of [...manifests].sort((a, b) => a.id.localeCompare(b.id))) visit(m, [])
  return ordered
}

export type Profile = 'all' | 'cloud' | 'ingest'
export const INGEST_PLUGIN = 'edge-ingest'

/** `--profile cloud` runs everything but ingest; `ingest` runs edge-ingest and what it depends on. */
export function selectProfile (manifests: PluginManifest[], profile: Profile): PluginManifest[] {
  if (profile === 'cloud') return manifests.filter(m => m.id !== INGEST_PLUGIN)
  if (profile === 'all') return manifests
  const keep = new Set<string>()
  const add = (id: string) => {
    if (keep.has(id)) return
    keep.add(id)
    Object.keys(manifests.find(m => m.id === id)?.dependencies ?? {}).forEach(add)
  }
  if (manifests.some(m => m.id === INGEST_PLUGIN)) add(INGEST_PLUGIN)
  return manifests.filter(m => keep.has(m.id))
}

/** Channel ids are global (they are URLs): unique, and guarded by one of the plugin's own permissions. */
export function checkChannels (manifests: PluginManifest[]): void {
  const owner = new Map<string, string>()
  for (const m of manifests) {
    const permissions = new Set((m.permissions ?? []).map(p => p.id))
    for (const c of m.channels ?? []) {
      const clash = owner.get(c.id)
      if (clash) throw new StartupError('manifest_invalid', `plugin "${m.id}": /channels "${c.id}" is already declared by plugin "${clash}" (rule: channel ids are unique)`, { pluginId: m.id })
      if (!permissions.has(c.permission)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /channels "${c.id}" names permission "${c.permission}", which the plugin does not declare (rule: a channel is guarded by one of its own permissions)`, { pluginId: m.id })
      owner.set(c.id, m.id)
    }
  }
}

/**
 * Ingest kinds are global (an appliance names one in every event): one plugin per kind, and
 * each event schema must compile. Checked over every installed plugin, whatever the profile,
 * because an ingest-only instance accepts kinds that plugins in other instances consume.
 */
export function checkIngestKinds (manifests: PluginManifest[], compile: (schema: object) => unknown): void {
  const owner = new Map<string, string>()
  for (const m of manifests) {
    for (const k of m.ingest ?? []) {
      const clash = owner.get(k.kind)
      if (clash) throw new StartupError('manifest_invalid', `plugin "${m.id}": /ingest kind "${k.kind}" is already declared by plugin "${clash}" (rule: ingest kinds are unique)`, { pluginId: m.id })
      if (k.schema) {
        try { compile(k.schema) } catch (err) {
          throw new StartupError('manifest_invalid', `plugin "${m.id}": /ingest kind "${k.kind}" has an invalid event schema: ${(err as Error).message} (rule: schema must compile)`, { pluginId: m.id })
        }
      }
      owner.set(k.kind, m.id)
    }
  }
}
