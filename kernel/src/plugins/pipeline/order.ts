import semver from 'semver'
import { StartupError } from '../../errors/errors.ts'
import type { PluginManifest } from '../manifest.ts'

/** Stage 3b, order: each plugin after its dependencies; missing, out-of-range and cyclic ones fail. */
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
