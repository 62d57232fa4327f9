import type { Knex } from 'knex'
import type { Transaction } from '../db/database.ts'
import type { IngestedEvent, IngestEventInput } from './types.ts'

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows)

// One statement per batch: the events travel as one JSON parameter (cheaper to encode and
// parse than thousands of bind parameters); the ids seen for the first time decide which
// events enter the inbox, and the statement answers which input rows those were.
const storeSql = `
with input as (
  select * from jsonb_to_recordset(?::jsonb) as x(i int, device_id uuid, kind text, event_id text, ts timestamptz, data jsonb)
), seen as (
  insert into ingest_seen (tenant_id, device_id, event_id)
  select ?::uuid, device_id, event_id from input where event_id is not null
  on conflict do nothing
  returning device_id, event_id
), fresh as (
  select i.* from input i
  where i.event_id is null or exists (select 1 from seen s where s.device_id = i.device_id and s.event_id = i.event_id)
), stored as (
  insert into ingest_inbox (tenant_id, device_id, kind, event_id, ts, data)
  select ?::uuid, device_id, kind, event_id, ts, data from fresh
)
select i from fresh`

/** Stores events in the caller's tenant transaction; true per event stored, false per duplicate. */
export async function storeEvents (trx: Transaction, tenantId: string, events: IngestEventInput[]): Promise<boolean[]> {
  const stored = new Array<boolean>(events.length).fill(false)
  const input: Array<Record<string, unknown>> = []
  const inBatch = new Set<string>()
  events.forEach((e, i) => {
    if (e.eventId !== null) {
      const key = `${e.deviceId}\u0000${e.eventId}`
      if (inBatch.has(key)) return
      inBatch.add(key)
    }
    input.push({ i, device_id: e.deviceId, kind: e.kind, event_id: e.eventId, ts: e.ts, data: e.data })
  })
  if (input.length === 0) return stored
  const result = await trx.raw(storeSql, [JSON.stringify(input), tenantId, tenantId])
  for (const row of rowsOf<{ i: number }>(result)) stored[row.i] = true
  return stored
}

const claimSql = `
delete from ingest_inbox where seq in (
  select seq from ingest_inbox
  where tenant_id = ?::uuid and kind = ? and failed_at is null and available_at <= now() and (attempts = 0) = ?
  order by seq limit ? for update skip locked)
returning seq, tenant_id, device_id, kind, event_id, ts, received_at, attempts, data`

interface InboxRow { seq: string | number, tenant_id: string, device_id: string, kind: string, event_id: string | null, ts: Date | string, received_at: Date | string, attempts: number, data: unknown }

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString()

/** Takes a tenant's due events of one kind out of the inbox; they stay out only if `trx` commits. */
export async function claimEvents (trx: Transaction, tenantId: string, kind: string, limit: number, retries: boolean): Promise<IngestedEvent[]> {
  const rows = rowsOf<InboxRow>(await trx.raw(claimSql, [tenantId, kind, !retries, limit]))
  return rows.map(r => ({
    seq: String(r.seq),
    tenantId: r.tenant_id,
    deviceId: r.device_id,
    kind: r.kind,
    eventId: r.event_id,
    ts: iso(r.ts),
    receivedAt: iso(r.received_at),
    attempts: r.attempts,
    data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>
  })).sort((a, b) => Number(a.seq) - Number(b.seq))
}

/** Tenants and kinds with due events (kernel bookkeeping on the owner connection). */
export async function dueWork (owner: Knex, kinds: string[], limit: number): Promise<Array<{ tenantId: string, kind: string, retries: boolean }>> {
  if (kinds.length === 0) return []
  const rows = rowsOf<{ tenant_id: string, kind: string, retries: boolean }>(await owner.raw(
    `select distinct tenant_id, kind, attempts > 0 as retries from ingest_inbox
     where kind in (${kinds.map(() => '?').join(', ')}) and failed_at is null and available_at <= now() limit ?`, [...kinds, limit]))
  return rows.map(r => ({ tenantId: r.tenant_id, kind: r.kind, retries: Boolean(r.retries) }))
}

/** A batch whose consumer failed: back off, and after `maxAttempts` park it for an operator. */
export async function deferEvents (owner: Knex, seqs: string[], error: string, maxAttempts: number, backoffMs: (attempt: number) => number): Promise<number> {
  const rows = await owner('ingest_inbox').whereIn('seq', seqs).select('seq', 'attempts')
  let parked = 0
  for (const row of rows as Array<{ seq: string, attempts: number }>) {
    const attempts = row.attempts + 1
    const park = attempts >= maxAttempts
    if (park) parked++
    await owner('ingest_inbox').where({ seq: row.seq }).update({
      attempts,
      last_error: error.slice(0, 2000),
      available_at: new Date(Date.now() + backoffMs(attempts)),
      failed_at: park ? new Date() : null
    })
  }
  return parked
}
