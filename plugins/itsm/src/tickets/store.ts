import { randomUUID } from 'node:crypto'
import type { Transaction } from '@monozu/kernel'
import { evaluate, emptySla, matchPolicy, type Policy, type SlaState, type Evaluation } from '../sla/policy.ts'
import type { Calendar } from '../sla/calendar.ts'
import { json } from '../http.ts'
import { defaultPriority, formatNumber, type Links, type Status, type TicketType } from './model.ts'

export interface TicketRow {
  id: string, number: string, type: TicketType, status: Status, pending_reason: string | null, title: string, description: string
  requester_id: string | null, requester_name: string | null, requester_email: string | null, assignee_id: string | null, group_id: string | null
  category: string | null, impact: number, urgency: number, priority: number, source: string, approval: string, links: Links | string
  alert_key: string | null, alert_rule_id: string | null, alert_count: number, sla_policy_id: string | null, sla: SlaState | string
  first_response_due: Date | null, next_update_due: Date | null, resolution_due: Date | null, sla_breached: boolean
  first_response_at: Date | null, last_agent_reply_at: Date | null, resolved_at: Date | null, closed_at: Date | null
  created_at: Date, updated_at: Date, version: number
}

export const TICKET_COLUMNS = ['id', 'number', 'type', 'status', 'pending_reason', 'title', 'description', 'requester_id', 'requester_name', 'requester_email', 'assignee_id', 'group_id', 'category', 'impact', 'urgency', 'priority', 'source', 'approval', 'links', 'alert_key', 'alert_rule_id', 'alert_count', 'sla_policy_id', 'sla', 'first_response_due', 'next_update_due', 'resolution_due', 'sla_breached', 'first_response_at', 'last_agent_reply_at', 'resolved_at', 'closed_at', 'created_at', 'updated_at', 'version']

const ms = (d: Date | string | null) => d === null ? null : new Date(d).getTime()

/** The next number of a ticket type in this tenant: the counter row is locked until the transaction ends. */
export async function nextNumber (trx: Transaction, tenantId: string, type: TicketType): Promise<string> {
  const rows = await trx('itsm_counters').insert({ tenant_id: tenantId, type, value: 1 })
    .onConflict(['tenant_id', 'type']).merge({ value: trx.raw('itsm_counters.value + 1') }).returning('value')
  return formatNumber(type, Number((rows[0] as { value: number }).value))
}

export async function priorityOf (trx: Transaction, impact: number, urgency: number): Promise<number> {
  const row = await trx('itsm_priority_matrix').where({ impact, urgency }).first('priority')
  return row ? Number(row.priority) : defaultPriority(impact, urgency)
}

export async function loadPolicies (trx: Transaction): Promise<Policy[]> {
  const [policies, calendars] = await Promise.all([
    trx('itsm_sla_policies').where({ enabled: true }).orderBy([{ column: 'position' }, { column: 'created_at' }]),
    trx('itsm_calendars').select('id', 'time_zone', 'hours', 'country', 'region', 'holidays')
  ])
  const byId = new Map(calendars.map(c => [c.id, { timeZone: c.time_zone, hours: json(c.hours), country: c.country, region: c.region, holidays: json(c.holidays) } satisfies Calendar]))
  return policies.map(p => ({
    id: p.id,
    name: p.name,
    position: p.position,
    match: json(p.match),
    calendar: byId.get(p.calendar_id) ?? { timeZone: 'UTC', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map(d => [d, [['00:00', '24:00']]])) },
    minutes: { firstResponse: p.first_response_minutes, nextUpdate: p.next_update_minutes, resolution: p.resolution_minutes },
    warnAt: Number(p.warn_at)
  }))
}

