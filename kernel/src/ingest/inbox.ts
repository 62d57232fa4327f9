import type { Knex } from 'knex'
import { rowsOf, type Transaction } from '../db/database.ts'
import type { IngestedEvent } from './types.ts'

// One statement per batch (migration 009; since 010 each lane on its own index): fresh rows and
// retried rows apart, `retries` as 1 or 0 (the embedded driver does not compare a bound boolean
// reliably).
const claimSql = 'select * from ingest_claim(?::uuid, ?, ?::int, ?::int)'

interface InboxRow { seq: string | number, tenant_id: string, kind: string, events: unknown, count: number, received_at: Date | string, attempts: number }
/**
 * `s`: the event as the device sent it (its envelope is dropped here); `x`: its data alone; no
 * `t`: the sender gave no time, so the time the inbox received it is the event's.
 */
interface Stored { d: string, e: string | null, t?: string, x?: Record<string, unknown>, s?: Record<string, unknown> }

function dataOf (e: Stored): Record<string, unknown> {
  if (e.x !== undefined) return e.x
  const { kind: _kind, id: _id, ts: _ts, ...data } = e.s as Record<string, unknown>
  return data
}

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString()

export interface Claimed { rows: Array<{ seq: string, count: number }>, events: IngestedEvent[] }

/**
 * Takes inbox rows of a tenant and kind, oldest first, until they hold `limit` events or more (at
 * least one row); they stay out of the inbox only if `trx` commits. Rows another transaction is
 * taking are skipped. Retries (`retries`) take one row, which holds one event (a failed batch is
 * split, see deferEvents).
 */
export async function claimEvents (trx: Transaction, tenantId: string, kind: string, limit: number, retries: boolean): Promise<Claimed> {
  const rows = rowsOf<InboxRow>(await trx.raw(claimSql, [tenantId, kind, retries ? 1 : limit, retries ? 1 : 0]))
  const events: IngestedEvent[] = []
  for (const r of rows.sort((a, b) => Number(a.seq) - Number(b.seq))) {
    const list = (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as Stored[]
    // Once per row, not per event: in a profile of the drain, formatting dates was its largest item.
    const receivedAt = iso(r.received_at)
    list.forEach((e, n) => events.push({
      seq: `${r.seq}.${n}`,
      tenantId: r.tenant_id,
      deviceId: e.d,
      kind: r.kind,
      eventId: e.e,
      ts: e.t == null ? receivedAt : iso(e.t), // null, from a plugin that sent `ts: null`, is no time too
      receivedAt,
      attempts: r.attempts,
      data: dataOf(e)
    }))
  }
  return { rows: rows.map(r => ({ seq: String(r.seq), count: r.count })), events }
}

interface Due { tenantId: string, kind: string, retries: boolean }
type Pair = Pick<Due, 'tenantId' | 'kind'>
/** Where the next search for due work starts in each lane; null: from the start. */
export interface DueCursor { fresh: Pair | null, retries: Pair | null }
export const startOfInbox: DueCursor = Object.freeze({ fresh: null, retries: null })

/**
 * Tenants and kinds with due events (migration 010; kernel bookkeeping on the owner connection):
 * after the cursor, up to `limit` with fresh events and up to `limit` with due retries, each in
 * order. `next` goes on after the last pair of a full list, so pairs beyond it get their turn.
 */
export async function dueWork (owner: Knex, kinds: string[], limit: number, after: DueCursor = startOfInbox): Promise<{ work: Due[], next: DueCursor }> {
  if (kinds.length === 0) return { work: [], next: startOfInbox }
  const rows = rowsOf<{ tenant_id: string, kind: string, retries: number }>(await owner.raw(
    'select * from ingest_due(?::text[], ?::int, ?::uuid, ?::text, ?::uuid, ?::text)',
    [kinds, limit, after.fresh?.tenantId ?? null, after.fresh?.kind ?? null, after.retries?.tenantId ?? null, after.retries?.kind ?? null]))
  const work = rows.map(r => ({ tenantId: r.tenant_id, kind: r.kind, retries: Number(r.retries) === 1 }))
  const nextOf = (list: Due[]): Pair | null => {
    const last = list[list.length - 1]
    return list.length >= limit && last ? { tenantId: last.tenantId, kind: last.kind } : null
  }
  return { work, next: { fresh: nextOf(work.filter(w => !w.retries)), retries: nextOf(work.filter(w => w.retries)) } }
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
