import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })
const SCOPE = "nullif(current_setting('monozu.tenant_id', true), '')::uuid"

/**
 * Durable domain events. `event_outbox` holds each published event, written in the publisher's
 * own tenant transaction; `event_deliveries` one row per subscribing handler, written in that
 * same transaction, so the fan-out is as durable as the change. A handler acknowledges by
 * deleting its delivery row in the transaction that carries its own writes; the event leaves
 * the outbox when no delivery of it remains. `seq` orders deliveries in publish order.
 */
export async function up (knex: Knex): Promise<void> {
  const mssql = knex.client.dialect === 'mssql'
  await tenantTable(knex, 'event_outbox', t => {
    t.uuid('id').notNullable()
    t.string('type', 96).notNullable()
    t.string('subject', 200)
    if (mssql) t.text('payload').notNullable()
    else t.jsonb('payload').notNullable()
    ts(t, 'occurred_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'id'])
  })
  await tenantTable(knex, 'event_deliveries', t => {
    t.bigIncrements('seq').primary()
    t.uuid('event_id').notNullable()
    t.string('plugin', 32).notNullable()
    t.string('handler', 64).notNullable()
    t.string('subject', 200)
    t.string('state', 8).notNullable().defaultTo('pending')
    t.integer('attempts').notNullable().defaultTo(0)
    t.integer('max_attempts').notNullable()
    ts(t, 'available_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'dead_at')
    t.text('last_error')
    t.index(['tenant_id', 'event_id'])
  })
  // Domain events run on PostgreSQL and PGlite; on SQL Server the kernel refuses plugins that
  // declare them (events_unsupported), so the tables exist there only to keep the schema whole.
  if (mssql) return
  // The publisher need not know its tenant: the scope of its transaction says it.
  for (const table of ['event_outbox', 'event_deliveries']) {
    await knex.raw(`alter table ${table} alter column tenant_id set default ${SCOPE}`)
  }
  // Claims walk a handler's pending rows in order; the ordering check looks up earlier rows of a subject.
  await knex.raw("create index event_deliveries_pending on event_deliveries (tenant_id, plugin, handler, seq) where state = 'pending'")
  await knex.raw("create index event_deliveries_subject on event_deliveries (tenant_id, plugin, handler, subject, seq) where state = 'pending' and subject is not null")
  await knex.raw("create index event_deliveries_dead on event_deliveries (dead_at, seq) where state = 'dead'")
  await knex.raw('create index event_outbox_occurred on event_outbox (occurred_at)')
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('event_deliveries')
  await knex.schema.dropTableIfExists('event_outbox')
}
