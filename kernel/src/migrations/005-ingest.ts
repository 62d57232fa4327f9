import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

export async function up (knex: Knex): Promise<void> {
  // The durable inbox: an ingest request is acknowledged once its events are here. One row holds
  // the events of one kind from one group commit (a JSON array), so a commit writes one row per
  // kind instead of one per event. The dispatcher hands rows to the plugin that declares the kind
  // and deletes them in the same transaction, so each event is consumed exactly once.
  await tenantTable(knex, 'ingest_inbox', t => {
    t.bigIncrements('seq').primary()
    t.string('kind', 64).notNullable()
    t.json('events').notNullable()
    t.integer('count').notNullable()
    ts(t, 'received_at').notNullable().defaultTo(knex.fn.now())
    t.integer('attempts').notNullable().defaultTo(0)
    ts(t, 'available_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'failed_at')
    t.text('last_error')
    t.index(['tenant_id', 'kind', 'seq'])
  })
  // Event ids seen per device, kept past the inbox so a retry days later is still a duplicate.
  await tenantTable(knex, 'ingest_seen', t => {
    t.uuid('device_id').notNullable()
    t.string('event_id', 128).notNullable()
    ts(t, 'received_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'device_id', 'event_id'])
  })
  // Rows arrive in time order: a BRIN index serves retention at almost no cost per insert.
  if (knex.client.dialect === 'mssql') await knex.raw('create index ingest_seen_received_at on ingest_seen (received_at)')
  else await knex.raw('create index ingest_seen_received_at on ingest_seen using brin (received_at)')
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ingest_seen')
  await knex.schema.dropTableIfExists('ingest_inbox')
}
