import type { Knex } from 'knex'

/**
 * A session version per account, copied into every access token (`sv`) and refresh family it
 * issues. A password change, a disabled account or a removed role raises it in the same
 * transaction as the change, so every instance refuses older tokens on its next database read,
 * with no per-process revocation list.
 *
 * `webhook_deliveries` rows become claims taken before processing: `completed_at` stays null
 * while a delivery is in flight, so a parallel copy can tell "in progress" from "done".
 */
export async function up (knex: Knex): Promise<void> {
  for (const table of ['users', 'operators']) {
    await knex.schema.alterTable(table, t => { t.integer('session_version').notNullable().defaultTo(0) })
  }
  await knex.schema.alterTable('refresh_tokens', t => { t.integer('subject_version').notNullable().defaultTo(0) })
  await knex.schema.alterTable('webhook_deliveries', t => { t.timestamp('completed_at', { useTz: true }) })
  await knex('webhook_deliveries').update({ completed_at: knex.ref('received_at') })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', t => { t.dropColumn('completed_at') })
  await knex.schema.alterTable('refresh_tokens', t => { t.dropColumn('subject_version') })
  for (const table of ['users', 'operators']) {
    await knex.schema.alterTable(table, t => { t.dropColumn('session_version') })
  }
}
