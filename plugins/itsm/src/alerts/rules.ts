import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { DomainEvent, PluginContext, Transaction } from '@monozu/kernel'
import { invalid, json, notFound, nullableUuid, tenantOf, uuidParam } from '../http.ts'
import { TYPES, type TicketType } from '../tickets/model.ts'
import { addMessage, afterCommit, changeTicket } from '../tickets/service.ts'
import { insertTicket, TICKET_COLUMNS, type TicketRow } from '../tickets/store.ts'

/**
 * Event types a rule may match, with what names the source (a device or CI) in their payload
 * and the rule a preset gives. Adding a source (backup missed/failed, security alert, critical
 * finding) is one entry here plus its `events.subscribes` line in plugin.json with handler
 * `alertRules`: matching is by payload fields, so no code per source.
 */
export const SOURCES: Record<string, { subjectField: string, subjectKind: 'device' | 'ci', nameField: string, preset: { openWhen: Record<string, string[]>, clearWhen: Record<string, string[]> | null, title: string } }> = {
  'devices.status_changed': { subjectField: 'deviceId', subjectKind: 'device', nameField: 'name', preset: { openWhen: { status: ['offline'] }, clearWhen: { status: ['online'] }, title: 'Device {name} is {status}' } }
}

interface Rule {
  id: string, name: string, enabled: boolean, event_type: string, open_when: Record<string, string[]>, clear_when: Record<string, string[]> | null
  subject_field: string, subject_kind: 'device' | 'ci', resolve_on_clear: boolean
  ticket: { type: TicketType, title: string, impact: number, urgency: number, category?: string | null, groupId?: string | null }
}

const matches = (when: Record<string, string[]> | null, payload: Record<string, unknown>) =>
  when !== null && Object.entries(when).every(([field, values]) => values.includes(String(payload[field])))

const fill = (template: string, payload: Record<string, unknown>) => template.replace(/\{(\w+)\}/g, (_, f: string) => String(payload[f] ?? '')).slice(0, 200)

/**
 * Applies the tenant's rules to a batch of events in the dispatcher's transaction: an event that
 * opens adds to the source's ticket that is not closed (reopening a resolved one) or creates one;
 * an event that clears notes it and resolves the ticket if the rule says so. One ticket per rule
 * and source however many events arrive.
 */
export async function applyRules (ctx: PluginContext, trx: Transaction, events: Array<DomainEvent<Record<string, unknown>>>): Promise<void> {
  if (events.length === 0) return
  const tenantId = events[0]!.tenantId
  const rules = (await trx('itsm_alert_rules').where({ enabled: true }).whereIn('event_type', [...new Set(events.map(e => e.type))]))
    .map(r => ({ ...r, open_when: json(r.open_when), clear_when: r.clear_when === null ? null : json(r.clear_when), ticket: json(r.ticket) })) as Rule[]
  if (rules.length === 0) return
  const system = { id: 'alert-rules', name: 'Alert rule', kind: 'system' as const }
  for (const event of events) {
    for (const rule of rules.filter(r => r.event_type === event.type)) {
      const subject = event.payload[rule.subject_field]
      if (typeof subject !== 'string') continue
      const key = `${rule.id}:${rule.subject_kind}:${subject}`.slice(0, 200)
      const opens = matches(rule.open_when, event.payload)
      const clears = !opens && matches(rule.clear_when, event.payload)
      if (!opens && !clears) continue
      const current: TicketRow | undefined = await trx('itsm_tickets').where({ alert_key: key }).whereNot('status', 'closed').orderBy('created_at', 'desc').forUpdate().first(TICKET_COLUMNS)
      const when = event.occurredAt.toISOString()
      if (opens) {
        if (current) {
          await trx('itsm_tickets').where({ id: current.id }).update({ alert_count: current.alert_count + 1, updated_at: ctx.clock.now() })
          if (current.status === 'resolved') {
            const fresh = { ...current, alert_count: current.alert_count + 1 }
            await changeTicket(ctx, trx, tenantId, fresh, { status: 'open' }, system, `${rule.name}: alerting again`)
            await addMessage(ctx, trx, tenantId, current, { body: `${rule.name}: ${fill(rule.ticket.title, event.payload)} again at ${when}.`, visibility: 'internal' }, system)
          }
          continue
        }
        const payloadText = Object.entries(event.payload).map(([k, v]) => `- ${k}: ${String(v)}`).join('\n')
        const t = await insertTicket(trx, tenantId, {
          type: rule.ticket.type, title: fill(rule.ticket.title, event.payload), description: `Opened by alert rule "${rule.name}" from ${event.type} at ${when}.\n\n${payloadText}`,
          requester: { id: null, name: rule.name, email: null }, groupId: rule.ticket.groupId ?? null, category: rule.ticket.category ?? null,
          impact: rule.ticket.impact, urgency: rule.ticket.urgency, source: 'alert',
          links: { cis: rule.subject_kind === 'ci' ? [subject] : [], devices: rule.subject_kind === 'device' ? [subject] : [], findings: [] },
          alertKey: key, alertRuleId: rule.id
        }, ctx.clock.now())
        await ctx.events.publish(trx, 'itsm.ticket_changed', { ticketId: t.id, number: t.number, change: 'created', status: t.status }, { subject: t.id })
        afterCommit(ctx, trx, tenantId, 'ticket.created', { id: t.id, number: t.number, status: t.status })
      } else if (current && current.status !== 'resolved') {
        await addMessage(ctx, trx, tenantId, current, { body: `${rule.name}: the source cleared (${fill('{' + Object.keys(rule.clear_when ?? {})[0] + '}', event.payload)}) at ${when}.`, visibility: 'internal' }, system)
        if (rule.resolve_on_clear) await changeTicket(ctx, trx, tenantId, current, { status: 'resolved' }, system, `${rule.name}: source cleared`)
      }
    }
  }
}

