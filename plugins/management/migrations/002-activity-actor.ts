import type { Knex } from 'knex'

// Who did it, as they were named when they did it: the activity log reads "Anna Nowak" rather
// than user:<uuid>, also after the account is disabled or removed.
export async function up (knex: Knex): Promise<void> {
  await knex.schema.alterTable('mgmt_activity', t => {
    t.string('actor_name', 200)
    t.string('actor_email', 320)
  })
}
