import type { Knex } from 'knex'
import { storeFunction as previous } from './006-ingest-store.ts'

// The fast path of a group commit (006) without `on conflict do nothing` and without counting:
// a plain insert into ingest_seen. Its unique key refuses a batch holding an id seen before
// (unique_violation, 23505) and the caller stores that batch again statement by statement
// without the duplicates (kernel/src/ingest/store.ts), as it did with 006's MZ409. On PostgreSQL
// 15 the speculative insertion of `on conflict` cost about a third of the store's time per event
// (an extra index probe and a confirm record in the WAL for every row); duplicates are rare
// (retries), so the common path should not pay for them.
const storeFunction = `
create or replace function ingest_store(tenant uuid, device_list uuid[], devices int[], ids text[], kind_names text[], payloads text[], counts int[])
returns void language plpgsql as $fn$
begin
  insert into ingest_seen (tenant_id, device_id, event_id)
  select tenant, device_list[u.d], u.e from unnest(devices, ids) as u(d, e) where u.e is not null;
  insert into ingest_inbox (tenant_id, kind, events, count)
  select tenant, p.k, p.events, p.c from unnest(kind_names, payloads, counts) as p(k, events, c);
end
$fn$`

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  await knex.raw(storeFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw(previous)
}
