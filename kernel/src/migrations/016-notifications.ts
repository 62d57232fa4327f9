import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })
const userKey = (t: Knex.CreateTableBuilder) =>
  t.foreign(['tenant_id', 'user_id']).references(['tenant_id', 'id']).inTable('users').onDelete('CASCADE')

/**
 * Notifications (`ctx.notify`): one row per recipient. `in_app` false is a row kept only for its
 * email (the user turned the type's in-app channel off); such rows are stored read, so unread
 * counts and the unread index never see them. `email_state` is the email side's bookkeeping:
 * none (not wanted), queued (send one by one), digest (collected into the daily digest), sent, failed.
 * Users get a language (en, pl) for the notifications and emails they receive.
 */
export async function up (knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', t => {
    t.string('language', 8).notNullable().defaultTo('en').checkIn(['en', 'pl'], 'users_language_check')
  })
  await tenantTable(knex, 'notifications', t => {
    t.uuid('id').notNullable()
    t.uuid('user_id').notNullable()
    t.string('type', 100).notNullable()
    t.string('severity', 16).notNullable().defaultTo('info').checkIn(['info', 'warning', 'critical'], 'notifications_severity_check')
    t.jsonb('title').notNullable()
    t.jsonb('body').notNullable()
    t.string('link', 1000)
    t.boolean('in_app').notNullable().defaultTo(true)
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'read_at')
    t.string('email_state', 16).notNullable().defaultTo('none').checkIn(['none', 'queued', 'digest', 'sent', 'failed'], 'notifications_email_state_check')
    ts(t, 'emailed_at')
    t.primary(['tenant_id', 'id'])
    userKey(t)
    t.index(['tenant_id', 'user_id', knex.raw('created_at desc'), knex.raw('id desc')], 'notifications_user_created')
    t.index(['tenant_id', 'user_id', knex.raw('created_at desc'), knex.raw('id desc')], 'notifications_user_unread', { predicate: knex.whereNull('read_at') })
    // Small by construction: only rows whose email is still to go out.
    t.index(['tenant_id', 'email_state', 'created_at'], 'notifications_email_pending', { predicate: knex.whereRaw("email_state in ('queued', 'digest')") })
    // The retention job deletes read rows across tenants by age.
    t.index(['read_at'], 'notifications_read_at', { predicate: knex.whereNotNull('read_at') })
  })
  await tenantTable(knex, 'notification_preferences', t => {
    t.uuid('user_id').notNullable()
    t.string('type', 100).notNullable()
    t.boolean('in_app').notNullable()
    t.boolean('email').notNullable()
    t.primary(['tenant_id', 'user_id', 'type'])
    userKey(t)
  })
  await tenantTable(knex, 'notification_settings', t => {
    t.uuid('user_id').notNullable()
    t.boolean('digest').notNullable().defaultTo(false)
    t.primary(['tenant_id', 'user_id'])
    userKey(t)
  })
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['notification_settings', 'notification_preferences', 'notifications']) await knex.schema.dropTableIfExists(table)
  await knex.schema.alterTable('users', t => {
    t.dropChecks(['users_language_check'])
    t.dropColumn('language')
  })
}
