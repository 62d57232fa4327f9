import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, type PluginContext } from '@monozu/kernel'
import { actorOf, notFound, SEVERITIES, tenantOf, uuidParam } from '../http.ts'
import { NO_NUL } from '../http.ts'
import type { Live } from '../live.ts'
import { alertOut, covers, presentAlert, presentSuppression, suppressionOut, type AlertRow, type SuppressionRow } from './model.ts'

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'array', items: { enum: ['open', 'acknowledged', 'resolved', 'suppressed'] }, uniqueItems: true },
    severity: { type: 'array', items: { enum: SEVERITIES }, uniqueItems: true },
    ruleId: { type: 'string', maxLength: 200, pattern: NO_NUL },
    source: { type: 'string', maxLength: 64, pattern: NO_NUL },
    ciId: { type: 'string', format: 'uuid' },
    deviceId: { type: 'string', format: 'uuid' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 500, pattern: NO_NUL }
  }
} as const

const noteBody = { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 1000, pattern: NO_NUL } } } as const

const suppressionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason', 'expiresAt'],
  properties: {
    ruleId: { type: 'string', minLength: 1, maxLength: 200, pattern: NO_NUL },
    source: { type: 'string', minLength: 1, maxLength: 64, pattern: NO_NUL },
    ciId: { type: 'string', format: 'uuid' },
    deviceId: { type: 'string', format: 'uuid' },
    reason: { type: 'string', minLength: 3, maxLength: 1000, pattern: NO_NUL },
    expiresAt: { type: 'string', format: 'date-time' }
  }
} as const

// A rule may last at most a year: suppression is a decision to revisit, not a way to forget.
const MAX_SUPPRESSION_MS = 366 * 86_400_000

