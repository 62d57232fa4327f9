import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

export async function up (knex: Knex): Promise<void> {
  // Kernel bookkeeping, reached only through the owner connection. A session's tenant is
  // `subject_tenant` (not tenant_id) because this is not a tenant-scoped table.
  await knex.schema.createTable('refresh_tokens', t => {
    t.uuid('id').primary()
    t.uuid('family_id').notNullable().index()
    t.string('secret_hash', 64).notNullable()
    t.string('subject_kind', 16).notNullable()
    t.uuid('subject_id').notNullable()
    t.uuid('subject_tenant')
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'expires_at').notNullable()
    ts(t, 'family_expires_at').notNullable()
    ts(t, 'used_at')
    ts(t, 'revoked_at')
  })
  await knex.schema.alterTable('tenants', t => {
    t.string('external_id', 200).unique()
  })
  await knex.schema.createTable('licenses', t => {
    t.uuid('tenant').primary()
    t.text('token').notNullable()
    t.text('features').notNullable()
    t.integer('seats').notNullable()
    ts(t, 'expires_at').notNullable()
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
  })
  await knex.schema.createTable('tenant_features', t => {
    t.uuid('tenant').notNullable()
    t.string('feature', 64).notNullable()
    t.boolean('enabled').notNullable()
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant', 'feature'])
  })
  await knex.schema.createTable('webhook_deliveries', t => {
    t.string('id', 200).primary()
    ts(t, 'received_at').notNullable().defaultTo(knex.fn.now())
  })
  await knex.schema.createTable('oidc_states', t => {
    t.string('state_hash', 64).primary()
    t.uuid('tenant').notNullable()
    t.text('code_verifier').notNullable()
    t.string('nonce', 100).notNullable()
    t.string('return_to', 500).notNullable().defaultTo('/')
    ts(t, 'expires_at').notNullable()
  })
  await tenantTable(knex, 'identity_providers', t => {
    t.string('issuer', 500).notNullable()
    t.string('client_id', 200).notNullable()
    t.text('client_secret_sealed').notNullable()
    t.string('allowed_tenant_id', 100).notNullable()
    t.boolean('jit_provisioning').notNullable().defaultTo(false)
    t.string('default_role', 32).notNullable().defaultTo('member')
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id'])
  })
  await tenantTable(knex, 'user_identities', t => {
    t.uuid('user_id').notNullable()
    t.string('issuer', 500).notNullable()
    t.string('subject', 200).notNullable()
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'issuer', 'subject'])
    t.foreign(['tenant_id', 'user_id']).references(['tenant_id', 'id']).inTable('users').onDelete('CASCADE')
  })
  await tenantTable(knex, 'invitations', t => {
    t.uuid('id').notNullable()
    t.uuid('user_id').notNullable()
    t.string('token_hash', 64).notNullable().index()
    t.unique(['tenant_id', 'token_hash'])
    ts(t, 'expires_at').notNullable()
    ts(t, 'accepted_at')
    t.primary(['tenant_id', 'id'])
    t.foreign(['tenant_id', 'user_id']).references(['tenant_id', 'id']).inTable('users').onDelete('CASCADE')
  })
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['invitations', 'user_identities', 'identity_providers', 'oidc_states', 'webhook_deliveries', 'tenant_features', 'licenses', 'refresh_tokens']) {
    await knex.schema.dropTableIfExists(table)
  }
  await knex.schema.alterTable('tenants', t => { t.dropColumn('external_id') })
}