const when = { type: ['object', 'null'], maxProperties: 10, additionalProperties: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 100 } } } as const
const ruleBody = {
  type: 'object', additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 }, enabled: { type: 'boolean' }, eventType: { enum: Object.keys(SOURCES) },
    openWhen: { ...when, type: 'object', minProperties: 1 }, clearWhen: when, resolveOnClear: { type: 'boolean' },
    ticket: { type: 'object', additionalProperties: false, properties: { type: { enum: TYPES }, title: { type: 'string', minLength: 1, maxLength: 200 }, impact: { type: 'integer', minimum: 1, maximum: 3 }, urgency: { type: 'integer', minimum: 1, maximum: 3 }, category: { type: ['string', 'null'], maxLength: 100 }, groupId: nullableUuid } }
  }
} as const
const ruleSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, enabled: { type: 'boolean' }, eventType: { type: 'string' }, openWhen: { type: 'object', additionalProperties: true }, clearWhen: { type: ['object', 'null'], additionalProperties: true }, subjectField: { type: 'string' }, subjectKind: { type: 'string' }, resolveOnClear: { type: 'boolean' }, ticket: { type: 'object', additionalProperties: true } } } as const
const presentRule = (r: any) => ({ id: r.id, name: r.name, enabled: r.enabled, eventType: r.event_type, openWhen: json(r.open_when), clearWhen: r.clear_when === null ? null : json(r.clear_when), subjectField: r.subject_field, subjectKind: r.subject_kind, resolveOnClear: r.resolve_on_clear, ticket: json(r.ticket) })

export function alertRules (ctx: PluginContext, app: FastifyInstance): void {
  ctx.events.handleBatch<Record<string, unknown>>('alertRules', (events, trx) => applyRules(ctx, trx, events))

  app.get('/api/v1/itsm/alert-rules', { config: { permission: 'itsm.admin' }, schema: { summary: 'Alert-to-ticket rules', response: { 200: { type: 'object', properties: { items: { type: 'array', items: ruleSchema }, sources: { type: 'array', items: { type: 'object', additionalProperties: true } } } } } } }, async request => ({
    items: (await request.withTenant(trx => trx('itsm_alert_rules').orderBy('name'))).map(presentRule),
    sources: Object.entries(SOURCES).map(([eventType, s]) => ({ eventType, subjectKind: s.subjectKind, ...s.preset }))
  }))
  app.post('/api/v1/itsm/alert-rules', { config: { permission: 'itsm.admin' }, schema: { summary: 'Create a rule; openWhen/clearWhen/title default to the source\'s preset', body: { ...ruleBody, required: ['name', 'eventType'] }, response: { 201: ruleSchema } } }, async (request, reply) => {
    const b = request.body as any
    const source = SOURCES[b.eventType]!
    const row = {
      tenant_id: tenantOf(request), id: randomUUID(), name: b.name, enabled: b.enabled ?? true, event_type: b.eventType,
      open_when: JSON.stringify(b.openWhen ?? source.preset.openWhen), clear_when: JSON.stringify(b.clearWhen === undefined ? source.preset.clearWhen : b.clearWhen),
      subject_field: source.subjectField, subject_kind: source.subjectKind, resolve_on_clear: b.resolveOnClear ?? true,
      ticket: JSON.stringify({ type: 'incident', title: source.preset.title, impact: 2, urgency: 2, category: null, groupId: null, ...b.ticket }), created_at: ctx.clock.now()
    }
    await request.withTenant(async trx => {
      const g = json<{ groupId?: string }>(row.ticket).groupId
      if (g && !await trx('itsm_groups').where({ id: g }).first('id')) throw invalid('/ticket/groupId', `no group ${g}`, 'not_found')
      await trx('itsm_alert_rules').insert(row)
    })
    return reply.code(201).send(presentRule(row))
  })
  app.patch('/api/v1/itsm/alert-rules/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Change a rule', params: uuidParam, body: { ...ruleBody, minProperties: 1 }, response: { 200: ruleSchema } } }, async request => {
    const { id } = request.params as { id: string }
    const b = request.body as any
    return request.withTenant(async trx => {
      const cur = await trx('itsm_alert_rules').where({ id }).first()
      if (!cur) throw notFound('alert rule', id)
      const source = SOURCES[b.eventType ?? cur.event_type]!
      await trx('itsm_alert_rules').where({ id }).update({
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
        ...(b.eventType !== undefined ? { event_type: b.eventType, subject_field: source.subjectField, subject_kind: source.subjectKind } : {}),
        ...(b.openWhen !== undefined ? { open_when: JSON.stringify(b.openWhen) } : {}), ...(b.clearWhen !== undefined ? { clear_when: JSON.stringify(b.clearWhen) } : {}),
        ...(b.resolveOnClear !== undefined ? { resolve_on_clear: b.resolveOnClear } : {}), ...(b.ticket !== undefined ? { ticket: JSON.stringify({ ...json<object>(cur.ticket), ...b.ticket }) } : {})
      })
      return presentRule(await trx('itsm_alert_rules').where({ id }).first())
    })
  })
  app.delete('/api/v1/itsm/alert-rules/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Delete a rule (its tickets stay)', params: uuidParam } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => { if (!await trx('itsm_alert_rules').where({ id }).del()) throw notFound('alert rule', id) })
    return reply.code(204).send()
  })
}
