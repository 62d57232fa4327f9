import type { Knex } from 'knex'

// Claiming a consumer's batch from the inbox in one statement whose plan does not depend on the
// table's statistics.
//
// The dispatcher used to claim one row per statement (`order by seq limit 1 for update skip
// locked`): about 60 statements for a batch of 2,000 events that commits of 32 requests had
// stored. On an inbox the server had never analyzed (autovacuum off, as on the development
// machines; PGlite has no autovacuum; or a new tenant that stale statistics do not know) the
// planner guessed two matching rows and chose a bitmap scan that sorted every waiting row of the
// tenant and kind for each of those statements: 14 ms each with 28,578 rows waiting, and
// the consumers drained 5,800 events/s while ingest took 190,000. After ANALYZE the same
// statement took 0.3 ms.
//
// Here the rows are walked in `seq` order through an index, one fetch at a time from a cursor,
// locking (skip locked) only the rows taken, until they hold `max_events` events (at least one
// row); then those rows are deleted and returned. The function's own settings rule out the
// whole-table plans, so the walk costs what it takes, whatever the statistics say; a batch is
// one round trip. SECURITY INVOKER (the default): row-level security applies as to any statement.

/** The function around `open`, a plpgsql statement that opens the cursor `waiting` (migration 010 opens one per lane). */
export const claimFunctionOpening = (open: string) => `
create or replace function ingest_claim(claim_tenant uuid, claim_kind text, max_events int, retries int)
returns setof ingest_inbox language plpgsql
set enable_seqscan = off set enable_bitmapscan = off set enable_sort = off
as $fn$
declare
  waiting refcursor;
  row_seq bigint;
  row_count int;
  taken bigint[] := '{}';
  events int := 0;
begin
${open}
  loop
    fetch waiting into row_seq, row_count;
    exit when not found;
    taken := taken || row_seq;
    events := events + row_count;
    exit when events >= max_events;
  end loop;
  close waiting;
  return query delete from ingest_inbox where seq = any(taken) returning *;
end
$fn$`

const claimFunction = claimFunctionOpening(`  open waiting for
    select seq, count from ingest_inbox
    where tenant_id = claim_tenant and kind = claim_kind and failed_at is null and available_at <= now()
      and (attempts > 0) = (retries = 1)
    order by seq
    for update skip locked;`)

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  await knex.raw(claimFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('drop function if exists ingest_claim(uuid, text, int, int)')
}
