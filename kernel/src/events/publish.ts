import { randomUUID } from 'node:crypto'
import { rowsOf, type Transaction } from '../db/database.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import type { EventCatalogue } from './catalogue.ts'
import type { EventHandler, PluginEvents } from './types.ts'

/** An event as kernel modules see it inside the publishing transaction (`events.onPublish`). */
export interface PublishedEvent { id: string, type: string, tenantId: string, subject: string | null, payload: unknown, occurredAt: Date }
export type PublishSink = (trx: Transaction, event: PublishedEvent) => Promise<void>

export interface Registered { plugin: string, handler: string, fn: EventHandler }

const NOT_NULL = '23502'

// One round trip per publish: the event, and in the same statement one delivery per subscribing
// handler, carrying the tenant the event got from the transaction's scope.
const insertSql = `
  with e as (
    insert into event_outbox (id, type, subject, payload) values (?, ?, ?, ?::jsonb)
    returning tenant_id, occurred_at
  ), d as (
    insert into event_deliveries (tenant_id, event_id, plugin, handler, subject, max_attempts)
    select e.tenant_id, ?, s.plugin, s.handler, ?, s.max_attempts
      from e cross join unnest(?::text[], ?::text[], ?::int[]) as s(plugin, handler, max_attempts)
  )
  select tenant_id, occurred_at from e`

/** Writes one event and its deliveries inside the caller's tenant transaction; then runs the sinks. */
export async function writeEvent (trx: Transaction, catalogue: EventCatalogue, type: string, payload: unknown, subject: string | null, sinks: PublishSink[]): Promise<PublishedEvent> {
  const id = randomUUID()
  const subscribers = catalogue.subscribers(type)
  let row: { tenant_id: string, occurred_at: Date | string } | undefined
  try {
    // tenant_id comes from the transaction's scope (the column's default): no scope, no event.
    [row] = rowsOf<{ tenant_id: string, occurred_at: Date | string }>(await trx.raw(insertSql, [
      id, type, subject, JSON.stringify(payload ?? null), id, subject,
      subscribers.map(s => s.plugin), subscribers.map(s => s.handler), subscribers.map(s => s.maxAttempts)
    ]))
  } catch (err) {
    if ((err as { code?: string }).code === NOT_NULL) throw new TypeError(`events.publish("${type}") needs a tenant transaction: call it with the trx of ctx.db.withTenant(tenantId, trx => ...)`)
    throw err
  }
  const written = row as { tenant_id: string, occurred_at: Date | string }
  const event: PublishedEvent = { id, type, tenantId: written.tenant_id, subject, payload: payload ?? null, occurredAt: new Date(written.occurred_at) }
  for (const sink of sinks) await sink(trx, event)
  return event
}

/** `ctx.events` of one plugin: only the types and handlers its plugin.json declares. */
export function pluginEvents (manifest: PluginManifest, deps: {
  catalogue: () => EventCatalogue
  sinks: PublishSink[]
  handlers: Map<string, Registered>
  /** Runs once the publishing transaction has committed. */
  committed: () => void
}): PluginEvents {
  const publishes = new Set((manifest.events?.publishes ?? []).map(p => p.type))
  const subscribes = new Set((manifest.events?.subscribes ?? []).map(s => s.handler))
  return {
    async publish (trx, type, payload, options = {}) {
      if (!publishes.has(type)) throw new Error(`plugin "${manifest.id}" cannot publish "${type}": declare it in plugin.json events.publishes`)
      const subject = options.subject ?? null
      if (subject !== null && (typeof subject !== 'string' || subject.length < 1 || subject.length > 200)) throw new TypeError(`events.publish("${type}"): subject must be a string of 1-200 characters`)
      const catalogue = deps.catalogue()
      const validate = catalogue.validator(type)
      if (!validate(payload)) {
        const e = validate.errors?.[0]
        throw new TypeError(`events.publish("${type}"): payload${e?.instancePath ?? ''} ${e?.message ?? 'does not match the declared schema'}`)
      }
      const event = await writeEvent(trx, catalogue, type, payload, subject, deps.sinks)
      // After the caller's commit, not before: a poke earlier would find nothing to deliver.
      const done = (trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise
      if (done) done.then(deps.committed, () => {})
      return { id: event.id }
    },
    handle (handler, fn) {
      if (!subscribes.has(handler)) throw new Error(`plugin "${manifest.id}" has no event handler "${handler}" declared in plugin.json events.subscribes`)
      const key = `${manifest.id}:${handler}`
      if (deps.handlers.has(key)) throw new Error(`plugin "${manifest.id}": event handler "${handler}" is registered twice`)
      if (typeof fn !== 'function') throw new TypeError(`events.handle("${handler}"): the handler must be a function`)
      deps.handlers.set(key, { plugin: manifest.id, handler, fn: fn as EventHandler })
    }
  }
}
