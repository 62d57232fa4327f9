import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { Connections } from '../db/connections.ts'
import { isUuid, type Database, type Transaction } from '../db/database.ts'
import type { IngestedEvent, IngestEventInput } from './types.ts'

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows)

interface Sent { event: IngestEventInput, index: number }

// The database answers device ids in lower case; a caller may send them in any case.
const keyOf = (deviceId: string, eventId: string) => `${deviceId.toLowerCase()}\u0000${eventId}`

/** The events to store: repeats within the call left out (they are duplicates). */
function toSend (events: IngestEventInput[]): Sent[] {
  const sent: Sent[] = []
  const inBatch = new Set<string>()
  events.forEach((event, index) => {
    if (event.eventId !== null) {
      const key = keyOf(event.deviceId, event.eventId)
      if (inBatch.has(key)) return
      inBatch.add(key)
    }
    sent.push({ event, index })
  })
  return sent
}

/** One inbox row per kind: the JSON text of its events, as the dispatcher reads them back. */
function inboxRows (sent: Sent[]): Array<{ kind: string, events: string, count: number }> {
  const byKind = new Map<string, string[]>()
  for (const { event: e } of sent) {
    let list = byKind.get(e.kind)
    if (!list) byKind.set(e.kind, list = [])
    list.push(JSON.stringify({ d: e.deviceId, e: e.eventId, t: e.ts, x: e.data }))
  }
  return [...byKind].map(([kind, list]) => ({ kind, events: `[${list.join(',')}]`, count: list.length }))
}

function answer (length: number, stored: Sent[]): boolean[] {
  const result = new Array<boolean>(length).fill(false)
  for (const s of stored) result[s.index] = true
  return result
}

const seenSql = `insert into ingest_seen (tenant_id, device_id, event_id)
select ?::uuid, u.d, u.e from unnest(?::uuid[], ?::text[]) as u(d, e) where u.e is not null
on conflict do nothing returning device_id, event_id`

/**
 * Stores events in the caller's tenant transaction; true per event stored, false per duplicate.
 * Statement by statement: the ids seen for the first time decide which events enter the inbox.
 */
export async function storeEvents (trx: Transaction, tenantId: string, events: IngestEventInput[]): Promise<boolean[]> {
  const sent = toSend(events)
  if (sent.length === 0) return answer(events.length, [])
  const withId = sent.filter(s => s.event.eventId !== null)
  const seen = new Set<string>()
  if (withId.length > 0) {
    const result = await trx.raw(seenSql, [tenantId, withId.map(s => s.event.deviceId), withId.map(s => s.event.eventId as string)])
    for (const r of rowsOf<{ device_id: string, event_id: string }>(result)) seen.add(keyOf(r.device_id, r.event_id))
  }
  const fresh = sent.filter(s => s.event.eventId === null || seen.has(keyOf(s.event.deviceId, s.event.eventId)))
  if (fresh.length > 0) await trx('ingest_inbox').insert(inboxRows(fresh).map(row => ({ tenant_id: tenantId, ...row })))
  return answer(events.length, fresh)
}

/**
 * A dollar-quoted literal: its body is taken verbatim, with no escapes, so encoding costs one
 * search for a tag that the text does not contain.
 */
export function dollarQuote (text: string): string {
  let tag = '$mz$'
  while (text.includes(tag)) tag = `$mz${randomBytes(6).toString('hex')}$`
  return tag + text + tag
}

/** An array literal (`{"a","b",NULL}`) of strings or numbers, dollar-quoted. */
function arrayLiteral (values: Array<string | number | null>): string {
  return dollarQuote(`{${values.map(v => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`)
}

/** The arguments of `ingest_store` (migration 006). */
function storeArgs (tenantId: string, sent: Sent[]): [string, string[], number[], Array<string | null>, string[], string[], number[]] {
  const rows = inboxRows(sent)
  const devices = new Map<string, number>()
  const positions = sent.map(s => {
    let n = devices.get(s.event.deviceId)
    if (n === undefined) devices.set(s.event.deviceId, n = devices.size + 1)
    return n
  })
  return [tenantId, [...devices.keys()], positions, sent.map(s => s.event.eventId), rows.map(r => r.kind), rows.map(r => r.events), rows.map(r => r.count)]
}

const storeCall = (args: string[]) => `select ingest_store(${args.join(', ')})`
const boundStoreCall = storeCall(['?::uuid', '?::uuid[]', '?::int[]', '?::text[]', '?::text[]', '?::text[]', '?::int[]'])

/** The call with every argument inlined: uuids checked, text dollar-quoted, arrays escaped. */
function inlineStoreCall ([tenantId, devices, positions, ids, kinds, payloads, counts]: ReturnType<typeof storeArgs>): string {
  if (!isUuid(tenantId)) throw new TypeError(`ingest: tenant must be a uuid, got ${JSON.stringify(tenantId)}`)
  const device = devices.find(d => !isUuid(d))
  if (device !== undefined) throw new TypeError(`ingest: device id must be a uuid, got ${JSON.stringify(device)}`)
  return storeCall([`'${tenantId}'::uuid`, `${arrayLiteral(devices)}::uuid[]`, `${arrayLiteral(positions)}::int[]`, `${arrayLiteral(ids)}::text[]`,
    `${arrayLiteral(kinds)}::text[]`, `array[${payloads.map(dollarQuote).join(', ')}]::text[]`, `${arrayLiteral(counts)}::int[]`])
}

