import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '@monozu/kernel'
import { actorOf, invalid, iso, notFound, nullableUuid, tenantOf, uuid, uuidParam } from '../http.ts'
import { calendarProblems, WEEKDAYS, type Calendar } from '../sla/calendar.ts'
import { defaultPriority, TYPES } from '../tickets/model.ts'
import { SORTS } from '../tickets/query.ts'

const list = (item: object) => ({ type: 'object', properties: { items: { type: 'array', items: item } } })
const hours = { type: 'object', additionalProperties: false, properties: Object.fromEntries(WEEKDAYS.map(d => [d, { type: 'array', maxItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' } } }])) }
const groupSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: ['string', 'null'] }, members: { type: 'array', items: { type: 'string' } } } }
const calendarSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, timeZone: { type: 'string' }, hours, country: { type: ['string', 'null'] }, region: { type: ['string', 'null'] }, holidays: { type: 'array', items: { type: 'string' } } } }
const minutes = { type: ['integer', 'null'], minimum: 1, maximum: 525_600 }
const policyBody = {
  type: 'object', additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 }, position: { type: 'integer', minimum: 0, maximum: 10_000 }, enabled: { type: 'boolean' },
    match: { type: 'object', additionalProperties: false, properties: { types: { type: 'array', uniqueItems: true, items: { enum: TYPES } }, priorities: { type: 'array', uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 5 } }, categories: { type: 'array', uniqueItems: true, maxItems: 50, items: { type: 'string', maxLength: 100 } } } },
    calendarId: nullableUuid, firstResponseMinutes: minutes, nextUpdateMinutes: minutes, resolutionMinutes: minutes, warnAt: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }
  }
}
const policySchema = { type: 'object', properties: { ...policyBody.properties, id: { type: 'string' }, calendarId: { type: ['string', 'null'] }, match: { type: 'object', additionalProperties: true } } }
const viewBody = { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, shared: { type: 'boolean' }, sort: { enum: SORTS }, filters: { type: 'object', additionalProperties: false, properties: { status: { type: 'array', items: { type: 'string' } }, type: { type: 'array', items: { type: 'string' } }, priority: { type: 'array', items: { type: 'integer' } }, assigneeId: uuid, groupId: uuid, category: { type: 'string' }, q: { type: 'string', maxLength: 200 }, breached: { type: 'boolean' }, unassigned: { type: 'boolean' } } } } }
const viewSchema = { type: 'object', properties: { id: { type: 'string' }, ownerId: { type: 'string' }, name: { type: 'string' }, shared: { type: 'boolean' }, sort: { type: 'string' }, filters: { type: 'object', additionalProperties: true } } }
/** After a policy or calendar change, open tickets re-evaluate their clocks on the next sweep (within 30 s). */
const recheck = (trx: any, now: Date) => trx('itsm_tickets').whereNotIn('status', ['resolved', 'closed']).update({ sla_next_check: now })
const js = (v: unknown) => typeof v === 'string' ? JSON.parse(v) : v

const presentGroup = (r: any) => ({ id: r.id, name: r.name, email: r.email, members: js(r.members) })
const presentCalendar = (r: any) => ({ id: r.id, name: r.name, timeZone: r.time_zone, hours: js(r.hours), country: r.country, region: r.region, holidays: js(r.holidays) })
const presentPolicy = (r: any) => ({ id: r.id, name: r.name, position: r.position, enabled: r.enabled, match: js(r.match), calendarId: r.calendar_id, firstResponseMinutes: r.first_response_minutes, nextUpdateMinutes: r.next_update_minutes, resolutionMinutes: r.resolution_minutes, warnAt: Number(r.warn_at) })
const presentView = (r: any) => ({ id: r.id, ownerId: r.owner_id, name: r.name, shared: r.shared, sort: r.sort, filters: js(r.filters) })

