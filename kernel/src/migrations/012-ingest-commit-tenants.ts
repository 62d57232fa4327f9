import type { Knex } from 'knex'
import { APP_ROLE } from '../db/dialects/sql.ts'

// A group commit holding several tenants' events: one transaction and one WAL flush however many
// tenants it holds. Spread over 64 tenants (an MSP's usual load: many tenants, few appliances
// each), commits of one tenant each held 1.1-1.2 events, and their fixed cost cut single-event
// ingest to a fifth of its one-tenant rate. The events and inbox rows arrive grouped by tenant;
// `event_ends` and `row_ends` say where each tenant's part ends. The tenant scope is set for each
// part, transaction-local as withTenant sets it, so row-level security checks every row against
// its own tenant; an id seen before fails the whole transaction, as in ingest_commit (008).
export const commitTenantsFunction = `
create or replace function ingest_commit_tenants(tenants uuid[], event_ends int[], row_ends int[], device_list uuid[], devices int[], ids text[], kind_names text[], payloads text[], counts int[])
returns void language plpgsql as $fn$
declare
  e int := 1;
  r int := 1;
begin
  perform set_config('role', '${APP_ROLE}', true);
  for t in 1 .. coalesce(array_length(tenants, 1), 0) loop
    perform set_config('monozu.tenant_id', tenants[t]::text, true);
    perform ingest_store(tenants[t], device_list, devices[e:event_ends[t]], ids[e:event_ends[t]], kind_names[r:row_ends[t]], payloads[r:row_ends[t]], counts[r:row_ends[t]]);
    e := event_ends[t] + 1;
    r := row_ends[t] + 1;
  end loop;
end
$fn$`

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // ingest storage is PostgreSQL and PGlite only
  await knex.raw(commitTenantsFunction)
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('drop function if exists ingest_commit_tenants(uuid[], int[], int[], uuid[], int[], text[], text[], text[], int[])')
}