/** The SLA columns of a ticket after re-evaluating its clocks at `now` (policy re-matched when asked). */
export function slaColumns (policy: Policy | null, row: Pick<TicketRow, 'status' | 'created_at' | 'first_response_at' | 'last_agent_reply_at' | 'resolved_at'>, prior: SlaState, now: number): { columns: Record<string, unknown>, evaluation: Evaluation | null } {
  if (!policy) {
    return { columns: { sla_policy_id: null, sla: JSON.stringify({ ...emptySla(), pauses: prior.pauses }), first_response_due: null, next_update_due: null, resolution_due: null, due_sort: new Date('9999-12-31T00:00:00Z'), sla_next_check: null }, evaluation: null }
  }
  const evaluation = evaluate(policy, { status: row.status, createdAt: ms(row.created_at)!, firstResponseAt: ms(row.first_response_at), lastAgentReplyAt: ms(row.last_agent_reply_at), resolvedAt: ms(row.resolved_at) }, prior, now)
  const due = evaluation.state.due
  const date = (v: number | null | undefined) => v == null ? null : new Date(v)
  return {
    columns: {
      sla_policy_id: policy.id,
      sla: JSON.stringify(evaluation.state),
      first_response_due: date(due.firstResponse),
      next_update_due: date(due.nextUpdate),
      resolution_due: date(due.resolution),
      due_sort: date(due.resolution) ?? new Date('9999-12-31T00:00:00Z'),
      sla_next_check: date(evaluation.nextCheck),
      ...(evaluation.newBreaches.length > 0 ? { sla_breached: true } : {})
    },
    evaluation
  }
}

export interface NewTicket {
  type: TicketType, title: string, description: string, requester: { id: string | null, name: string | null, email: string | null }
  assigneeId?: string | null, groupId?: string | null, category?: string | null, impact: number, urgency: number
  source: 'web' | 'email' | 'alert', links?: Links, alertKey?: string | null, alertRuleId?: string | null, approvers?: string[]
}

export async function insertTicket (trx: Transaction, tenantId: string, input: NewTicket, now: Date): Promise<TicketRow> {
  const number = await nextNumber(trx, tenantId, input.type)
  const priority = await priorityOf(trx, input.impact, input.urgency)
  const policy = matchPolicy(await loadPolicies(trx), { type: input.type, priority, category: input.category ?? null })
  const base = { status: 'new' as Status, created_at: now, first_response_at: null, last_agent_reply_at: null, resolved_at: null }
  const { columns } = slaColumns(policy, base, emptySla(), now.getTime())
  const id = randomUUID()
  const approvers = [...new Set(input.approvers ?? [])]
  await trx('itsm_tickets').insert({
    tenant_id: tenantId, id, number, type: input.type, status: 'new', title: input.title, description: input.description,
    requester_id: input.requester.id, requester_name: input.requester.name, requester_email: input.requester.email,
    assignee_id: input.assigneeId ?? null, group_id: input.groupId ?? null, category: input.category ?? null,
    impact: input.impact, urgency: input.urgency, priority, source: input.source,
    approval: input.type === 'change' && approvers.length > 0 ? 'pending' : 'none',
    links: JSON.stringify(input.links ?? { cis: [], devices: [], findings: [] }),
    alert_key: input.alertKey ?? null, alert_rule_id: input.alertRuleId ?? null, alert_count: input.alertKey ? 1 : 0,
    ...columns, created_at: now, updated_at: now, version: 1,
    search: trx.raw("to_tsvector('simple', ?)", [`${number} ${input.title} ${input.description}`]),
    search_all: trx.raw("to_tsvector('simple', ?)", [`${number} ${input.title} ${input.description}`])
  })
  if (approvers.length > 0 && input.type === 'change') {
    await trx('itsm_approvals').insert(approvers.map(a => ({ tenant_id: tenantId, ticket_id: id, approver_id: a, state: 'pending' })))
  }
  await trx('itsm_transitions').insert({ tenant_id: tenantId, ticket_id: id, from_status: null, to_status: 'new', reason: `created (${input.source})`, actor_id: input.requester.id ?? input.source, actor_name: input.requester.name, at: now })
  return (await fetchTicket(trx, id))!
}

export async function fetchTicket (trx: Transaction, id: string, forUpdate = false): Promise<TicketRow | undefined> {
  const q = trx('itsm_tickets').where({ id }).first(TICKET_COLUMNS)
  return forUpdate ? q.forUpdate() : q
}

/** Adds text to a ticket's search vectors: public text to both, internal notes to the agents' one only. */
export async function indexText (trx: Transaction, id: string, text: string, internal: boolean): Promise<void> {
  const vector = trx.raw("to_tsvector('simple', ?)", [text.slice(0, 100_000)])
  await trx('itsm_tickets').where({ id }).update({
    search_all: trx.raw('coalesce(search_all, \'\'::tsvector) || ?', [vector]),
    ...(internal ? {} : { search: trx.raw('coalesce(search, \'\'::tsvector) || ?', [vector]) })
  })
}
