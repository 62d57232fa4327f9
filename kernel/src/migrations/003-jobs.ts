import type { Knex } from 'knex'

export async function up (knex: Knex): Promise<void> {
  // Kernel bookkeeping on the owner connection: workers claim across tenants. A job's tenant is
  // `tenant` (not tenant_id): the worker runs the handler inside withTenant for it.
  await knex.schema.createTable('jobs', t => {
    t.uuid('id').primary()
    t.string('plugin', 32).notNullable()
    t.string('name', 64).notNullable()
    t.uuid('tenant')
    t.text('payload').notNullable()
    t.string('state', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.integer('max_attempts').notNullable()
    t.timestamp('run_at', { useTz: true }).notNullable()
    t.timestamp('lease_until', { useTz: true })
    t.string('locked_by', 100)
    t.text('last_error')
    t.string('dedupe_key', 300)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('finished_at', { useTz: true })
    t.index(['state', 'run_at'])
    t.index(['tenant', 'created_at'])
  })
  // At most one pending job per (plugin, name, tenant, dedupe key).
  if (knex.client.dialect === 'mssql') {
    await knex.raw("create unique index jobs_dedupe on jobs (plugin, name, tenant, dedupe_key) where state = 'pending' and dedupe_key is not null")
  } else {
    await knex.raw("create unique index jobs_dedupe on jobs (plugin, name, coalesce(tenant, '00000000-0000-0000-0000-000000000000'::uuid), dedupe_key) where state = 'pending' and dedupe_key is not null")
  }
  // One row per schedule tick: whichever instance inserts it enqueues the tick's jobs.
  await knex.schema.createTable('job_schedule_ticks', t => {
    t.string('schedule', 200).notNullable()
    t.timestamp('tick_at', { useTz: true }).notNullable()
    t.primary(['schedule', 'tick_at'])
  })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('job_schedule_ticks')
  await knex.schema.dropTableIfExists('jobs')
}
