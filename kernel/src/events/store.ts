import type { Knex } from 'knex'
import { rowsOf, type Transaction } from '../db/database.ts'

/** A claimed delivery with its event, as the claim returns it. */
export interface ClaimedRow {
  seq: string
  event_id: string
  tenant_id: string
  subject: string | null
  attempts: number
  max_attempts: number
  type: string
  payload: unknown
  occurred_at: Date | string
}

/**
 * A handler's next deliveries in one tenant, in publish order, locked for this transaction.
 * Candidates are the first `limit` pending, due rows that no other transaction holds (SKIP
 * LOCKED); of those, a row with a subject is kept only if every earlier pending row of its subject
 * for this handler is among the candidates too. So a subject's events go to one transaction at a
 * time, in order, however many instances claim; an earlier event that is backing off after a
 * failure (pending, not due) holds back the later ones of its subject until it succeeds or is
 * dead-lettered. Rows without a subject have no such constraint.
 */
const claimSql = `
  with cand as (
    select d.seq, d.subject from event_deliveries d
     where d.tenant_id = ? and d.plugin = ? and d.handler = ? and d.state = 'pending' and d.available_at <= now()
     order by d.seq
     limit ?
     for update skip locked
  ),
  kept as (
    select c.seq from cand c
     where c.subject is null or not exists (
       select 1 from event_deliveries e
        where e.tenant_id = ? and e.plugin = ? and e.handler = ? and e.subject = c.subject
          and e.state = 'pending' and e.seq < c.seq and e.seq not in (select seq from cand))
  )
  select d.seq::text as seq, d.event_id, d.tenant_id, d.subject, d.attempts, d.max_attempts, o.type, o.payload, o.occurred_at
    from kept k
    join event_deliveries d on d.seq = k.seq
    join event_outbox o on o.tenant_id = d.tenant_id and o.id = d.event_id
   order by d.seq`

export async function claimDeliveries (trx: Transaction, tenantId: string, plugin: string, handler: string, limit: number): Promise<ClaimedRow[]> {
  return rowsOf<ClaimedRow>(await trx.raw(claimSql, [tenantId, plugin, handler, limit, tenantId, plugin, handler]))
}

/**
 * The acknowledgement, in the handler's transaction: its deliveries go, and each event with no
 * other delivery left leaves the outbox. The events are locked first (in one order, so two
 * acknowledging transactions cannot deadlock): of two handlers of one event acknowledging at
 * once, the second waits for the first and then, in a fresh snapshot, sees that no delivery is
 * left. The deleting statement does not see its own deletes, hence the `<> all`.
 */
export async function acknowledge (trx: Transaction, tenantId: string, rows: ClaimedRow[]): Promise<void> {
  const seqs = rows.map(r => r.seq)
  const events = [...new Set(rows.map(r => r.event_id))].sort()
  await trx.raw('select id from event_outbox where tenant_id = ? and id = any(?::uuid[]) order by id for update', [tenantId, events])
  await trx.raw(`
    with gone as (delete from event_deliveries where tenant_id = ? and seq = any(?::bigint[]))
    delete from event_outbox o
     where o.tenant_id = ? and o.id = any(?::uuid[])
       and not exists (select 1 from event_deliveries d where d.tenant_id = o.tenant_id and d.event_id = o.id and d.seq <> all(?::bigint[]))`, [tenantId, seqs, tenantId, events, seqs])
}

/** A failed attempt: back off until `retryAt`, or dead-lettered (kept for an operator) when null. */
export async function recordFailure (trx: Transaction, seq: string, error: string, retryAt: Date | null): Promise<void> {
  await trx('event_deliveries').where({ seq, state: 'pending' }).update(retryAt
    ? { attempts: trx.raw('attempts + 1'), last_error: error, available_at: retryAt }
    : { attempts: trx.raw('attempts + 1'), last_error: error, state: 'dead', dead_at: trx.fn.now() })
}

export interface Due { tenantId: string, plugin: string, handler: string }

/** Tenants and handlers with due deliveries (kernel bookkeeping on the owner connection). */
export async function dueWork (owner: Knex, handlers: string[], limit: number): Promise<Due[]> {
  if (handlers.length === 0) return []
  const rows = rowsOf<{ tenant_id: string, plugin: string, handler: string }>(await owner.raw(`
    select distinct tenant_id, plugin, handler from event_deliveries
     where state = 'pending' and available_at <= now() and (plugin || ':' || handler) = any(?::text[])
     limit ?`, [handlers, limit]))
  return rows.map(r => ({ tenantId: r.tenant_id, plugin: r.plugin, handler: r.handler }))
}

/** Makes retries that are backing off due now (the test kit's `deliverEvents({ retries: true })`). */
export async function retriesDueNow (owner: Knex): Promise<void> {
  await owner('event_deliveries').where({ state: 'pending' }).where('attempts', '>', 0).update({ available_at: owner.fn.now() })
}

/** Deletes up to `limit` events no delivery refers to, older than a minute; the count. */
export async function orphanedEvents (owner: Knex, limit: number): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await owner.raw(`
    with gone as (
      delete from event_outbox where (tenant_id, id) in (
        select o.tenant_id, o.id from event_outbox o
         where o.occurred_at < now() - interval '1 minute'
           and not exists (select 1 from event_deliveries d where d.tenant_id = o.tenant_id and d.event_id = o.id)
         limit ?)
      returning 1)
    select count(*)::int as n from gone`, [limit]))
  return Number(row?.n ?? 0)
}
