import type { Knex } from 'knex'
import { tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

// Lookups compare plain columns with `=` or ranges (leakproof under RLS, so indexes are used);
// full-text search uses tsvector columns maintained by the application (see README, SQL Server).
export async function up (knex: Knex): Promise<void> {
  // SQL Server has no tsvector: the search columns hold plain text there (full-text index or LIKE; README).
  const mssql = knex.client.dialect === 'mssql'
  const vector = mssql ? 'nvarchar(max)' : 'tsvector'
  // One row per tenant and ticket type: numbers come from `update ... returning` inside the
  // creating transaction, so concurrent creates queue on the row and never share a number.
  await tenantTable(knex, 'itsm_counters', t => {
    t.string('type', 10).notNullable()
    t.integer('value').notNullable()
    t.primary(['tenant_id', 'type'])
  })

  await tenantTable(knex, 'itsm_settings', t => {
    t.integer('auto_close_days').notNullable().defaultTo(7)
    t.string('inbound_secret_hash', 64)
    t.string('inbound_secret_hint', 12)
    t.string('default_calendar_id', 36)
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id'])
  })

  await tenantTable(knex, 'itsm_priority_matrix', t => {
    t.smallint('impact').notNullable()
    t.smallint('urgency').notNullable()
    t.smallint('priority').notNullable()
    t.primary(['tenant_id', 'impact', 'urgency'])
  })

  await tenantTable(knex, 'itsm_groups', t => {
    t.uuid('id').notNullable()
    t.string('name', 100).notNullable()
    t.string('name_key', 100).notNullable()
    t.string('email', 254)
    t.jsonb('members').notNullable().defaultTo('[]')
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'name_key'])
  })

  await tenantTable(knex, 'itsm_calendars', t => {
    t.uuid('id').notNullable()
    t.string('name', 100).notNullable()
    t.string('time_zone', 64).notNullable()
    t.jsonb('hours').notNullable() // { mon: [["09:00","17:00"]], ... }
    t.string('country', 2)
    t.string('region', 10)
    t.jsonb('holidays').notNullable().defaultTo('[]') // custom dates "YYYY-MM-DD"
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
  })

  await tenantTable(knex, 'itsm_sla_policies', t => {
    t.uuid('id').notNullable()
    t.string('name', 100).notNullable()
    t.integer('position').notNullable().defaultTo(100)
    t.boolean('enabled').notNullable().defaultTo(true)
    t.jsonb('match').notNullable().defaultTo('{}') // { types?, priorities?, categories? }
    t.uuid('calendar_id')
    t.integer('first_response_minutes')
    t.integer('next_update_minutes')
    t.integer('resolution_minutes')
    t.float('warn_at').notNullable().defaultTo(0.8)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
  })

  await tenantTable(knex, 'itsm_tickets', t => {
    t.uuid('id').notNullable()
    t.string('number', 20).notNullable()
    t.string('type', 10).notNullable()
    t.string('status', 10).notNullable()
    t.string('pending_reason', 500)
    t.string('title', 200).notNullable()
    t.text('description').notNullable().defaultTo('')
    t.uuid('requester_id')
    t.string('requester_name', 200)
    t.string('requester_email', 254)
    t.uuid('assignee_id')
    t.uuid('group_id')
    t.string('category', 100)
    t.smallint('impact').notNullable()
    t.smallint('urgency').notNullable()
    t.smallint('priority').notNullable()
    t.string('source', 10).notNullable() // web | email | alert
    t.string('approval', 10).notNullable().defaultTo('none') // none | pending | approved | rejected
    t.jsonb('links').notNullable().defaultTo('{"cis":[],"devices":[],"findings":[]}')
    t.string('alert_key', 200) // "<rule>:<device|ci>:<id>": one open ticket per source
    t.uuid('alert_rule_id')
    t.integer('alert_count').notNullable().defaultTo(0)
    // SLA: the clock's inputs, and due times stored so lists sort and filter by them.
    t.uuid('sla_policy_id')
    t.jsonb('sla').notNullable().defaultTo('{}') // pauses, met times, warned/breached flags, explanation
    ts(t, 'first_response_due')
    ts(t, 'next_update_due')
    ts(t, 'resolution_due')
    ts(t, 'due_sort').notNullable() // resolution_due, or 9999-12-31 without one: the queue's sort key
    ts(t, 'sla_next_check') // earliest pending warning/breach moment: what the sweep scans
    t.boolean('sla_breached').notNullable().defaultTo(false)
    ts(t, 'first_response_at')
    ts(t, 'last_agent_reply_at')
    ts(t, 'resolved_at')
    ts(t, 'closed_at')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.integer('version').notNullable().defaultTo(1)
    t.specificType('search', vector) // title, description, public messages
    t.specificType('search_all', vector) // and internal notes (agents)
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'number'])
    t.index(['tenant_id', 'status', 'due_sort', 'id'])
    t.index(['tenant_id', 'due_sort', 'id'])
    t.index(['tenant_id', 'created_at', 'id'])
    t.index(['tenant_id', 'updated_at', 'id'])
    t.index(['tenant_id', 'priority', 'id'])
    t.index(['tenant_id', 'requester_id', 'created_at', 'id'])
    t.index(['tenant_id', 'assignee_id', 'status'])
    t.index(['tenant_id', 'group_id', 'status'])
    t.index(['tenant_id', 'sla_next_check'])
    t.index(['tenant_id', 'status', 'resolved_at'])
  })
  await knex.raw("create unique index itsm_tickets_open_alert on itsm_tickets (tenant_id, alert_key) where alert_key is not null and status not in ('resolved', 'closed')")
  if (!mssql) await knex.raw('create index itsm_tickets_search on itsm_tickets using gin (search_all)')

  await tenantTable(knex, 'itsm_transitions', t => {
    t.bigIncrements('seq').primary()
    t.uuid('ticket_id').notNullable()
    t.string('from_status', 10)
    t.string('to_status', 10).notNullable()
    t.string('reason', 500)
    t.string('actor_id', 100).notNullable()
    t.string('actor_name', 200)
    ts(t, 'at').notNullable()
    t.index(['tenant_id', 'ticket_id', 'seq'])
  })

  await tenantTable(knex, 'itsm_messages', t => {
    t.uuid('id').notNullable()
    t.uuid('ticket_id').notNullable()
    t.string('visibility', 10).notNullable() // public | internal
    t.string('author_kind', 10).notNullable() // agent | requester | email | system
    t.string('author_id', 100)
    t.string('author_name', 200)
    t.text('body').notNullable()
    t.string('email_message_id', 300)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'ticket_id', 'created_at'])
    t.index(['tenant_id', 'email_message_id'])
    t.foreign(['tenant_id', 'ticket_id']).references(['tenant_id', 'id']).inTable('itsm_tickets').onDelete('CASCADE')
  })

  await tenantTable(knex, 'itsm_attachments', t => {
    t.uuid('id').notNullable()
    t.uuid('ticket_id').notNullable()
    t.uuid('message_id')
    t.string('visibility', 10).notNullable()
    t.string('filename', 255).notNullable()
    t.string('content_type', 100).notNullable()
    t.integer('size').notNullable()
    t.binary('data').notNullable()
    t.string('uploaded_by', 100)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'ticket_id'])
    t.foreign(['tenant_id', 'ticket_id']).references(['tenant_id', 'id']).inTable('itsm_tickets').onDelete('CASCADE')
  })

  await tenantTable(knex, 'itsm_approvals', t => {
    t.uuid('ticket_id').notNullable()
    t.uuid('approver_id').notNullable()
    t.string('state', 10).notNullable() // pending | approved | rejected
    t.string('comment', 500)
    ts(t, 'decided_at')
    t.primary(['tenant_id', 'ticket_id', 'approver_id'])
    t.foreign(['tenant_id', 'ticket_id']).references(['tenant_id', 'id']).inTable('itsm_tickets').onDelete('CASCADE')
  })

  await tenantTable(knex, 'itsm_views', t => {
    t.uuid('id').notNullable()
    t.uuid('owner_id').notNullable()
    t.string('name', 100).notNullable()
    t.boolean('shared').notNullable().defaultTo(false)
    t.jsonb('filters').notNullable().defaultTo('{}')
    t.string('sort', 30).notNullable()
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
  })

  await tenantTable(knex, 'itsm_alert_rules', t => {
    t.uuid('id').notNullable()
    t.string('name', 100).notNullable()
    t.boolean('enabled').notNullable().defaultTo(true)
    t.string('event_type', 100).notNullable()
    t.jsonb('open_when').notNullable() // { field: [values] } all must match
    t.jsonb('clear_when') // same shape; null = the source never clears
    t.string('subject_field', 64).notNullable() // payload field naming the device/CI
    t.string('subject_kind', 10).notNullable() // device | ci
    t.boolean('resolve_on_clear').notNullable().defaultTo(true)
    t.jsonb('ticket').notNullable() // { type, title, impact, urgency, category, groupId }
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'event_type'])
  })
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['itsm_alert_rules', 'itsm_views', 'itsm_approvals', 'itsm_attachments', 'itsm_messages', 'itsm_transitions', 'itsm_tickets', 'itsm_sla_policies', 'itsm_calendars', 'itsm_groups', 'itsm_priority_matrix', 'itsm_settings', 'itsm_counters']) {
    await knex.schema.dropTableIfExists(table)
  }
}
