import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { rowsOf, type Transaction } from '../db/database.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import type { EventCatalogue } from './catalogue.ts'
import type { EventBatchHandler, EventHandler, PluginEvents } from './types.ts'

/** An event as kernel modules see it inside the publishing transaction (`events.onPublish`). */
export interface PublishedEvent { id: string, type: string, tenantId: string, subject: string | null, payload: unknown, occurredAt: Date }
export type PublishSink = (trx: Transaction, event: PublishedEvent) => Promise<void>

/** A registered handler: `fn` per event, or `batch` per batch of deliveries. */
export type Registered = { plugin: string, handler: string } & ({ fn: EventHandler, batch?: never } | { batch: EventBatchHandler, fn?: never })

const NOT_NULL = '23502'

// One round trip per publish, however many events: the events, and in the same statement one
// delivery per event and subscribing handler. Both tables take the tenant from the transaction's
// scope (the columns' default); deliveries are inserted in the events' order, which `seq` keeps.
const insertSql = `
  with input as (
    select u.id, u.subject, u.payload, u.ord
      from unnest(?::uuid[], ?::text[], ?::text[]) with ordinality as u(id, subject, payload, ord)
  ), e as (
    insert into event_outbox (id, type, subject, payload)
    select id, ?, subject, payload::jsonb from input order by ord
    returning tenant_id, occurred_at
  ), d as (
    insert into event_deliveries (event_id, plugin, handler, subject, max_attempts)
    select i.id, s.plugin, s.handler, i.subject, s.max_attempts
      from input i cross join unnest(?::text[], ?::text[], ?::int[]) with ordinality as s(plugin, handler, max_attempts, ord)
     order by i.ord, s.ord
  )
  select tenant_id, occurred_at from e limit 1`

export interface NewEvent { payload: unknown, subject: string | null }

/** Writes events of one type and their deliveries inside the caller's tenant transaction; then runs the sinks. */
export async function writeEvents (trx: Transaction, catalogue: EventCatalogue, type: string, items: NewEvent[], sinks: PublishSink[]): Promise<PublishedEvent[]> {
  if (items.length === 0) return []
  const ids = items.map(() => randomUUID())
  const subscribers = catalogue.subscribers(type)
  let row: { tenant_id: string, occurred_at: Date | string } | undefined
  try {
    // pg sends the subjects as a text[] with nulls; knex's binding type knows no such array.
    const bindings = [
      ids, items.map(i => i.subject), items.map(i => JSON.stringify(i.payload ?? null)), type,
      subscribers.map(s => s.plugin), subscribers.map(s => s.handler), subscribers.map(s => s.maxAttempts)
    ] as Knex.RawBinding[]
    ;[row] = rowsOf<{ tenant_id: string, occurred_at: Date | string }>(await trx.raw(insertSql, bindings))
  } catch (err) {
    // tenant_id comes from the transaction's scope: no scope, no event.
    if ((err as { code?: string }).code === NOT_NULL) throw new TypeError(`events.publish("${type}") needs a tenant transaction: call it with the trx of ctx.db.withTenant(tenantId, trx => ...)`)
    throw err
  }
  const written = row as { tenant_id: string, occurred_at: Date | string }
  const events = items.map((item, i): PublishedEvent => ({ id: ids[i] as string, type, tenantId: written.tenant_id, subject: item.subject, payload: item.payload ?? null, occurredAt: new Date(written.occurred_at) }))
  for (const event of events) for (const sink of sinks) await sink(trx, event)
  return events
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

  // Checks every item before anything is written, so a bad one leaves the transaction untouched.
  async function write (trx: Transaction, type: string, items: Array<{ payload: unknown, subject?: string | undefined }>): Promise<PublishedEvent[]> {
    if (!publishes.has(type)) throw new Error(`plugin "${manifest.id}" cannot publish "${type}": declare it in plugin.json events.publishes`)
    const catalogue = deps.catalogue()
    const validate = catalogue.validator(type)
    const checked = items.map((item, i): NewEvent => {
      const at = items.length > 1 ? `[${i}]` : ''
      const subject = item?.subject ?? null
      if (subject !== null && (typeof subject !== 'string' || subject.length < 1 || subject.length > 200)) throw new TypeError(`events.publish("${type}")${at}: subject must be a string of 1-200 characters`)
      if (!validate(item?.payload)) {
        const e = validate.errors?.[0]
        throw new TypeError(`events.publish("${type}")${at}: payload${e?.instancePath ?? ''} ${e?.message ?? 'does not match the declared schema'}`)
      }
      return { payload: item.payload, subject }
    })
    const events = await writeEvents(trx, catalogue, type, checked, deps.sinks)
    // After the caller's commit, not before: a poke earlier would find nothing to deliver.
    const done = (trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise
    if (done && events.length > 0) done.then(deps.committed, () => {})
    return events
  }

  function register (handler: string, fn: unknown, how: { fn: EventHandler } | { batch: EventBatchHandler }): void {
    if (!subscribes.has(handler)) throw new Error(`plugin "${manifest.id}" has no event handler "${handler}" declared in plugin.json events.subscribes`)
    const key = `${manifest.id}:${handler}`
    if (deps.handlers.has(key)) throw new Error(`plugin "${manifest.id}": event handler "${handler}" is registered twice`)
    if (typeof fn !== 'function') throw new TypeError(`events.handle("${handler}"): the handler must be a function`)
    deps.handlers.set(key, { plugin: manifest.id, handler, ...how })
  }

  return {
    async publish (trx, type, payload, options = {}) {
      const [event] = await write(trx, type, [{ payload, subject: options.subject }])
      return { id: (event as PublishedEvent).id }
    },
    async publishMany (trx, type, items) {
      if (!Array.isArray(items)) throw new TypeError(`events.publishMany("${type}"): items must be an array of { payload, subject? }`)
      return { ids: (await write(trx, type, items)).map(e => e.id) }
    },
    handle (handler, fn) {
      register(handler, fn, { fn: fn as EventHandler })
    },
    handleBatch (handler, fn) {
      register(handler, fn, { batch: fn as EventBatchHandler })
    }
  }
}
