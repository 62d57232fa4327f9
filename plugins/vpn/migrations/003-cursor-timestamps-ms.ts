import type { Knex } from 'knex'

// The setup-key list pages by (created_at, id) with a cursor in milliseconds, as the kernel's
// lists do (kernel migration 020). Rows written in one transaction with the database's now()
// would share microseconds the cursor cannot carry, and the next page would skip them.
export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('alter table ?? alter column ?? type timestamptz(3)', ['vpn_setup_keys', 'created_at'])
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await knex.raw('alter table ?? alter column ?? type timestamptz', ['vpn_setup_keys', 'created_at'])
}
