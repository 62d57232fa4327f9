import type { Knex } from 'knex'

/**
 * Columns that order a paginated list next to `id` hold milliseconds, as the cursor and a JS Date
 * do. With microseconds, rows written in one transaction share one now() (e.g. .123456) that a
 * cursor carries as .123, and the next page skipped every one of them: the boundary row's
 * neighbours were neither before nor equal to it. PostgreSQL rounds the stored values.
 */
const COLUMNS: Array<[table: string, column: string]> = [
  ['audit_log', 'at'],
  ['jobs', 'created_at'],
  ['notifications', 'created_at'],
  ['tenant_webhooks', 'created_at'],
  ['tenant_webhook_deliveries', 'created_at']
]

export async function up (knex: Knex): Promise<void> {
  // SQL Server: datetimeoffset columns under an index need the index dropped and rebuilt to
  // change precision; not done here, as no SQL Server is at hand to prove it (see README, limits).
  if (knex.client.dialect === 'mssql') return
  for (const [table, column] of COLUMNS) await knex.raw('alter table ?? alter column ?? type timestamptz(3)', [table, column])
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  for (const [table, column] of COLUMNS) await knex.raw('alter table ?? alter column ?? type timestamptz', [table, column])
}
