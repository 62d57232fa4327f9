import type { Knex } from 'knex'
import { claimFunctionOpening, up as claimWalkingEveryRow } from './009-ingest-claim.ts'

// The inbox in three lanes: fresh rows (never failed), retries (failed, backing off) and parked
// rows (failed 10 times, kept 7 days for an operator). Until now one index held them all, so a
// claim of fresh rows walked every retry and parked row older than them, and the search for due
// work read the whole inbox. With 200,000 parked rows and 5,000 backing off in front of 3,000
// fresh ones, a claim of 2,000 events took 38-73 ms (0.75-6.7 ms with the lanes) and the search
// 24-30 ms (1.2-2.9), five calls each, the first one planning: a consumer broken for an hour
// would slow its tenant's drain for the week its parked rows are kept.
//
// Each lane gets a partial index, so a row is in at most one of them (an insert still maintains
// one). A claim walks only its lane. The search for due work visits each tenant and kind once
// per lane (a loose index scan: one index descent per pair, not one read per row), from a cursor
// per lane that the dispatcher moves on, so with more pairs than a round takes, each gets its turn.
// The indexes are built in the migration's transaction, not concurrently: the inbox is a queue
// that holds seconds of events.

// No cursor starts below every pair (no kind is empty): a plain comparison, which the index
// serves, where an `is null or` would read every row up to the cursor.
const NIL = '00000000-0000-0000-0000-000000000000'

/** The lane's distinct (tenant_id, kind) after its cursor (`<name>_tenant`, `<name>_kind`), in order. */
const lanePairs = (name: string, lane: string) => `${name} as (
    (select i.tenant_id, i.kind from ingest_inbox i
     where ${lane} and (i.tenant_id, i.kind) > (coalesce(${name}_tenant, '${NIL}'), coalesce(${name}_kind, ''))
     order by i.tenant_id, i.kind limit 1)
    union all
    select n.tenant_id, n.kind from ${name} p cross join lateral (
      select i.tenant_id, i.kind from ingest_inbox i
      where ${lane} and (i.tenant_id, i.kind) > (p.tenant_id, p.kind)
      order by i.tenant_id, i.kind limit 1) n
  )`

/**
 * Pairs of the lane with a due row, of the given kinds, at most max_pairs. A lateral `limit 1`
 * looks up each pair's first due row; an `exists` became a join that read the whole lane.
 */
const dueOf = (name: string, lane: string, retries: number) => `(select p.tenant_id, p.kind::text, ${retries} from ${name} p
    cross join lateral (select 1 from ingest_inbox i
      where i.tenant_id = p.tenant_id and i.kind = p.kind and ${lane} and i.available_at <= now() limit 1) due
    where p.kind = any(due_kinds)
    limit max_pairs)`

const FRESH = 'i.failed_at is null and i.attempts = 0'
const RETRIES = 'i.failed_at is null and i.attempts > 0'

const dueFunction = `
create or replace function ingest_due(due_kinds text[], max_pairs int, fresh_tenant uuid, fresh_kind text, retrying_tenant uuid, retrying_kind text)
returns table (tenant_id uuid, kind text, retries int) language sql stable
set enable_seqscan = off set enable_bitmapscan = off set enable_sort = off
as $fn$
  with recursive ${lanePairs('fresh', FRESH)}, ${lanePairs('retrying', RETRIES)}
  ${dueOf('fresh', FRESH, 0)}
  union all
  ${dueOf('retrying', RETRIES, 1)}
$fn$`

// As migration 009's, but each kind of claim opens its cursor on its own lane's index; retries
// are taken in the order they fell due.
const claimFunction = claimFunctionOpening(`  if retries = 1 then
    open waiting for select seq, count from ingest_inbox i
      where i.tenant_id = claim_tenant and i.kind = claim_kind and ${RETRIES} and i.available_at <= now()
      order by available_at, seq for update skip locked;
  else
    open waiting for select seq, count from ingest_inbox i
      where i.tenant_id = claim_tenant and i.kind = claim_kind and ${FRESH} and i.available_at <= now()
      order by seq for update skip locked;
  end if;`)

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  await knex.raw('create index ingest_inbox_fresh on ingest_inbox (tenant_id, kind, seq) where failed_at is null and attempts = 0')
  // Retries by due time: those still backing off are never read to find the due ones.
  await knex.raw('create index ingest_inbox_retries on ingest_inbox (tenant_id, kind, available_at, seq) where failed_at is null and attempts > 0')
  // Retention deletes parked rows by age.
  await knex.raw('create index ingest_inbox_parked on ingest_inbox (failed_at) where failed_at is not null')
  await knex.raw('drop index ingest_inbox_tenant_id_kind_seq_index')
  await knex.raw(claimFunction)
  await knex.raw(dueFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('drop function if exists ingest_due(text[], int, uuid, text, uuid, text)')
  await claimWalkingEveryRow(knex)
  await knex.raw('create index ingest_inbox_tenant_id_kind_seq_index on ingest_inbox (tenant_id, kind, seq)')
  for (const index of ['ingest_inbox_fresh', 'ingest_inbox_retries', 'ingest_inbox_parked']) await knex.raw(`drop index if exists ${index}`)
}
