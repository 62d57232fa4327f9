import semver from 'semver'
import { StartupError } from '../../errors/errors.ts'
import type { PluginManifest } from '../manifest.ts'
import type { PluginRecord, PluginRegistry } from '../registry.ts'
import { isServiceRef, providerOf, type ServiceRef } from '../service-ref.ts'

/** Stage 4, initialise, step wiring (provider side): `ctx.provide(ref, impl)` during the provider's start. */
export function provide (record: PluginRecord, ref: ServiceRef<unknown>, impl: unknown): void {
  const id = record.manifest.id
  if (!isServiceRef(ref)) throw new StartupError('service_invalid', `plugin "${id}": provide() takes a reference made with defineServiceRef`, { pluginId: id })
  // Naming a service after its plugin is what lets consumers' manifests say where it comes from.
  if (providerOf(ref.id) !== id) throw new StartupError('service_invalid', `plugin "${id}" cannot provide "${ref.id}": a plugin provides only services named <its id> or <its id>.<name>`, { pluginId: id })
  if (record.provided.has(ref.id)) throw new StartupError('service_invalid', `plugin "${id}" provides "${ref.id}" twice`, { pluginId: id })
  record.provided.set(ref.id, { version: ref.version, impl })
}

/** Stage 4, initialise, step wiring (consumer side): the provider's implementation, if declared and in range. */
export function resolveService (m: PluginManifest, serviceId: string, registry: PluginRegistry): unknown {
  const range = m.services?.[serviceId]
  if (range === undefined) throw new StartupError('service_undeclared', `plugin "${m.id}" asked for service "${serviceId}", which its plugin.json does not declare in /services`, { pluginId: m.id })
  const provider = providerOf(serviceId)
  const found = registry.get(provider)?.provided.get(serviceId)
  if (!found) throw new StartupError('service_missing', `plugin "${m.id}" needs service "${serviceId}", which plugin "${provider}" does not provide`, { pluginId: m.id })
  if (!semver.satisfies(found.version, range)) {
    throw new StartupError('service_version', `plugin "${m.id}" needs service "${serviceId}" ${range}, but plugin "${provider}" provides ${found.version}`, { pluginId: m.id })
  }
  return found.impl
}

/** Every declared service is checked before the consumer's code runs, whether or not it asks for it. */
export function checkServicesProvided (m: PluginManifest, registry: PluginRegistry): void {
  for (const id of Object.keys(m.services ?? {})) resolveService(m, id, registry)
}
