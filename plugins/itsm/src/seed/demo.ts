import { randomUUID } from 'node:crypto'
import type { DemoTenant, PluginContext } from '@monozu/kernel'
import { OFFICE_HOURS } from '../sla/calendar.ts'
import { addMessage, changeTicket, type Who } from '../tickets/service.ts'
import { fetchTicket, insertTicket } from '../tickets/store.ts'
import type { Status, TicketType } from '../tickets/model.ts'

const HOUR = 3_600_000
type Seed = [type: TicketType, title: string, requester: [string, string], impact: number, urgency: number, ageHours: number, group: number, path: Array<Status | 'reply' | 'note'>, category: string]

// Acme's service desk in Warsaw: a week of realistic tickets in every state; a few old enough to breach.
const TICKETS: Seed[] = [
  ['incident', 'Outlook nie synchronizuje poczty', ['Anna Kowalska', 'anna.kowalska@acme.example'], 3, 2, 2, 0, [], 'email'],
  ['incident', 'ERP very slow since the morning', ['Marek Nowak', 'marek.nowak@acme.example'], 1, 1, 30, 2, ['reply', 'note'], 'erp'],
  ['incident', 'VPN does not connect from home (error 809)', ['Ewa Wiśniewska', 'ewa.wisniewska@acme.example'], 3, 2, 50, 0, ['reply', 'pending'], 'network'],
  ['request', 'Nowy laptop dla nowego pracownika (start 1.12)', ['Katarzyna Zielińska', 'k.zielinska@acme.example'], 3, 3, 20, 0, ['reply'], 'hardware'],
  ['request', 'Access to the Finance share', ['Piotr Lewandowski', 'piotr.lewandowski@acme.example'], 3, 2, 8, 0, ['reply', 'resolved'], 'access'],
  ['incident', 'Printer on 2nd floor jams', ['Tomasz Wójcik', 'tomasz.wojcik@acme.example'], 3, 3, 120, 0, ['reply', 'resolved', 'closed'], 'hardware'],
  ['problem', 'Recurring ERP slowdowns at month end', ['Service Desk', 'servicedesk@acme.example'], 2, 2, 70, 2, ['open', 'note'], 'erp'],
  ['change', 'Upgrade FortiGate firmware to 7.4.4', ['Infrastructure', 'infra@acme.example'], 2, 3, 26, 1, [], 'network'],
  ['incident', 'Wi-Fi drops in meeting room Wisła', ['Agnieszka Kamińska', 'a.kaminska@acme.example'], 2, 2, 60, 1, ['reply'], 'network'],
  ['incident', 'Backup job for file-01 failed', ['Monitoring', 'monitoring@acme.example'], 2, 1, 40, 1, [], 'backup']
]

export async function seedDemo (ctx: PluginContext, tenant: DemoTenant): Promise<void> {
  const tenantId = tenant.id
  const now = ctx.clock.now().getTime()
  await ctx.db.withTenant(tenantId, async trx => {
    if (await trx('itsm_tickets').first('id')) return
    const created = ctx.clock.now()
    // The kernel's demo seed gives each plugin role a user (itsm-agent@<slug>.example, itsm-manager@...);
    // with the tenant admin they staff the groups and work the tickets.
    const agents = await ctx.tenants.users(trx, { permission: 'itsm.agent', limit: 20 })
    const staff = agents.filter(a => a.email.startsWith('itsm-'))
    const workers = staff.length > 0 ? staff : agents
    const groups = ['Service Desk (L1)', 'Infrastructure (L2)', 'Applications (L2)'].map(name => ({ tenant_id: tenantId, id: randomUUID(), name, name_key: name.toLowerCase(), email: null, members: JSON.stringify(agents.map(a => a.id)), created_at: created }))
    await trx('itsm_groups').insert(groups)
    const calendar = { tenant_id: tenantId, id: randomUUID(), name: 'Warsaw office (Polish holidays)', time_zone: 'Europe/Warsaw', hours: JSON.stringify(OFFICE_HOURS), country: 'PL', region: null, holidays: JSON.stringify(['2026-12-24', '2026-12-31']), created_at: created }
    await trx('itsm_calendars').insert(calendar)
    await trx('itsm_sla_policies').insert([
      { tenant_id: tenantId, id: randomUUID(), name: 'Critical (P1)', position: 10, enabled: true, match: JSON.stringify({ priorities: [1] }), calendar_id: calendar.id, first_response_minutes: 30, next_update_minutes: 120, resolution_minutes: 240, warn_at: 0.75, created_at: created },
      { tenant_id: tenantId, id: randomUUID(), name: 'High (P2)', position: 20, enabled: true, match: JSON.stringify({ priorities: [2] }), calendar_id: calendar.id, first_response_minutes: 60, next_update_minutes: 240, resolution_minutes: 480, warn_at: 0.8, created_at: created },
      { tenant_id: tenantId, id: randomUUID(), name: 'Standard', position: 100, enabled: true, match: JSON.stringify({}), calendar_id: calendar.id, first_response_minutes: 240, next_update_minutes: 960, resolution_minutes: 1440, warn_at: 0.8, created_at: created }
    ])
    await trx('itsm_settings').insert({ tenant_id: tenantId, auto_close_days: 7, default_calendar_id: calendar.id, updated_at: created })
    await trx('itsm_alert_rules').insert({
      tenant_id: tenantId, id: randomUUID(), name: 'Appliance offline', enabled: true, event_type: 'devices.status_changed',
      open_when: JSON.stringify({ status: ['offline'] }), clear_when: JSON.stringify({ status: ['online'] }), subject_field: 'deviceId', subject_kind: 'device', resolve_on_clear: true,
      ticket: JSON.stringify({ type: 'incident', title: 'Appliance {name} is {status}', impact: 2, urgency: 1, category: 'network', groupId: groups[1]!.id }), created_at: created
    })
    for (const [i, [type, title, [name, email], impact, urgency, age, group, path, category]] of TICKETS.entries()) {
      // Tickets someone works on are assigned to a demo agent, who writes their replies and notes.
      const worker = path.length > 0 ? workers[i % Math.max(workers.length, 1)] : undefined
      const agent: Who = worker ? { id: worker.id, name: worker.name, kind: 'agent' } : { id: 'demo', name: `${tenant.name} Service Desk`, kind: 'agent' }
      const t = await insertTicket(trx, tenantId, { type, title, description: `${title}.\n\nReported by ${name}.`, requester: { id: null, name, email }, groupId: groups[group]!.id, assigneeId: worker?.id ?? null, category, impact, urgency, source: 'web', approvers: [] }, new Date(now - age * HOUR))
      for (const step of path) {
        const cur = (await fetchTicket(trx, t.id))!
        if (step === 'reply') await addMessage(ctx, trx, tenantId, cur, { body: `Dzień dobry, sprawdzamy zgłoszenie ${cur.number}. / Hello, we are looking into ${cur.number}.`, visibility: 'public' }, agent)
        else if (step === 'note') await addMessage(ctx, trx, tenantId, cur, { body: 'Checked the logs; escalating to L2.', visibility: 'internal' }, agent)
        else await changeTicket(ctx, trx, tenantId, cur, { status: step, ...(step === 'pending' ? { pendingReason: 'Waiting for the user\'s logs' } : {}) }, agent, 'demo')
      }
      // evaluate the clocks now: the old ones show their warnings and breaches at once
      await changeTicket(ctx, trx, tenantId, (await fetchTicket(trx, t.id))!, {}, agent)
    }
  })
}
