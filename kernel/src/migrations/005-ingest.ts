import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

export async function up (knex: Knex): Promise<void> {
  // The durable inbox: an ingest request is acknowledged once its events are here; the
  // dispatcher hands them to the plugin that declares their kind and deletes them in the same
  // transaction, so each event is consumed exactly once.
  await tenantTable(knex, 'ingest_inbox', t => {
    t.bigIncrements('seq').primary()
    t.uuid('device_id').notNullable()
    t.string('kind', 64).notNullable()
    t.string('event_id', 128)
    ts(t, 'ts').notNullable()
    ts(t, 'received_at').notNullable().defaultTo(knex.fn.now())
    t.jsonb('data').notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    ts(t, 'available_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'failed_at')
    t.text('last_error')
    t.index(['kind', 'tenant_id', 'seq'])
  })
  // Event ids seen per device, kept past the inbox so a retry days later is still a duplicate.
  await tenantTable(knex, 'ingest_seen', t => {
    t.uuid('device_id').notNullable()
    t.string('event_id', 128).notNullable()
    ts(t, 'received_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'device_id', 'event_id'])
    t.index(['received_at'])
  })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ingest_seen')
  await knex.schema.dropTableIfExists('ingest_inbox')
}
