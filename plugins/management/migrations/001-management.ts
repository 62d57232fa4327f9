import type { Knex } from 'knex'
import { platformTable, tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

// Everything belongs to the staff tenant that manages it (the management deployment's own
// tenants are staff organisations, not customers); "tenant" below is a managed customer tenant.
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'mgmt_plans', t => {
    t.string('key', 40).notNullable()
    t.string('name', 200).notNullable()
    t.jsonb('features').notNullable()
    t.integer('seats').notNullable()
    t.integer('devices') // null: unlimited
    t.integer('days').notNullable()
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'key'])
  })

  await tenantTable(knex, 'mgmt_tenants', t => {
    t.uuid('id').notNullable() // also the cloud's externalId
    t.string('slug', 63).notNullable()
    t.string('name', 200).notNullable()
    t.string('admin_email', 320).notNullable()
    t.string('plan', 40) // the plan of the current license
    t.string('status', 20).notNullable() // provisioning, active, suspended, deleting, deleted, failed
    t.string('pending', 20) // a lifecycle action waiting for the cloud: suspend, resume, delete, purge
    t.uuid('cloud_id')
    t.string('invite_url', 2000)
    t.string('last_error', 2000)
    t.integer('usage_seats')
    t.integer('usage_devices')
    ts(t, 'usage_at')
    t.boolean('over_limit').notNullable().defaultTo(false)
    t.string('export_file', 1000)
    t.string('export_sha256', 64)
    t.bigInteger('export_bytes')
    ts(t, 'purge_after')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'slug'])
  })

  await tenantTable(knex, 'mgmt_licenses', t => {
    t.uuid('id').notNullable()
    t.uuid('tenant').notNullable()
    t.string('action', 20).notNullable() // issue, renew, upgrade, revoke
    t.string('plan', 40)
    t.jsonb('features').notNullable()
    t.integer('seats').notNullable()
    t.integer('devices')
    ts(t, 'issued_at').notNullable()
    ts(t, 'expires_at').notNullable()
    t.string('status', 20).notNullable() // current, superseded, revoked
    t.text('token').notNullable()
    t.string('issued_by', 200).notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'tenant', 'issued_at'])
  })

  await tenantTable(knex, 'mgmt_deliveries', t => {
    t.uuid('id').notNullable() // the webhook-id
    t.uuid('tenant').notNullable()
    t.uuid('license').notNullable()
    t.string('status', 20).notNullable() // pending, succeeded, failed
    t.integer('attempts').notNullable().defaultTo(0)
    t.integer('last_status')
    t.string('last_error', 2000)
    t.integer('last_duration_ms')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    ts(t, 'delivered_at')
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'tenant', 'created_at'])
  })

  await tenantTable(knex, 'mgmt_delivery_attempts', t => {
    t.uuid('id').notNullable()
    t.uuid('delivery').notNullable()
    ts(t, 'at').notNullable()
    t.integer('status') // null: no answer
    t.integer('duration_ms').notNullable()
    t.string('error', 2000)
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'delivery'])
  })

  await tenantTable(knex, 'mgmt_activity', t => {
    t.uuid('id').notNullable()
    t.uuid('tenant') // null: not about one managed tenant (plans)
    ts(t, 'at').notNullable()
    t.string('actor', 200).notNullable()
    t.string('action', 60).notNullable()
    t.jsonb('details')
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'tenant', 'at'])
  })

  // The cloud's usage report names cloud tenant ids: which staff tenant manages each one.
  await platformTable(knex, 'mgmt_cloud_index', t => {
    t.uuid('cloud_id').primary()
    t.uuid('staff_tenant').notNullable()
    t.uuid('managed').notNullable()
  })
}