/** Groups, priority matrix, calendars, SLA policies, settings (itsm.admin) and saved views (itsm.agent). */
export function adminRoutes (ctx: PluginContext, app: FastifyInstance): void {
  // ---- groups
  app.get('/api/v1/itsm/groups', { config: { permission: 'itsm.request' }, schema: { summary: 'Support groups', response: { 200: list(groupSchema) } } }, async request => ({ items: (await request.withTenant(trx => trx('itsm_groups').orderBy('name_key'))).map(presentGroup) }))
  const groupBody = { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, email: { type: ['string', 'null'], format: 'email', maxLength: 254 }, members: { type: 'array', maxItems: 500, uniqueItems: true, items: uuid } } }
  app.post('/api/v1/itsm/groups', { config: { permission: 'itsm.admin' }, schema: { summary: 'Create a group', body: { ...groupBody, required: ['name'] }, response: { 201: groupSchema } } }, async (request, reply) => {
    const b = request.body as { name: string, email?: string | null, members?: string[] }
    const row = { tenant_id: tenantOf(request), id: randomUUID(), name: b.name, name_key: b.name.toLowerCase(), email: b.email ?? null, members: JSON.stringify(b.members ?? []), created_at: ctx.clock.now() }
    await request.withTenant(async trx => {
      if (await trx('itsm_groups').where({ name_key: row.name_key }).first('id')) throw invalid('/name', `a group named ${b.name} exists`, 'unique')
      await trx('itsm_groups').insert(row)
    })
    return reply.code(201).send(presentGroup(row))
  })
  app.patch('/api/v1/itsm/groups/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Change a group', params: uuidParam, body: { ...groupBody, minProperties: 1 }, response: { 200: groupSchema } } }, async request => {
    const { id } = request.params as { id: string }
    const b = request.body as { name?: string, email?: string | null, members?: string[] }
    return request.withTenant(async trx => {
      const n = await trx('itsm_groups').where({ id }).update({ ...(b.name ? { name: b.name, name_key: b.name.toLowerCase() } : {}), ...(b.email !== undefined ? { email: b.email } : {}), ...(b.members ? { members: JSON.stringify(b.members) } : {}) })
      if (!n) throw notFound('group', id)
      return presentGroup(await trx('itsm_groups').where({ id }).first())
    })
  })
  app.delete('/api/v1/itsm/groups/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Delete a group (its tickets keep no group)', params: uuidParam } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => {
      if (!await trx('itsm_groups').where({ id }).del()) throw notFound('group', id)
      await trx('itsm_tickets').where({ group_id: id }).update({ group_id: null })
    })
    return reply.code(204).send()
  })

  // ---- priority matrix
  const matrixSchema = { type: 'object', properties: { cells: { type: 'array', items: { type: 'object', properties: { impact: { type: 'integer' }, urgency: { type: 'integer' }, priority: { type: 'integer' } } } } } }
  const readMatrix = async (trx: any) => {
    const rows: any[] = await trx('itsm_priority_matrix')
    const cells = []
    for (let impact = 1; impact <= 3; impact++) for (let urgency = 1; urgency <= 3; urgency++) cells.push({ impact, urgency, priority: Number(rows.find(r => r.impact === impact && r.urgency === urgency)?.priority ?? defaultPriority(impact, urgency)) })
    return { cells }
  }
  app.get('/api/v1/itsm/priority-matrix', { config: { permission: 'itsm.request' }, schema: { summary: 'Impact × urgency → priority (1 = high)', response: { 200: matrixSchema } } }, async request => request.withTenant(readMatrix))
  app.put('/api/v1/itsm/priority-matrix', { config: { permission: 'itsm.admin' }, schema: { summary: 'Replace cells of the matrix (new tickets and re-prioritised ones use it)', body: { type: 'object', additionalProperties: false, required: ['cells'], properties: { cells: { type: 'array', minItems: 1, maxItems: 9, items: { type: 'object', additionalProperties: false, required: ['impact', 'urgency', 'priority'], properties: { impact: { type: 'integer', minimum: 1, maximum: 3 }, urgency: { type: 'integer', minimum: 1, maximum: 3 }, priority: { type: 'integer', minimum: 1, maximum: 5 } } } } } }, response: { 200: matrixSchema } } }, async request => {
    const { cells } = request.body as { cells: Array<{ impact: number, urgency: number, priority: number }> }
    return request.withTenant(async trx => {
      await trx('itsm_priority_matrix').insert(cells.map(c => ({ tenant_id: tenantOf(request), ...c }))).onConflict(['tenant_id', 'impact', 'urgency']).merge(['priority'])
      return readMatrix(trx)
    })
  })

  // ---- calendars
  const calendarBody = { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, timeZone: { type: 'string', minLength: 1, maxLength: 64 }, hours, country: { type: ['string', 'null'], pattern: '^[A-Z]{2}$' }, region: { type: ['string', 'null'], maxLength: 10 }, holidays: { type: 'array', maxItems: 366, uniqueItems: true, items: { type: 'string', format: 'date' } } } }
  const checkCalendar = (c: Calendar) => { const p = calendarProblems(c); if (p.length) throw invalid(p[0]!.pointer, p[0]!.message) }
  app.get('/api/v1/itsm/calendars', { config: { permission: 'itsm.agent' }, schema: { summary: 'Business calendars', response: { 200: list(calendarSchema) } } }, async request => ({ items: (await request.withTenant(trx => trx('itsm_calendars').orderBy('name'))).map(presentCalendar) }))
  app.post('/api/v1/itsm/calendars', { config: { permission: 'itsm.admin' }, schema: { summary: 'Create a calendar: time zone, hours per weekday, holidays of a country plus custom dates', body: { ...calendarBody, required: ['name', 'timeZone', 'hours'] }, response: { 201: calendarSchema } } }, async (request, reply) => {
    const b = request.body as { name: string, timeZone: string, hours: Calendar['hours'], country?: string | null, region?: string | null, holidays?: string[] }
    checkCalendar({ timeZone: b.timeZone, hours: b.hours, country: b.country ?? null, region: b.region ?? null })
    const row = { tenant_id: tenantOf(request), id: randomUUID(), name: b.name, time_zone: b.timeZone, hours: JSON.stringify(b.hours), country: b.country ?? null, region: b.region ?? null, holidays: JSON.stringify(b.holidays ?? []), created_at: ctx.clock.now() }
    await request.withTenant(trx => trx('itsm_calendars').insert(row))
    return reply.code(201).send(presentCalendar(row))
  })
  app.patch('/api/v1/itsm/calendars/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Change a calendar (open tickets re-evaluate on their next change or sweep)', params: uuidParam, body: { ...calendarBody, minProperties: 1 }, response: { 200: calendarSchema } } }, async request => {
    const { id } = request.params as { id: string }
    const b = request.body as Record<string, any>
    return request.withTenant(async trx => {
      const cur = await trx('itsm_calendars').where({ id }).first()
      if (!cur) throw notFound('calendar', id)
      const next = { ...presentCalendar(cur), ...b }
      checkCalendar(next)
      await trx('itsm_calendars').where({ id }).update({ name: next.name, time_zone: next.timeZone, hours: JSON.stringify(next.hours), country: next.country, region: next.region, holidays: JSON.stringify(next.holidays) })
      await recheck(trx, ctx.clock.now())
      return presentCalendar(await trx('itsm_calendars').where({ id }).first())
    })
  })
  app.delete('/api/v1/itsm/calendars/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Delete a calendar no policy uses', params: uuidParam } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => {
      if (await trx('itsm_sla_policies').where({ calendar_id: id }).first('id')) throw invalid('/id', 'an SLA policy uses this calendar', 'in_use')
      if (!await trx('itsm_calendars').where({ id }).del()) throw notFound('calendar', id)
    })
    return reply.code(204).send()
  })

  // ---- SLA policies
  const policyRow = (b: any) => ({
    ...(b.name !== undefined ? { name: b.name } : {}), ...(b.position !== undefined ? { position: b.position } : {}), ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
    ...(b.match !== undefined ? { match: JSON.stringify(b.match) } : {}), ...(b.calendarId !== undefined ? { calendar_id: b.calendarId } : {}),
    ...(b.firstResponseMinutes !== undefined ? { first_response_minutes: b.firstResponseMinutes } : {}), ...(b.nextUpdateMinutes !== undefined ? { next_update_minutes: b.nextUpdateMinutes } : {}),
    ...(b.resolutionMinutes !== undefined ? { resolution_minutes: b.resolutionMinutes } : {}), ...(b.warnAt !== undefined ? { warn_at: b.warnAt } : {})
  })
  const checkCalendarRef = async (trx: any, id: string | null | undefined) => { if (id && !await trx('itsm_calendars').where({ id }).first('id')) throw invalid('/calendarId', `no calendar ${id}`, 'not_found') }
  app.get('/api/v1/itsm/sla-policies', { config: { permission: 'itsm.agent' }, schema: { summary: 'SLA policies, first match wins (by position)', response: { 200: list(policySchema) } } }, async request => ({ items: (await request.withTenant(trx => trx('itsm_sla_policies').orderBy([{ column: 'position' }, { column: 'created_at' }]))).map(presentPolicy) }))
  app.post('/api/v1/itsm/sla-policies', { config: { permission: 'itsm.admin' }, schema: { summary: 'Create an SLA policy', body: { ...policyBody, required: ['name'] }, response: { 201: policySchema } } }, async (request, reply) => {
    const b = request.body as any
    const row = { tenant_id: tenantOf(request), id: randomUUID(), match: '{}', warn_at: 0.8, position: 100, created_at: ctx.clock.now(), ...policyRow(b) }
    const out = await request.withTenant(async trx => { await checkCalendarRef(trx, b.calendarId); await trx('itsm_sla_policies').insert(row); await recheck(trx, ctx.clock.now()); return trx('itsm_sla_policies').where({ id: row.id }).first() })
    return reply.code(201).send(presentPolicy(out))
  })
  app.patch('/api/v1/itsm/sla-policies/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Change an SLA policy', params: uuidParam, body: { ...policyBody, minProperties: 1 }, response: { 200: policySchema } } }, async request => {
    const { id } = request.params as { id: string }
    const b = request.body as any
    return request.withTenant(async trx => {
      await checkCalendarRef(trx, b.calendarId)
      if (!await trx('itsm_sla_policies').where({ id }).update(policyRow(b))) throw notFound('SLA policy', id)
      await recheck(trx, ctx.clock.now())
      return presentPolicy(await trx('itsm_sla_policies').where({ id }).first())
    })
  })
  app.delete('/api/v1/itsm/sla-policies/:id', { config: { permission: 'itsm.admin' }, schema: { summary: 'Delete an SLA policy', params: uuidParam } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => { if (!await trx('itsm_sla_policies').where({ id }).del()) throw notFound('SLA policy', id); await recheck(trx, ctx.clock.now()) })
    return reply.code(204).send()
  })

  // ---- settings and the inbound email secret
  const settingsSchema = { type: 'object', properties: { autoCloseDays: { type: 'integer' }, inboundSecretHint: { type: ['string', 'null'] }, inboundSecret: { type: 'string', description: 'Only in the answer to POST /settings/inbound-secret' } } }
  const readSettings = async (trx: any) => { const s = await trx('itsm_settings').first(); return { autoCloseDays: s?.auto_close_days ?? 7, inboundSecretHint: s?.inbound_secret_hint ?? null } }
  app.get('/api/v1/itsm/settings', { config: { permission: 'itsm.admin' }, schema: { summary: 'Service desk settings', response: { 200: settingsSchema } } }, async request => request.withTenant(readSettings))
  app.patch('/api/v1/itsm/settings', { config: { permission: 'itsm.admin' }, schema: { summary: 'Change settings', body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { autoCloseDays: { type: 'integer', minimum: 0, maximum: 365 } } }, response: { 200: settingsSchema } } }, async request => {
    const b = request.body as { autoCloseDays: number }
    return request.withTenant(async trx => {
      await trx('itsm_settings').insert({ tenant_id: tenantOf(request), auto_close_days: b.autoCloseDays, updated_at: ctx.clock.now() }).onConflict(['tenant_id']).merge(['auto_close_days', 'updated_at'])
      return readSettings(trx)
    })
  })
  app.post('/api/v1/itsm/settings/inbound-secret', { config: { permission: 'itsm.admin' }, schema: { summary: 'Create (or rotate) the inbound email secret; shown once', response: { 200: settingsSchema } } }, async request => {
    const tenantId = tenantOf(request)
    const secret = `mzin_${tenantId.replace(/-/g, '')}_${randomBytes(24).toString('base64url')}`
    return request.withTenant(async trx => {
      await trx('itsm_settings').insert({ tenant_id: tenantId, inbound_secret_hash: createHash('sha256').update(secret).digest('hex'), inbound_secret_hint: secret.slice(-4), updated_at: ctx.clock.now() }).onConflict(['tenant_id']).merge(['inbound_secret_hash', 'inbound_secret_hint', 'updated_at'])
      request.log.info({ by: actorOf(request).id }, 'itsm: inbound email secret rotated')
      return { ...(await readSettings(trx)), inboundSecret: secret }
    })
  })

  // ---- saved views (agents): own views, and shared ones
  app.get('/api/v1/itsm/views', { config: { permission: 'itsm.agent' }, schema: { summary: 'My saved views and the shared ones', response: { 200: list(viewSchema) } } }, async request => {
    const me = actorOf(request).id
    return { items: (await request.withTenant(trx => trx('itsm_views').where(b => b.where({ owner_id: me }).orWhere({ shared: true })).orderBy('name'))).map(presentView) }
  })
  app.post('/api/v1/itsm/views', { config: { permission: 'itsm.agent' }, schema: { summary: 'Save a view: filters and sort of the queue', body: { ...viewBody, required: ['name'] }, response: { 201: viewSchema } } }, async (request, reply) => {
    const b = request.body as any
    const row = { tenant_id: tenantOf(request), id: randomUUID(), owner_id: actorOf(request).id, name: b.name, shared: b.shared ?? false, filters: JSON.stringify(b.filters ?? {}), sort: b.sort ?? 'due', created_at: ctx.clock.now() }
    await request.withTenant(trx => trx('itsm_views').insert(row))
    return reply.code(201).send(presentView(row))
  })
  app.patch('/api/v1/itsm/views/:id', { config: { permission: 'itsm.agent' }, schema: { summary: 'Change one of my views', params: uuidParam, body: { ...viewBody, minProperties: 1 }, response: { 200: viewSchema } } }, async request => {
    const { id } = request.params as { id: string }
    const b = request.body as any
    return request.withTenant(async trx => {
      const n = await trx('itsm_views').where({ id, owner_id: actorOf(request).id }).update({ ...(b.name ? { name: b.name } : {}), ...(b.shared !== undefined ? { shared: b.shared } : {}), ...(b.sort ? { sort: b.sort } : {}), ...(b.filters ? { filters: JSON.stringify(b.filters) } : {}) })
      if (!n) throw notFound('view', id)
      return presentView(await trx('itsm_views').where({ id }).first())
    })
  })
  app.delete('/api/v1/itsm/views/:id', { config: { permission: 'itsm.agent' }, schema: { summary: 'Delete one of my views', params: uuidParam } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => { if (!await trx('itsm_views').where({ id, owner_id: actorOf(request).id }).del()) throw notFound('view', id) })
    return reply.code(204).send()
  })
  void iso
}
