import type { Knex } from 'knex'
import { tenantTable } from '../db/tenant-table.ts'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

/**
 * Mail a plugin sends to an address that is not a user (`ctx.mail`, kernel API 1.6): one row per
 * message, written in the plugin's transaction, sent by a job after it commits. The row is the
 * record of what left the platform, and the per-tenant hourly cap counts these rows.
 */
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'outbound_mail', t => {
    t.uuid('id').notNullable()
    t.string('plugin_id', 64).notNullable()
    t.string('recipient', 320).notNullable()
    t.string('reply_to', 320)
    t.string('subject', 300).notNullable()
    t.text('text').notNullable()
    t.string('message_id', 255).notNullable()
    t.string('in_reply_to', 255)
    t.text('references')
    // queued → sent | failed; off: email is off (no SMTP_URL), nothing will be sent.
    t.string('state', 8).notNullable().defaultTo('queued')
    t.text('last_error')
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'sent_at')
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'created_at'])
    t.index(['state', 'created_at'])
  })
}
