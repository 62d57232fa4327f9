import type { Knex } from 'knex'

// Found by the bench at 100,000 tickets (EXPLAIN ANALYZE printed by bench/itsm.ts):
// - Alert rules look up "the ticket of this source that is not closed" by alert_key for every
//   event. The unique index of 001 covers only tickets not resolved or closed, which that lookup
//   (status <> 'closed') cannot use, so each event scanned the tenant's table (161 of 2,000 alert
//   tickets appeared in 60 s). A partial (filtered) index on every ticket with a source fixes it;
//   PostgreSQL, PGlite and SQL Server take this syntax.
// - A group's or an agent's queue sorted by SLA due walked the tenant-wide due index and threw
//   away the other groups' rows (823 for 50 shown); these read only that group's or agent's.
export async function up (knex: Knex): Promise<void> {
  await knex.raw('create index itsm_tickets_alert_key on itsm_tickets (tenant_id, alert_key) where alert_key is not null')
  await knex.schema.alterTable('itsm_tickets', t => {
    t.index(['tenant_id', 'group_id', 'due_sort', 'id'], 'itsm_tickets_group_due')
    t.index(['tenant_id', 'assignee_id', 'due_sort', 'id'], 'itsm_tickets_assignee_due')
  })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.alterTable('itsm_tickets', t => {
    t.dropIndex(['tenant_id', 'group_id', 'due_sort', 'id'], 'itsm_tickets_group_due')
    t.dropIndex(['tenant_id', 'assignee_id', 'due_sort', 'id'], 'itsm_tickets_assignee_due')
  })
  await knex.raw(knex.client.dialect === 'mssql' ? 'drop index itsm_tickets_alert_key on itsm_tickets' : 'drop index itsm_tickets_alert_key')
}
