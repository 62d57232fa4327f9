import type { ValidateFunction } from 'ajv/dist/2020.js'
import type { PluginManifest } from '../plugins/manifest.ts'
import { eventSchemaCompiler } from './schema.ts'

export const DEFAULT_MAX_ATTEMPTS = 10

export interface Subscription { plugin: string, handler: string, maxAttempts: number }

/** Who publishes each declared type (with its payload validator, compiled once) and who subscribes. */
export function eventCatalogue (declared: PluginManifest[]) {
  const compile = eventSchemaCompiler()
  const publishers = new Map<string, { plugin: string, schema: object, validate?: ValidateFunction }>()
  const subscribers = new Map<string, Subscription[]>()
  for (const m of declared) {
    for (const p of m.events?.publishes ?? []) publishers.set(p.type, { plugin: m.id, schema: p.schema })
    for (const s of m.events?.subscribes ?? []) {
      const list = subscribers.get(s.type) ?? []
      list.push({ plugin: m.id, handler: s.handler, maxAttempts: s.maxAttempts ?? DEFAULT_MAX_ATTEMPTS })
      subscribers.set(s.type, list)
    }
  }
  return {
    publisher (type: string) { return publishers.get(type) },
    validator (type: string): ValidateFunction {
      const entry = publishers.get(type)
      if (!entry) throw new Error(`event type "${type}" is not declared`)
      entry.validate ??= compile(entry.schema)
      return entry.validate
    },
    subscribers (type: string): Subscription[] { return subscribers.get(type) ?? [] },
    get empty (): boolean { return publishers.size === 0 && subscribers.size === 0 }
  }
}

export type EventCatalogue = ReturnType<typeof eventCatalogue>