export function alertRoutes (app: FastifyInstance, ctx: PluginContext, live: Live): void {
  app.get('/api/v1/security/alerts', {
    config: { permission: 'security.read' },
    schema: { summary: 'Alerts, newest activity first; filter by state, severity, rule, source, CI or device', querystring: listQuery, response: { 200: pageOf(alertOut) } }
  }, async request => {
    const q = request.query as { state?: string[], severity?: string[], ruleId?: string, source?: string, ciId?: string, deviceId?: string, limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { at: 'date', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('security_alerts').select('*')
      .modify(b => {
        if (q.state) b.whereIn('state', q.state)
        if (q.severity) b.whereIn('severity', q.severity)
        if (q.ruleId) b.where('rule_id', q.ruleId)
        if (q.source) b.where('source', q.source)
        if (q.ciId) b.where('ci_id', q.ciId)
        if (q.deviceId) b.where('device_id', q.deviceId)
        if (after) b.where(w => w.where('last_seen', '<', after.at).orWhere(w2 => w2.where('last_seen', after.at).where('id', '<', after.id)))
      })
      .orderBy([{ column: 'last_seen', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1)) as AlertRow[]
    const result = page(rows, q.limit, r => ({ at: new Date(r.last_seen).toISOString(), id: r.id }))
    return { items: result.items.map(presentAlert), nextCursor: result.nextCursor }
  })

  app.get('/api/v1/security/alerts/:id', {
    config: { permission: 'security.read' },
    schema: { summary: 'One alert', params: uuidParam, response: { 200: alertOut } }
  }, async request => {
    const { id } = request.params as { id: string }
    const row = await request.withTenant(trx => trx('security_alerts').first('*').where({ id })) as AlertRow | undefined
    if (!row) throw notFound('alert', id)
    return presentAlert(row)
  })

  const transition = (action: 'acknowledge' | 'resolve', to: 'acknowledged' | 'resolved', from: string[]) => {
    app.post(`/api/v1/security/alerts/:id/${action}`, {
      config: { permission: 'security.triage' },
      schema: { summary: `${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'} an alert`, params: uuidParam, body: noteBody, response: { 200: alertOut } }
    }, async request => {
      const { id } = request.params as { id: string }
      const tenantId = tenantOf(request)
      const by = actorOf(request)
      const row = await request.withTenant(async trx => {
        const current = await trx('security_alerts').first('*').where({ id }).forUpdate() as AlertRow | undefined
        if (!current) throw notFound('alert', id)
        if (current.state === to) return current
        if (!from.includes(current.state)) throw new ApiError('invalid_state', `The alert is ${current.state}; it can be ${action}d only when ${from.join(' or ')}`)
        const [next] = await trx('security_alerts').where({ id }).update({ state: to, state_changed_at: ctx.clock.now(), state_changed_by: by }).returning('*') as AlertRow[]
        if (to === 'resolved') await ctx.events.publish(trx, 'security.alert_cleared', { alertId: id, state: 'resolved', by }, { subject: id })
        await ctx.audit.record({ tenantId, action: `security.alert_${action}`, actor: request.auth!.userId, target: id, requestId: request.id, ...(request.body && (request.body as { note?: string }).note ? { details: { note: (request.body as { note: string }).note } } : {}) }, trx)
        live.afterCommit(trx, tenantId, 'alerts.changed', { updated: 1, ids: [id] })
        return next!
      })
      return presentAlert(row)
    })
  }
  transition('acknowledge', 'acknowledged', ['open'])
  transition('resolve', 'resolved', ['open', 'acknowledged', 'suppressed'])

  app.get('/api/v1/security/suppressions', {
    config: { permission: 'security.read' },
    schema: { summary: 'Suppression rules, active first', querystring: { type: 'object', additionalProperties: false, properties: { active: { type: 'boolean' } } }, response: { 200: { type: 'object', properties: { items: { type: 'array', items: suppressionOut } } } } }
  }, async request => {
    const { active } = request.query as { active?: boolean }
    const now = ctx.clock.now()
    const rows = await request.withTenant(trx => trx('security_suppressions').select('*')
      .modify(b => { if (active === true) b.where('expires_at', '>', now); if (active === false) b.where('expires_at', '<=', now) })
      .orderBy('expires_at', 'desc').limit(1000)) as SuppressionRow[]
    return { items: rows.map(r => presentSuppression(r, now)) }
  })

  app.post('/api/v1/security/suppressions', {
    config: { permission: 'security.admin' },
    schema: { summary: 'Suppress matching alerts until a date, with a reason; open matching alerts become suppressed', body: suppressionBody, response: { 201: { type: 'object', properties: { rule: suppressionOut, suppressed: { type: 'integer' } } } } }
  }, async (request, reply) => {
    const b = request.body as { ruleId?: string, source?: string, ciId?: string, deviceId?: string, reason: string, expiresAt: string }
    const now = ctx.clock.now()
    const expires = new Date(b.expiresAt)
    const errors: Array<{ in: string, pointer: string, message: string }> = []
    if (expires.getTime() <= now.getTime()) errors.push({ in: 'body', pointer: '/expiresAt', message: 'must be in the future' })
    if (expires.getTime() - now.getTime() > MAX_SUPPRESSION_MS) errors.push({ in: 'body', pointer: '/expiresAt', message: 'must be within a year' })
    if (!b.ruleId && !b.source && !b.ciId && !b.deviceId) errors.push({ in: 'body', pointer: '', message: 'name at least one of ruleId, source, ciId, deviceId: a rule that matches everything would hide every alert' })
    if (errors.length > 0) throw new ApiError('validation_failed', errors.map(e => `${e.in}${e.pointer}: ${e.message}`).join('; '), { extra: { errors } })
    const tenantId = tenantOf(request)
    const rule: SuppressionRow = {
      id: randomUUID(), rule_id: b.ruleId ?? null, source: b.source ?? null, ci_id: b.ciId ?? null, device_id: b.deviceId ?? null,
      reason: b.reason, expires_at: expires, created_by: actorOf(request), created_at: now
    }
    const suppressed = await request.withTenant(async trx => {
      await trx('security_suppressions').insert({ ...rule, tenant_id: tenantId })
      await ctx.audit.record({ tenantId, action: 'security.suppression_created', actor: request.auth!.userId, target: rule.id, requestId: request.id, details: { reason: rule.reason, expiresAt: expires.toISOString() } }, trx)
      const candidates = await trx('security_alerts').select('*').whereIn('state', ['open', 'acknowledged'])
        .modify(q => { if (rule.rule_id) q.where('rule_id', rule.rule_id); if (rule.source) q.where('source', rule.source); if (rule.ci_id) q.where('ci_id', rule.ci_id); if (rule.device_id) q.where('device_id', rule.device_id) }) as AlertRow[]
      const hit = candidates.filter(a => covers(rule, a, now)).map(a => a.id)
      for (let i = 0; i < hit.length; i += 1000) {
        await trx('security_alerts').whereIn('id', hit.slice(i, i + 1000)).update({ state: 'suppressed', suppression_id: rule.id, state_changed_at: now, state_changed_by: `suppression ${rule.id}` })
      }
      if (hit.length > 0) {
        await ctx.events.publishMany(trx, 'security.alert_cleared', hit.map(alertId => ({ subject: alertId, payload: { alertId, state: 'suppressed', by: rule.created_by } })))
        live.afterCommit(trx, tenantId, 'alerts.changed', { updated: hit.length, ids: hit.slice(0, 100) })
      }
      return hit.length
    })
    reply.code(201)
    return { rule: presentSuppression(rule, now), suppressed }
  })

  app.delete('/api/v1/security/suppressions/:id', {
    config: { permission: 'security.admin' },
    schema: { summary: 'End a suppression rule now (its alerts open again on their next occurrence)', params: uuidParam, response: { 200: suppressionOut } }
  }, async request => {
    const { id } = request.params as { id: string }
    const now = ctx.clock.now()
    const row = await request.withTenant(async trx => {
      const [r] = await trx('security_suppressions').where({ id }).update({ expires_at: now }).returning('*') as SuppressionRow[]
      return r
    })
    if (!row) throw notFound('suppression rule', id)
    return presentSuppression(row, now)
  })
}
