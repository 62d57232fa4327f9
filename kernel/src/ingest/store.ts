import type { Knex } from 'knex'
import type { Connections } from '../db/connections.ts'
import { isUuid, rowsOf, type Database, type Transaction } from '../db/database.ts'
import { int4Array, textArray, uuidArray } from '../db/dialects/pg-binary.ts'
import { postgresSql } from '../db/dialects/sql.ts'
import type { IngestEventInput, IngestTenantEvents } from './types.ts'

// Storing events in the inbox: the ids seen for the first time (per tenant and device) decide
// which events enter it, one row per kind holding their JSON text.

interface Sent { event: IngestEventInput, index: number }

// The database answers device ids in lower case; a caller may send them in any case.
const keyOf = (deviceId: string, eventId: string) => `${deviceId.toLowerCase()}\u0000${eventId}`

/** The events to store: repeats within the call left out (they are duplicates). */
function toSend (events: IngestEventInput[]): Sent[] {
  const sent: Sent[] = []
  // Per device (as the caller spelled it) the ids of this call; devices spelled apart but equal share one set.
  const byDevice = new Map<string, Set<string>>()
  const byLowered = new Map<string, Set<string>>()
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as IngestEventInput
    if (event.eventId !== null) {
      let ids = byDevice.get(event.deviceId)
      if (!ids) {
        const lowered = event.deviceId.toLowerCase()
        ids = byLowered.get(lowered) ?? new Set()
        byLowered.set(lowered, ids)
        byDevice.set(event.deviceId, ids)
      }
      if (ids.has(event.eventId)) continue
      ids.add(event.eventId)
    }
    sent.push({ event, index })
  }
  return sent
}

// An inbox row holds at most about this many characters of events. Larger texts cost far more
// than their length: V8 puts strings over 128 KiB in pages of their own, fresh memory every
// commit, and PostgreSQL copies each value several times on its way into the row.
const ROW_CHARS = 32_768

/**
 * The inbox rows: per kind, the JSON text of its events as the dispatcher reads them back:
 * `{ d, e, t?, s }` with the event's text as received, or `{ d, e, t?, x }` with its data; `t`
 * is absent when the sender gave no time (the row's received_at stands for it).
 */
