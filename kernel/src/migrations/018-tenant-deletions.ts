import type { Knex } from 'knex'

/**
 * Tenant deletions requested by the management side: the tenant is suspended and exported at
 * once, its rows are purged after `purge_after` (the grace period), and the row stays as the
 * record that the purge happened.
 */
export async function up (knex: Knex): Promise<void> {
  await knex.schema.createTable('tenant_deletions', t => {
    t.uuid('tenant').primary()
    t.string('requested_by', 200).notNullable()
    t.timestamp('requested_at', { useTz: true }).notNullable()
    t.timestamp('purge_after', { useTz: true }).notNullable()
    t.timestamp('purged_at', { useTz: true })
    t.integer('purged_rows')
  })
}
