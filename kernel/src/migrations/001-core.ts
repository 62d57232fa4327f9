import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

export async function up (knex: Knex): Promise<void> {
  await knex.schema.createTable('tenants', t => {
    t.uuid('id').primary()
    t.string('slug', 63).notNullable().unique()
    t.string('name', 200).notNullable()
    t.string('status', 16).notNullable().defaultTo('active')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.schema.createTable('operators', t => {
    t.uuid('id').primary()
    t.string('email', 320).notNullable().unique()
    t.string('name', 200).notNullable()
    t.string('password_hash', 300)
    t.boolean('disabled').notNullable().defaultTo(false)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await tenantTable(knex, 'users', t => {
    t.uuid('id').notNullable()
    t.string('email', 320).notNullable()
    t.string('name', 200).notNullable()
    t.string('password_hash', 300)
    t.string('roles', 1000).notNullable().defaultTo('[]')
    t.boolean('disabled').notNullable().defaultTo(false)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'email'])
    t.index(['email'])
  })
  await tenantTable(knex, 'audit_log', t => {
    t.uuid('id').notNullable()
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.string('actor', 400).notNullable()
    t.string('action', 100).notNullable()
    t.string('target', 400)
    t.text('details')
    t.string('request_id', 100)
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'at'])
  })
  await knex.schema.createTable('login_failures', t => {
    t.string('key', 400).primary()
    t.integer('failures').notNullable()
    t.timestamp('window_start', { useTz: true }).notNullable()
  })
  await knex.schema.createTable('kernel_meta', t => {
    t.string('key', 100).primary()
    t.text('value').notNullable()
  })
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['kernel_meta', 'login_failures', 'audit_log', 'users', 'operators', 'tenants']) await knex.schema.dropTableIfExists(table)
}