function inboxRows (sent: Sent[]): Array<{ kind: string, events: string, count: number }> {
  const rows: Array<{ kind: string, events: string, count: number }> = []
  const open = new Map<string, { list: string[], chars: number }>()
  const close = (kind: string, row: { list: string[] }) => rows.push({ kind, events: `[${row.list.join(',')}]`, count: row.list.length })
  for (const { event: e } of sent) {
    let row = open.get(e.kind)
    if (!row) open.set(e.kind, row = { list: [], chars: 0 })
    // Spelled out: no object per event just to serialise it.
    const head = `{"d":${JSON.stringify(e.deviceId)},"e":${JSON.stringify(e.eventId)},${e.ts === undefined ? '' : `"t":${JSON.stringify(e.ts)},`}`
    const text = e.source === undefined ? `${head}"x":${JSON.stringify(e.data)}}` : `${head}"s":${e.source}}`
    if (row.chars + text.length > ROW_CHARS && row.list.length > 0) {
      close(e.kind, row)
      open.set(e.kind, row = { list: [], chars: 0 })
    }
    row.list.push(text)
    row.chars += text.length + 1
  }
  for (const [kind, row] of open) close(kind, row)
  return rows
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

/** Each event's position (from 1) in `devices`, the device list it adds its device to. */
function devicePositions (sent: Sent[], devices: Map<string, number>): number[] {
  return sent.map(s => {
    let n = devices.get(s.event.deviceId)
    if (n === undefined) devices.set(s.event.deviceId, n = devices.size + 1)
    return n
  })
}

/** The arguments of `ingest_store` (migration 006) and `ingest_commit` (008). */
function storeArgs (tenantId: string, sent: Sent[]): [string, string[], number[], Array<string | null>, string[], string[], number[]] {
  const rows = inboxRows(sent)
  const devices = new Map<string, number>()
  const positions = devicePositions(sent, devices)
  return [tenantId, [...devices.keys()], positions, sent.map(s => s.event.eventId), rows.map(r => r.kind), rows.map(r => r.events), rows.map(r => r.count)]
}

interface TenantPart { tenantId: string, events: IngestEventInput[], sent: Sent[] }

/** The arguments of `ingest_commit_tenants` (migration 012; 013 redefines it): the tenants' parts one after another, ids checked. */
function tenantsArgs (parts: TenantPart[]): [string[], number[], number[], string[], number[], Array<string | null>, string[], string[], number[]] {
  const tenants: string[] = []
  const eventEnds: number[] = []
  const rowEnds: number[] = []
  const devices = new Map<string, number>()
  const positions: number[] = []
  const ids: Array<string | null> = []
  const kinds: string[] = []
  const payloads: string[] = []
  const counts: number[] = []
  for (const part of parts) {
    tenants.push(part.tenantId)
    for (const n of devicePositions(part.sent, devices)) positions.push(n)
    for (const s of part.sent) ids.push(s.event.eventId)
    for (const row of inboxRows(part.sent)) {
      kinds.push(row.kind)
      payloads.push(row.events)
      counts.push(row.count)
    }
    eventEnds.push(ids.length)
    rowEnds.push(kinds.length)
  }
  const deviceList = [...devices.keys()]
  assertUuids(tenants, deviceList)
  return [tenants, eventEnds, rowEnds, deviceList, positions, ids, kinds, payloads, counts]
}

const boundTenantsCall = 'select ingest_commit_tenants(?::uuid[], ?::int[], ?::int[], ?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[])'

const boundStoreCall = 'select ingest_store(?::uuid, ?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[])'

/** ingest_commit (migration 008) with its arrays in binary: nothing to escape, nothing for the server to lex. */
function commitStatement ([tenantId, devices, positions, ids, kinds, payloads, counts]: ReturnType<typeof storeArgs>) {
  assertUuids([tenantId], devices)
  return {
    name: 'monozu_ingest_commit',
    text: 'select ingest_commit($1, $2, $3, $4, $5, $6, $7)',
    values: [tenantId, uuidArray(devices), int4Array(positions), textArray(ids), textArray(kinds), textArray(payloads), int4Array(counts)]
  }
}

/** Binary uuid parameters must be uuids: nothing else may reach the encoder. */
function assertUuids (tenants: string[], devices: string[]): void {
  const tenant = tenants.find(t => !isUuid(t))
  if (tenant !== undefined) throw new TypeError(`ingest: tenant must be a uuid, got ${JSON.stringify(tenant)}`)
  const device = devices.find(d => !isUuid(d))
  if (device !== undefined) throw new TypeError(`ingest: device id must be a uuid, got ${JSON.stringify(device)}`)
}

/** ingest_commit_tenants (migrations 012 and 013) with its arrays in binary. */
function tenantsStatement (args: ReturnType<typeof tenantsArgs>) {
  const [tenants, eventEnds, rowEnds, devices, positions, ids, kinds, payloads, counts] = args
  return {
    name: 'monozu_ingest_commit_tenants',
    text: 'select ingest_commit_tenants($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    values: [uuidArray(tenants), int4Array(eventEnds), int4Array(rowEnds), uuidArray(devices), int4Array(positions), textArray(ids), textArray(kinds), textArray(payloads), int4Array(counts)]
  }
}

/** The fast path refused the batch: an id in it was stored before (ingest_seen's key, migration 007). */
function seenBefore (err: unknown): boolean {
  const e = err as { code?: string, constraint?: string }
  return e.code === '23505' && e.constraint === 'ingest_seen_pkey'
}

/**
 * Stores events in a transaction of their own and resolves once it committed. A batch of new
 * events is one call of `ingest_store`; on PostgreSQL, one prepared `ingest_commit` (which sets
 * the tenant scope itself) as a transaction of its own, in one round trip. A batch holding an id
 * seen before (a retry: rare) is refused whole by ingest_seen's key and stored again statement by
 * statement.
 */
async function commitEvents (conn: Pick<Connections, 'autocommit'>, db: Database, tenantId: string, events: IngestEventInput[]): Promise<boolean[]> {
  const sent = toSend(events)
  if (sent.length === 0) return answer(events.length, [])
  const args = storeArgs(tenantId, sent)
  try {
    if (conn.autocommit) await conn.autocommit(commitStatement(args))
    else await db.withTenant(tenantId, trx => trx.raw(boundStoreCall, args as unknown as Knex.RawBinding[]))
    return answer(events.length, sent)
  } catch (err) {
    if (!seenBefore(err)) throw err
    return db.withTenant(tenantId, trx => storeEvents(trx, tenantId, events))
  }
}

/**
 * Stores several tenants' events in one transaction (one entry per tenant) and resolves, per
 * entry, as `commitEvents` does, once it committed. One tenant is `commitEvents`; more are one
 * call of `ingest_commit_tenants`, which moves the tenant scope from part to part. A batch holding
 * an id seen before is stored again statement by statement, still in one transaction, so it stays
 * all or nothing.
 */
export async function commitTenants (conn: Pick<Connections, 'autocommit'>, db: Database, batches: IngestTenantEvents[]): Promise<boolean[][]> {
  const [only] = batches
  if (batches.length === 1 && only) return [await commitEvents(conn, db, only.tenantId, only.events)]
  const tenants = new Set(batches.map(b => b.tenantId))
  if (tenants.size !== batches.length) throw new TypeError('ingest: commitTenants takes one entry per tenant')
  const parts: TenantPart[] = batches.map(b => ({ tenantId: b.tenantId, events: b.events, sent: toSend(b.events) }))
  const storing = parts.filter(p => p.sent.length > 0)
  if (storing.length === 0) return parts.map(p => answer(p.events.length, []))
  const first = (storing[0] as TenantPart).tenantId
  try {
    const args = tenantsArgs(storing)
    if (conn.autocommit) await conn.autocommit(tenantsStatement(args))
    else await db.withTenant(first, trx => trx.raw(boundTenantsCall, args as unknown as Knex.RawBinding[]))
    return parts.map(p => answer(p.events.length, p.sent))
  } catch (err) {
    if (!seenBefore(err)) throw err
    return db.withTenant(first, async trx => {
      const stored: boolean[][] = []
      for (const part of parts) {
        if (part.tenantId !== first && part.sent.length > 0) await trx.raw(postgresSql.scope, [part.tenantId])
        stored.push(part.sent.length > 0 ? await storeEvents(trx, part.tenantId, part.events) : answer(part.events.length, []))
      }
      return stored
    })
  }
}