/**
 * Stores events in a transaction of their own and resolves once it committed. A batch of new
 * events is one call of `ingest_store`; where the connection runs a whole tenant transaction in
 * one round trip (PostgreSQL) the call goes inline with it. A batch holding a duplicate (a retry:
 * rare) is refused whole by the database and stored again statement by statement.
 */
export async function commitEvents (conn: Pick<Connections, 'scopedScript'>, db: Database, tenantId: string, events: IngestEventInput[]): Promise<boolean[]> {
  const sent = toSend(events)
  if (sent.length === 0) return answer(events.length, [])
  const args = storeArgs(tenantId, sent)
  try {
    if (conn.scopedScript) await conn.scopedScript(tenantId, inlineStoreCall(args))
    else await db.withTenant(tenantId, trx => trx.raw(boundStoreCall, args as unknown as Knex.RawBinding[]))
    return answer(events.length, sent)
  } catch (err) {
    if ((err as { code?: string }).code !== 'MZ409') throw err
    return db.withTenant(tenantId, trx => storeEvents(trx, tenantId, events))
  }
}

// Fresh rows and retried rows are claimed apart; the condition is spelled out rather than bound
// as a boolean parameter, which the embedded driver does not compare reliably.
// The claimed rows are materialized first: as a plain IN subquery the planner may run the LIMIT
// more than once and take more rows than asked.
const claimSql = (retries: boolean) => `
with claimed as materialized (
  select seq from ingest_inbox
  where tenant_id = ?::uuid and kind = ? and failed_at is null and available_at <= now() and attempts ${retries ? '> 0' : '= 0'}
  order by seq limit ? for update skip locked)
delete from ingest_inbox i using claimed c where i.seq = c.seq
returning i.seq, i.tenant_id, i.kind, i.events, i.count, i.received_at, i.attempts`

interface InboxRow { seq: string | number, tenant_id: string, kind: string, events: unknown, count: number, received_at: Date | string, attempts: number }
interface Stored { d: string, e: string | null, t: string, x: Record<string, unknown> }

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString()

export interface Claimed { rows: Array<{ seq: string, count: number }>, events: IngestedEvent[] }

/**
 * Takes inbox rows of a tenant and kind, oldest first, until about `limit` events (at least one
 * row); they stay out of the inbox only if `trx` commits. Retries (`retries`) take one row,
 * which holds one event (a failed batch is split, see deferEvents).
 */
export async function claimEvents (trx: Transaction, tenantId: string, kind: string, limit: number, retries: boolean): Promise<Claimed> {
  const rows: InboxRow[] = []
  let count = 0
  while (count < limit) {
    const got = rowsOf<InboxRow>(await trx.raw(claimSql(retries), [tenantId, kind, 1]))
    if (got.length === 0) break
    rows.push(...got)
    count += got.reduce((n, r) => n + r.count, 0)
    if (retries) break
  }
  const events: IngestedEvent[] = []
  for (const r of rows.sort((a, b) => Number(a.seq) - Number(b.seq))) {
    const list = (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as Stored[]
    list.forEach((e, n) => events.push({
      seq: `${r.seq}.${n}`,
      tenantId: r.tenant_id,
      deviceId: e.d,
      kind: r.kind,
      eventId: e.e,
      ts: iso(e.t),
      receivedAt: iso(r.received_at),
      attempts: r.attempts,
      data: e.x
    }))
  }
  return { rows: rows.map(r => ({ seq: String(r.seq), count: r.count })), events }
}

/** Tenants and kinds with due events (kernel bookkeeping on the owner connection). */
export async function dueWork (owner: Knex, kinds: string[], limit: number): Promise<Array<{ tenantId: string, kind: string, retries: boolean }>> {
  if (kinds.length === 0) return []
  const rows = rowsOf<{ tenant_id: string, kind: string, retries: number }>(await owner.raw(
    `select distinct tenant_id, kind, case when attempts > 0 then 1 else 0 end as retries from ingest_inbox
     where kind in (${kinds.map(() => '?').join(', ')}) and failed_at is null and available_at <= now() limit ?`, [...kinds, limit]))
  return rows.map(r => ({ tenantId: r.tenant_id, kind: r.kind, retries: Number(r.retries) === 1 }))
}

/**
 * A batch whose consumer failed: each event gets a row of its own (so one bad event cannot hold
 * up the others), backs off, and after `maxAttempts` is parked with its error for an operator.
 */
export async function deferEvents (owner: Knex, seqs: string[], error: string, maxAttempts: number, backoffMs: (attempt: number) => number): Promise<number> {
  let parked = 0
  await owner.transaction(async trx => {
    const rows: Array<InboxRow & { tenant_id: string }> = await trx('ingest_inbox').whereIn('seq', seqs).forUpdate().select('*')
    for (const row of rows) {
      const attempts = row.attempts + 1
      const park = attempts >= maxAttempts
      const patch = { attempts, last_error: error.slice(0, 2000), available_at: new Date(Date.now() + backoffMs(attempts)), failed_at: park ? new Date() : null }
      if (row.count <= 1) {
        if (park) parked++
        await trx('ingest_inbox').where({ seq: row.seq }).update(patch)
        continue
      }
      const list = (typeof row.events === 'string' ? JSON.parse(row.events) : row.events) as Stored[]
      await trx('ingest_inbox').where({ seq: row.seq }).del()
      for (let i = 0; i < list.length; i += 1000) {
        await trx('ingest_inbox').insert(list.slice(i, i + 1000).map(e => ({
          tenant_id: row.tenant_id, kind: row.kind, events: JSON.stringify([e]), count: 1, received_at: row.received_at, ...patch
        })))
      }
      if (park) parked += list.length
    }
  })
  return parked
}
