import type { Knex } from 'knex'

// The claim walks pending jobs per name in run_at order, and running jobs by lease expiry.
export async function up (knex: Knex): Promise<void> {
  await knex.raw("create index jobs_due on jobs (plugin, name, run_at) where state = 'pending'")
  await knex.raw("create index jobs_leases on jobs (lease_until) where state = 'running'")
  await knex.raw('create index jobs_finished on jobs (finished_at) where finished_at is not null')
}

export async function down (knex: Knex): Promise<void> {
  for (const index of ['jobs_due', 'jobs_leases', 'jobs_finished']) await knex.raw(`drop index if exists ${index}`)
}
