import semver from 'semver'
import { StartupError } from '../../errors/errors.ts'
import { checkErrorCodes } from '../../errors/plugin-codes.ts'
import { KERNEL_API_VERSION } from '../../version.ts'
import { prefixesOf, readManifest, type PluginManifest } from '../manifest.ts'
import { providerOf } from '../service-ref.ts'
import { checkEvents } from './events.ts'
import { checkNotifications } from '../../notifications/manifest-checks.ts'
import type { Candidate } from './discover.ts'

export interface Found { manifest: PluginManifest, candidate: Candidate }

/** Stage 2, validate: every manifest against plugin.schema.json, then the rules the schema cannot say. */
export function readManifests (candidates: Candidate[]): Found[] {
  return candidates.map(candidate => ({ manifest: readManifest(candidate.dir), candidate }))
}

/** The rules that hold between the plugins that run together; each a small check that throws a StartupError. */
export function validateSet (manifests: PluginManifest[], installed: PluginManifest[], compile: (schema: object) => unknown): void {
  checkUnique(manifests)
  manifests.forEach(m => checkKernelRange(m))
  checkPrefixes(manifests)
  checkChannels(manifests)
  checkRoles(manifests)
  checkNotifications(manifests)
  checkIngestKinds(installed, compile)
  checkErrorCodes(installed)
  checkEvents(installed)
  manifests.forEach(checkServices)
}

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
/** Plugin roles are named for their plugin, unique, and grant only that plugin's own permissions. */
export function checkRoles (manifests: PluginManifest[]): void {
  const seen = new Set<string>()
  for (const m of manifests) {
    const permissions = new Set((m.permissions ?? []).map(p => p.id))
    for (const r of m.roles ?? []) {
      const fail = (rule: string) => new StartupError('manifest_invalid', `plugin "${m.id}": /roles "${r.id}" ${rule}`, { pluginId: m.id })
      if (!r.id.startsWith(`${m.id}-`)) throw fail(`must start with "${m.id}-" (rule: a role is named for its plugin)`)
      if (seen.has(r.id)) throw fail('is declared twice')
      seen.add(r.id)
      const foreign = r.permissions.find(p => !permissions.has(p))
      if (foreign) throw fail(`grants "${foreign}", which the plugin does not declare (rule: a role grants the plugin's own permissions)`)
    }
  }
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

/** A consumed service comes from a declared dependency (so it starts first) and names a semver range. */
export function checkServices (m: PluginManifest): void {
  for (const [id, range] of Object.entries(m.services ?? {})) {
    if (!(providerOf(id) in (m.dependencies ?? {}))) throw new StartupError('manifest_invalid', `plugin "${m.id}": /services "${id}" comes from plugin "${providerOf(id)}", which is not in /dependencies (rule: a service comes from a declared dependency)`, { pluginId: m.id })
    if (!semver.validRange(range)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /services "${id}" range "${range}" is not a semver range`, { pluginId: m.id })
  }
}
