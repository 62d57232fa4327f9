import type { Knex } from 'knex'

// What became of the last vpn.apply sent to each appliance: pending until the devices plugin's
// devices.command_finished names that command, then applied or failed (with why). A result for an
// older command (the config changed again since) is ignored: only command_id's result counts.
export async function up (knex: Knex): Promise<void> {
  await knex.schema.alterTable('vpn_appliance_configs', t => {
    t.string('apply_state', 16).notNullable().defaultTo('pending') // pending | applied | failed
    t.string('apply_error', 500)
    t.timestamp('apply_finished_at', { useTz: true })
    t.index(['tenant_id', 'command_id'])
  })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.alterTable('vpn_appliance_configs', t => {
    t.dropIndex(['tenant_id', 'command_id'])
    t.dropColumn('apply_state')
    t.dropColumn('apply_error')
    t.dropColumn('apply_finished_at')
  })
}
