import type { Knex } from 'knex'
import { tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

// Status columns are stored (not computed per request) so the protection overview is one indexed
// page read; `status_due_at` is when time alone will change a job's status (RPO runs out, restore
// test ages out), so the dead-man switch reads only the jobs that are due.
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'backup_repositories', t => {
    t.uuid('id').notNullable()
    t.string('name', 200).notNullable()
    t.string('name_key', 200).notNullable() // lower(name)
    t.bigInteger('capacity_bytes')
    t.bigInteger('used_bytes')
    ts(t, 'usage_at')
    t.integer('warn_days').notNullable().defaultTo(30)
    t.integer('warn_percent').notNullable().defaultTo(85)
    t.boolean('warning').notNullable().defaultTo(false)
    t.string('warning_reason', 40)
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'name_key'])
  })

  // One sample per repository and day (the last one of the day wins).
  await tenantTable(knex, 'backup_repository_usage', t => {
    t.uuid('repository_id').notNullable()
    t.date('day').notNullable()
    t.bigInteger('used_bytes').notNullable()
    t.bigInteger('capacity_bytes')
    t.primary(['tenant_id', 'repository_id', 'day'])
    t.foreign(['tenant_id', 'repository_id']).references(['tenant_id', 'id']).inTable('backup_repositories').onDelete('CASCADE')
  })

  // Devices backup knows of: from their events, their jobs, and devices.status_changed.
  await tenantTable(knex, 'backup_devices', t => {
    t.uuid('device_id').notNullable()
    t.string('name', 253).notNullable()
    t.string('name_key', 253).notNullable()
    t.string('status', 20).notNullable()
    t.string('reason', 40).notNullable()
    t.integer('jobs').notNullable().defaultTo(0)
    t.integer('jobs_disabled').notNullable().defaultTo(0)
    t.integer('jobs_at_risk').notNullable().defaultTo(0)
    t.integer('jobs_unprotected').notNullable().defaultTo(0)
    t.integer('jobs_untested').notNullable().defaultTo(0)
    ts(t, 'last_success_at')
    ts(t, 'status_changed_at').notNullable()
    t.primary(['tenant_id', 'device_id'])
    t.index(['tenant_id', 'name_key', 'device_id'])
    t.index(['tenant_id', 'status', 'name_key', 'device_id'])
  })

  await tenantTable(knex, 'backup_jobs', t => {
    t.uuid('id').notNullable()
    t.uuid('device_id')
    t.string('external_id', 200) // the appliance's job key
    t.string('name', 200).notNullable()
    t.string('name_key', 200).notNullable()
    t.string('source', 10).notNullable() // event | manual
    t.string('schedule', 100)
    t.integer('rpo_minutes').notNullable()
    t.integer('retention_days')
    t.integer('restore_test_days').notNullable()
    t.uuid('repository_id')
    t.boolean('enabled').notNullable().defaultTo(true)
    t.string('disabled_reason', 500)
    t.uuid('ci_id')
    t.string('status', 20).notNullable()
    t.string('reason', 40).notNullable()
    ts(t, 'status_changed_at').notNullable()
    ts(t, 'status_due_at')
    ts(t, 'last_run_at')
    t.string('last_run_state', 20)
    ts(t, 'last_success_at')
    ts(t, 'last_restore_test_at')
    t.boolean('last_restore_test_ok')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'device_id', 'external_id'])
    t.index(['tenant_id', 'device_id', 'name_key'])
    t.index(['tenant_id', 'status', 'name_key', 'id'])
    t.index(['tenant_id', 'name_key', 'id'])
    t.index(['tenant_id', 'status_due_at'])
    t.index(['tenant_id', 'repository_id'])
  })

  await tenantTable(knex, 'backup_runs', t => {
    t.uuid('id').notNullable()
    t.uuid('job_id').notNullable()
    t.string('run_id', 200).notNullable()
    t.string('type', 20).notNullable() // backup | restore_test
    t.string('state', 20).notNullable()
    ts(t, 'started_at')
    ts(t, 'ended_at')
    ts(t, 'sort_at').notNullable() // started_at, else ended_at, else received: the timeline's order
    t.bigInteger('bytes')
    t.bigInteger('files')
    t.string('repository', 200)
    t.string('snapshot_id', 200)
    t.text('error')
    t.bigInteger('verified_files')
    t.string('checksum', 20)
    t.bigInteger('duration_ms')
    t.uuid('command_id')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'job_id', 'run_id'])
    t.index(['tenant_id', 'job_id', 'type', 'sort_at', 'id'])
    t.foreign(['tenant_id', 'job_id']).references(['tenant_id', 'id']).inTable('backup_jobs').onDelete('CASCADE')
  })

  // Commands sent through the devices service, linked to their job until they finish.
  await tenantTable(knex, 'backup_commands', t => {
    t.uuid('command_id').notNullable()
    t.uuid('job_id').notNullable()
    t.uuid('device_id').notNullable()
    t.string('type', 40).notNullable()
    t.string('state', 20).notNullable()
    t.integer('exit_code')
    t.string('requested_by', 100)
    ts(t, 'created_at').notNullable()
    ts(t, 'finished_at')
    t.primary(['tenant_id', 'command_id'])
    t.index(['tenant_id', 'job_id', 'created_at'])
    t.foreign(['tenant_id', 'job_id']).references(['tenant_id', 'id']).inTable('backup_jobs').onDelete('CASCADE')
  })
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['backup_commands', 'backup_runs', 'backup_jobs', 'backup_devices', 'backup_repository_usage', 'backup_repositories']) {
    await knex.schema.dropTableIfExists(table)
  }
}
