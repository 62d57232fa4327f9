import { dateTime, iso, json, localText, nullableUuid } from '../http.ts'
import type { SlaState } from '../sla/policy.ts'
import type { Links } from './model.ts'
import type { PluginContext, Transaction } from '@monozu/kernel'
import type { TicketRow } from './store.ts'

/** The current names of the tickets' assignees, in one lookup. */
export async function namesOf (ctx: PluginContext, trx: Transaction, tickets: TicketRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(tickets.flatMap(t => t.assignee_id ? [t.assignee_id] : []))]
  if (ids.length === 0) return new Map()
  return new Map((await ctx.tenants.users(trx, { ids, limit: 500 })).map(u => [u.id, u.name]))
}

const clock = { type: 'object', properties: { due: dateTime, warnedAt: dateTime, breachedAt: dateTime, explanation: { ...localText, type: ['object', 'null'] } } } as const

export const ticketSchema = {
  type: 'object',
  required: ['id', 'number', 'type', 'status', 'title', 'priority', 'createdAt', 'updatedAt', 'version'],
  properties: {
    id: { type: 'string' }, number: { type: 'string' }, type: { type: 'string' }, status: { type: 'string' },
    pendingReason: { type: ['string', 'null'] }, title: { type: 'string' }, description: { type: 'string' },
    requester: { type: 'object', properties: { id: nullableUuid, name: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } } },
    assigneeId: nullableUuid, assigneeName: { type: ['string', 'null'] }, groupId: nullableUuid, category: { type: ['string', 'null'] },
    impact: { type: 'integer' }, urgency: { type: 'integer' }, priority: { type: 'integer' },
    source: { type: 'string' }, approval: { type: 'string' },
    links: { type: 'object', properties: { cis: { type: 'array', items: { type: 'string' } }, devices: { type: 'array', items: { type: 'string' } }, findings: { type: 'array', items: { type: 'string' } } } },
    alertCount: { type: 'integer' },
    sla: {
      type: 'object',
      properties: {
        policyId: nullableUuid, breached: { type: 'boolean' }, paused: { type: 'boolean' },
        firstResponse: clock, nextUpdate: clock, resolution: clock
      }
    },
    firstResponseAt: dateTime, resolvedAt: dateTime, closedAt: dateTime,
    createdAt: { type: 'string' }, updatedAt: { type: 'string' }, version: { type: 'integer' }
  }
} as const

/** `names`: people by id (ctx.tenants.users), for the assignee; `namesOf` loads them. */
export function present (t: TicketRow, agent: boolean, names: ReadonlyMap<string, string> = new Map()) {
  const sla = json<SlaState>(t.sla)
  const clockOf = (k: 'firstResponse' | 'nextUpdate' | 'resolution', due: Date | null) => ({
    due: iso(due), warnedAt: sla.warned?.[k] ? iso(new Date(sla.warned[k]!)) : null,
    breachedAt: sla.breached?.[k] ? iso(new Date(sla.breached[k]!)) : null, explanation: sla.explanation?.[k] ?? null
  })
  return {
    id: t.id, number: t.number, type: t.type, status: t.status, pendingReason: t.pending_reason, title: t.title, description: t.description,
    requester: { id: t.requester_id, name: t.requester_name, email: agent ? t.requester_email : null },
    assigneeId: t.assignee_id, assigneeName: t.assignee_id ? names.get(t.assignee_id) ?? null : null, groupId: t.group_id, category: t.category, impact: t.impact, urgency: t.urgency, priority: t.priority,
    source: t.source, approval: t.approval, links: agent ? json<Links>(t.links) : { cis: [], devices: [], findings: [] }, alertCount: t.alert_count,
    sla: {
      policyId: t.sla_policy_id, breached: t.sla_breached, paused: (sla.pauses ?? []).some(p => p.to === null),
      firstResponse: clockOf('firstResponse', t.first_response_due), nextUpdate: clockOf('nextUpdate', t.next_update_due), resolution: clockOf('resolution', t.resolution_due)
    },
    firstResponseAt: iso(t.first_response_at), resolvedAt: iso(t.resolved_at), closedAt: iso(t.closed_at),
    createdAt: iso(t.created_at)!, updatedAt: iso(t.updated_at)!, version: t.version
  }
}
