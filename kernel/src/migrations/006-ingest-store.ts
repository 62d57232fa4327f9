import type { Knex } from 'knex'

// A group commit's store as one function, so its statements are planned once per connection
// instead of on every commit, and the events' own fields never pass through the database's JSON
// parser: each kind's events arrive as the JSON text of its inbox row, built by the kernel; only
// the device ids and event ids are read, to de-duplicate.
//
// Arguments: per event `devices[n]` (1-based position in `device_list`: a batch holds few
// devices and many events) and `ids[n]` (NULL: no id, never a duplicate); per kind
// `kind_names[k]`, `payloads[k]` (the JSON array of its events) and `counts[k]`. This is the
// path for events that are all new: if any id was seen before, it raises MZ409 and the caller's
// transaction stores nothing, so the caller stores the batch again without the duplicates
// (kernel/src/ingest/store.ts). SECURITY INVOKER (the default): row-level security applies to
// the caller's tenant scope as to any statement.
export const storeFunction = `
create or replace function ingest_store(tenant uuid, device_list uuid[], devices int[], ids text[], kind_names text[], payloads text[], counts int[])
returns void language plpgsql as $fn$
declare
  fresh bigint;
begin
  with seen as (
    insert into ingest_seen (tenant_id, device_id, event_id)
    select tenant, device_list[u.d], u.e from unnest(devices, ids) as u(d, e) where u.e is not null
    on conflict do nothing
    returning 1
  )
  select count(*) into fresh from seen;
  if fresh <> (select count(*) from unnest(ids) as e where e is not null) then
    raise exception 'some events were seen before' using errcode = 'MZ409';
  end if;
  insert into ingest_inbox (tenant_id, kind, events, count)
  select tenant, p.k, p.events, p.c from unnest(kind_names, payloads, counts) as p(k, events, c);
end
$fn$`

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  // Text, not json: the kernel writes well-formed JSON itself, so the database need not parse it again.
  await knex.raw('alter table ingest_inbox alter column events type text using events::text')
  // A big batch's row is compressed on the way in: lz4 (where the server has it) costs about
  // 40 % less than the default pglz, and the rows live only until their consumer took them.
  const lz4 = await knex.raw("select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)")
  if ((Array.isArray(lz4) ? lz4 : lz4.rows).length > 0) await knex.raw('alter table ingest_inbox alter column events set compression lz4')
  await knex.raw(storeFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('drop function if exists ingest_store(uuid, uuid[], int[], text[], text[], text[], int[])')
  await knex.raw('alter table ingest_inbox alter column events type json using events::json')
}
