import { StartupError } from '../../errors/errors.ts'
import { eventSchemaCompiler } from '../../events/schema.ts'
import type { PluginManifest } from '../manifest.ts'

/**
 * Domain event declarations: a plugin publishes only types named after itself, each payload
 * schema compiles (strict JSON Schema 2020-12), a type is published once, and handler names are
 * unique within a plugin. A subscription nobody publishes is not an error (the publisher may be
 * installed later): `unpublishedSubscriptions` lists them for a warning.
 */
export function checkEvents (manifests: PluginManifest[]): void {
  const compile = eventSchemaCompiler()
  const publisher = new Map<string, string>()
  for (const m of manifests) {
    for (const p of m.events?.publishes ?? []) {
      if (!p.type.startsWith(`${m.id}.`)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /events/publishes type "${p.type}" must start with "${m.id}." (rule: a plugin publishes only <its id>.<name>)`, { pluginId: m.id })
      const clash = publisher.get(p.type)
      if (clash) throw new StartupError('manifest_invalid', `plugin "${m.id}": /events/publishes type "${p.type}" is declared twice (rule: event types are unique)`, { pluginId: m.id })
      try { compile(p.schema) } catch (err) {
        throw new StartupError('manifest_invalid', `plugin "${m.id}": /events/publishes type "${p.type}" has an invalid payload schema: ${(err as Error).message} (rule: schema must compile as strict JSON Schema 2020-12)`, { pluginId: m.id })
      }
      publisher.set(p.type, m.id)
    }
    const handlers = new Set<string>()
    for (const s of m.events?.subscribes ?? []) {
      if (handlers.has(s.handler)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /events/subscribes handler "${s.handler}" is named twice (rule: handler names are unique within a plugin)`, { pluginId: m.id })
      handlers.add(s.handler)
    }
  }
}

/** Subscriptions to a type no installed plugin publishes: they are never delivered. */
export function unpublishedSubscriptions (manifests: PluginManifest[]): Array<{ plugin: string, type: string, handler: string }> {
  const published = new Set(manifests.flatMap(m => (m.events?.publishes ?? []).map(p => p.type)))
  return manifests.flatMap(m => (m.events?.subscribes ?? []).filter(s => !published.has(s.type)).map(s => ({ plugin: m.id, type: s.type, handler: s.handler })))
}
