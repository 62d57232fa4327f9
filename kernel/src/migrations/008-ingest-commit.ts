import type { Knex } from 'knex'
import { APP_ROLE } from '../db/dialects/sql.ts'

// A group commit as one prepared statement in a transaction of its own: the caller sends Parse
// (once per connection), Bind, Execute and Sync together and the server commits at Sync, so the
// commit is one round trip with no SQL text to lex and plan each time (the events travel as
// binary array parameters; see kernel/src/ingest/store.ts). The tenant scope that withTenant sets
// at the start of a transaction is set here instead, transaction-local as there, so it ends with
// the statement's implicit transaction. SECURITY INVOKER (the default): the role and row-level
// security apply as to any statement; calling it grants nothing set_config does not.
const commitFunction = `
create or replace function ingest_commit(tenant uuid, device_list uuid[], devices int[], ids text[], kind_names text[], payloads text[], counts int[])
returns void language plpgsql as $fn$
begin
  perform set_config('role', '${APP_ROLE}', true), set_config('monozu.tenant_id', tenant::text, true);
  perform ingest_store(tenant, device_list, devices, ids, kind_names, payloads, counts);
end
$fn$`

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  await knex.raw(commitFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('drop function if exists ingest_commit(uuid, uuid[], int[], text[], text[], text[], int[])')
}
