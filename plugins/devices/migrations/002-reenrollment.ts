import type { Knex } from 'knex'

// A re-enrolment token is an enrollment token bound to one device: single use, short-lived,
// issued by an admin. Only such a token may give an already enrolled hardware id a new key.
export async function up (knex: Knex): Promise<void> {
  await knex.schema.alterTable('device_enrollment_tokens', t => { t.uuid('device_id') })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.alterTable('device_enrollment_tokens', t => { t.dropColumn('device_id') })
}
