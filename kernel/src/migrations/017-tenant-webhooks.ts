import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

/**
 * Tenant webhooks: the endpoints a tenant admin registers, and one delivery row per event and
 * endpoint. The delivery row is its own queue (`next_attempt_at`, lease columns): the sink that
 * writes it runs inside the publishing transaction, where no other connection may be used.
 * (`webhook_deliveries` is another thing: claims of inbound license webhooks.)
 */
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'tenant_webhooks', t => {
    t.uuid('id').notNullable()
    t.string('url', 2000).notNullable()
    t.string('description', 500)
    // JSON array of event types, or ["*"].
    t.text('event_types').notNullable()
    t.boolean('enabled').notNullable().defaultTo(true)
    t.string('disabled_reason', 300)
    t.text('secret_sealed').notNullable()
    // After a rotation the old secret also signs for a day, so receivers can switch over.
    t.text('previous_secret_sealed')
    ts(t, 'previous_secret_expires_at')
    t.integer('consecutive_failures').notNullable().defaultTo(0)
    t.string('created_by', 400)
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'created_at'])
  })
  await tenantTable(knex, 'tenant_webhook_deliveries', t => {
    // Sent as `webhook-id`: the same on every attempt and redelivery.
    t.uuid('id').notNullable()
    t.uuid('webhook_id').notNullable()
    t.uuid('event_id').notNullable()
    t.string('event_type', 200).notNullable()
    // The exact JSON body every attempt sends.
    t.text('body').notNullable()
    t.string('status', 16).notNullable().defaultTo('pending')
    t.integer('attempts').notNullable().defaultTo(0)
    // Attempts since the delivery was (re)queued, and when that was: they pick the next delay.
    t.integer('round_attempts').notNullable().defaultTo(0)
    ts(t, 'round_started_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'next_attempt_at')
    ts(t, 'last_attempt_at')
    t.integer('response_code')
    t.integer('duration_ms')
    t.string('error', 500)
    // JSON array of the latest attempts (code, duration, truncated response or error).
    t.text('attempt_log').notNullable().defaultTo('[]')
    t.string('locked_by', 100)
    ts(t, 'locked_until')
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'id'])
    t.foreign(['tenant_id', 'webhook_id']).references(['tenant_id', 'id']).inTable('tenant_webhooks').onDelete('CASCADE')
    t.index(['tenant_id', 'webhook_id', 'created_at'])
    // The workers' claim looks across tenants for due deliveries; retention for old finished ones.
    t.index(['status', 'next_attempt_at'])
    t.index(['status', 'updated_at'])
  })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tenant_webhook_deliveries')
  await knex.schema.dropTableIfExists('tenant_webhooks')
}
