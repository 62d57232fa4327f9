import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError, pageOf, type PluginContext, type TenantUser, type Transaction } from '@monozu/kernel'
import { actorOf, dateTime, forbidden, invalid, iso, notFound, nullableUuid, tenantOf, uuid, uuidParam, type Actor } from '../http.ts'
import { validateLinks, impactOf, namedLinks } from '../links.ts'
import { STATUSES, TYPES, type Links, type Status, type TicketType } from './model.ts'
import { namesOf, present, ticketSchema } from './present.ts'
import { listTickets, SORTS, type Filters, type Sort } from './query.ts'
import { addMessage, afterCommit, changeTicket, type TicketChanges, type Who } from './service.ts'
import { fetchTicket, insertTicket, type TicketRow } from './store.ts'

const idList = { type: 'array', maxItems: 50, uniqueItems: true, items: uuid } as const
const links = { type: 'object', additionalProperties: false, properties: { cis: idList, devices: idList, findings: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } } } } as const
const level = { type: 'integer', minimum: 1, maximum: 3 } as const
const AGENT_FIELDS = ['assigneeId', 'groupId', 'links', 'approvers', 'requesterId'] as const

export const whoOf = (a: Actor): Who => ({ id: a.id, name: a.name, kind: a.agent ? 'agent' : 'requester' })

/** The ticket as the caller may see it: a requester's view of someone else's ticket is a 404. */
export async function visibleTicket (trx: Transaction, request: FastifyRequest, id: string, forUpdate = false): Promise<TicketRow> {
  const actor = actorOf(request)
  const t = await fetchTicket(trx, id, forUpdate)
  if (!t || (!actor.agent && t.requester_id !== actor.id)) throw notFound('ticket', id)
  return t
}

const messageSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, ticketId: { type: 'string' }, visibility: { type: 'string' }, authorKind: { type: 'string' }, authorId: { type: ['string', 'null'] }, authorName: { type: ['string', 'null'] }, body: { type: 'string' }, createdAt: { type: 'string' } }
} as const
const attachmentSchema = { type: 'object', properties: { id: { type: 'string' }, ticketId: { type: 'string' }, messageId: nullableUuid, visibility: { type: 'string' }, filename: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' }, createdAt: { type: 'string' } } } as const

export function ticketRoutes (ctx: PluginContext, app: FastifyInstance, opts: { maxAttachmentBytes: number }): void {
  app.get('/api/v1/itsm/agents', {
    config: { permission: 'itsm.agent' },
    schema: {
      summary: 'Who tickets can be assigned to: active users holding itsm.agent (tenant admins, itsm-agent, itsm-manager), by name',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } } } } } } }
    }
  }, async request => ({
    items: (await request.withTenant(trx => ctx.tenants.users(trx, { permission: 'itsm.agent', limit: 500 }))).map(({ id, name, email }) => ({ id, name, email }))
  }))

  app.get('/api/v1/itsm/tickets', {
    config: { permission: 'itsm.request' },
    schema: {
      summary: 'The queue: filter, full-text search (q), sort, paginate; requesters see their own tickets only',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 },
          status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$` },
          type: { type: 'string', pattern: `^(${TYPES.join('|')})(,(${TYPES.join('|')}))*$` },
          priority: { type: 'string', pattern: '^[1-5](,[1-5])*$' },
          assigneeId: uuid, groupId: uuid, requesterId: uuid, category: { type: 'string', maxLength: 100 },
          unassigned: { type: 'boolean' }, breached: { type: 'boolean' }, q: { type: 'string', minLength: 1, maxLength: 200 },
          sort: { enum: SORTS, default: 'due' }, view: uuid
        }
      },
      response: { 200: pageOf(ticketSchema) }
    }
  }, async request => {
    const query = request.query as Record<string, unknown> & { limit: number, cursor?: string, sort: Sort, view?: string }
    const actor = actorOf(request)
    return request.withTenant(async trx => {
      let filters: Filters = {}
      let sort = query.sort
      if (query.view) {
        const view = await trx('itsm_views').where({ id: query.view }).first()
        if (!view || (!view.shared && view.owner_id !== actor.id)) throw notFound('view', query.view)
        filters = typeof view.filters === 'string' ? JSON.parse(view.filters) : view.filters
        sort = view.sort
      }
      const split = (v: unknown) => typeof v === 'string' ? v.split(',') : undefined
      filters = {
        ...filters,
        ...(query.status ? { status: split(query.status) } : {}), ...(query.type ? { type: split(query.type) } : {}),
        ...(query.priority ? { priority: split(query.priority)!.map(Number) } : {}),
        ...Object.fromEntries((['assigneeId', 'groupId', 'requesterId', 'category', 'unassigned', 'breached', 'q'] as const).filter(k => query[k] !== undefined).map(k => [k, query[k]]))
      }
      const { items, nextCursor } = await listTickets(trx, filters, sort, query.limit, query.cursor, { requesterId: actor.agent ? null : actor.id })
      const names = await namesOf(ctx, trx, items)
      return { items: items.map(t => present(t, actor.agent, names)), nextCursor }
    })
  })

  app.post('/api/v1/itsm/tickets', {
    config: { permission: 'itsm.request' },
    schema: {
      summary: 'Open a ticket: { type, title, description, ... } → 201 { id, number, ... }',
      body: {
        type: 'object', additionalProperties: false, required: ['type', 'title'],
        properties: {
          type: { enum: TYPES }, title: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 100_000, default: '' },
          category: { type: ['string', 'null'], maxLength: 100 }, impact: { ...level, default: 3 }, urgency: { ...level, default: 3 },
          assigneeId: nullableUuid, groupId: nullableUuid, links, approvers: { type: 'array', maxItems: 20, uniqueItems: true, items: uuid }, requesterId: uuid
        }
      },
      response: { 201: ticketSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { type: TicketType, title: string, description: string, category?: string | null, impact: number, urgency: number, assigneeId?: string | null, groupId?: string | null, links?: Partial<Links>, approvers?: string[], requesterId?: string }
    const actor = actorOf(request)
    if (!actor.agent) {
      const extra = AGENT_FIELDS.filter(f => body[f] !== undefined)
      if (extra.length) throw forbidden(`Only agents set ${extra.join(', ')}`)
      if (body.type !== 'incident' && body.type !== 'request') throw forbidden('Requesters open incidents and service requests')
    }
    if (body.approvers?.length && body.type !== 'change') throw invalid('/approvers', 'only changes have approvers')
    const tenantId = tenantOf(request)
    const ticket = await request.withTenant(async trx => {
      const l: Links = { cis: body.links?.cis ?? [], devices: body.links?.devices ?? [], findings: body.links?.findings ?? [] }
      await validateLinks(ctx, trx, l)
      const people = await checkPeople(ctx, trx, body)
      const requester = body.requesterId ? people.get(body.requesterId)! : undefined
      const t = await insertTicket(trx, tenantId, {
        type: body.type, title: body.title, description: body.description, category: body.category ?? null, impact: body.impact, urgency: body.urgency,
        requester: requester ? { id: requester.id, name: requester.name, email: requester.email } : { id: actor.id, name: actor.name, email: actor.email },
        assigneeId: body.assigneeId ?? null, groupId: body.groupId ?? null, source: 'web', links: l, approvers: body.approvers ?? []
      }, ctx.clock.now())
      await ctx.events.publish(trx, 'itsm.ticket_changed', { ticketId: t.id, number: t.number, change: 'created', status: t.status }, { subject: t.id })
      if (t.assignee_id && t.assignee_id !== actor.id) await ctx.notify({ tenantId, type: 'itsm.assigned', to: { users: [t.assignee_id] }, title: { en: `${t.number} assigned to you`, pl: `Przypisano Ci ${t.number}` }, body: { en: t.title, pl: t.title }, link: `/itsm/tickets/${t.id}` }, trx)
      if (body.approvers?.length) await ctx.notify({ tenantId, type: 'itsm.approval', to: { users: body.approvers }, title: { en: `${t.number} awaits your approval`, pl: `${t.number} czeka na Twoją akceptację` }, body: { en: t.title, pl: t.title }, link: `/itsm/tickets/${t.id}` }, trx)
      afterCommit(ctx, trx, tenantId, 'ticket.created', { id: t.id, number: t.number, status: t.status })
      return { t, names: await namesOf(ctx, trx, [t]) }
    })
    request.log.info({ ticket: ticket.t.number, type: ticket.t.type }, 'itsm: ticket created')
    return reply.code(201).send(present(ticket.t, actor.agent, ticket.names))
  })

  app.get('/api/v1/itsm/tickets/:id', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'One ticket with its SLA clocks and their explanations', params: uuidParam, response: { 200: ticketSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const t = await visibleTicket(trx, request, id)
      return present(t, actorOf(request).agent, await namesOf(ctx, trx, [t]))
    })
  })

  app.patch('/api/v1/itsm/tickets/:id', {
    config: { permission: 'itsm.request' },
    schema: {
      summary: 'Change a ticket (agents); requesters may only reopen (status open) or close their resolved ticket. If-Match: the version',
      params: uuidParam,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 100_000 },
          status: { enum: STATUSES }, pendingReason: { type: ['string', 'null'], maxLength: 500 }, reason: { type: 'string', maxLength: 500 },
          assigneeId: nullableUuid, groupId: nullableUuid, category: { type: ['string', 'null'], maxLength: 100 }, impact: level, urgency: level, links
        }
      },
      response: { 200: ticketSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as TicketChanges & { reason?: string, links?: Partial<Links> }
    const actor = actorOf(request)
    const tenantId = tenantOf(request)
    const t = await request.withTenant(async trx => {
      const before = await visibleTicket(trx, request, id, true)
      const ifMatch = request.headers['if-match']
      if (typeof ifMatch === 'string' && Number(ifMatch.replace(/\D/g, '')) !== before.version) throw new ApiError('conflict', `${before.number} changed since version ${ifMatch} (now ${before.version}); reload it`)
      if (!actor.agent) {
        const keys = Object.keys(body).filter(k => k !== 'status' && k !== 'reason')
        if (keys.length || !(body.status === 'closed' || body.status === 'open') || before.status !== 'resolved') throw forbidden('Requesters may only reopen or close their own resolved ticket')
      }
      const changes: TicketChanges = { ...body } as TicketChanges
      if (body.links) {
        const current = (typeof before.links === "string" ? JSON.parse(before.links) : before.links) as Links
        changes.links = Object.assign({}, current, body.links) as Links
        await validateLinks(ctx, trx, changes.links as Links)
      }
      await checkPeople(ctx, trx, body)
      const after = await changeTicket(ctx, trx, tenantId, before, changes, whoOf(actor), body.reason ?? null)
      return { after, names: await namesOf(ctx, trx, [after]) }
    })
    return present(t.after, actor.agent, t.names)
  })

  app.get('/api/v1/itsm/tickets/:id/transitions', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'The recorded workflow transitions of a ticket', params: uuidParam, response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { from: { type: ['string', 'null'] }, to: { type: 'string' }, reason: { type: ['string', 'null'] }, actorId: { type: 'string' }, actorName: { type: ['string', 'null'] }, at: { type: 'string' } } } } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    const rows = await request.withTenant(async trx => { await visibleTicket(trx, request, id); return trx('itsm_transitions').where({ ticket_id: id }).orderBy('seq') })
    return { items: rows.map(r => ({ from: r.from_status, to: r.to_status, reason: r.reason, actorId: r.actor_id, actorName: r.actor_name, at: iso(r.at) })) }
  })

  app.get('/api/v1/itsm/tickets/:id/messages', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'The conversation, oldest first; requesters never see internal notes', params: uuidParam, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 } } }, response: { 200: { type: 'object', properties: { items: { type: 'array', items: messageSchema } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    const { limit } = request.query as { limit: number }
    const actor = actorOf(request)
    const rows = await request.withTenant(async trx => {
      await visibleTicket(trx, request, id)
      const q = trx('itsm_messages').where({ ticket_id: id })
      if (!actor.agent) q.where('visibility', 'public')
      return q.orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(limit)
    })
    return { items: rows.map(presentMessage) }
  })

  app.post('/api/v1/itsm/tickets/:id/messages', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'A public reply or (agents) an internal note; a requester\'s reply reopens a pending or resolved ticket', params: uuidParam, body: { type: 'object', additionalProperties: false, required: ['body'], properties: { body: { type: 'string', minLength: 1, maxLength: 100_000 }, visibility: { enum: ['public', 'internal'], default: 'public' } } }, response: { 201: messageSchema } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = request.body as { body: string, visibility: 'public' | 'internal' }
    const actor = actorOf(request)
    if (!actor.agent && body.visibility === 'internal') throw forbidden('Only agents write internal notes')
    const tenantId = tenantOf(request)
    const row = await request.withTenant(async trx => {
      const t = await visibleTicket(trx, request, id, true)
      if (t.status === 'closed') throw new ApiError('invalid_state', `${t.number} is closed; open a new ticket`)
      const { id: messageId } = await addMessage(ctx, trx, tenantId, t, body, whoOf(actor))
      return trx('itsm_messages').where({ id: messageId }).first()
    })
    return reply.code(201).send(presentMessage(row))
  })

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: opts.maxAttachmentBytes }, (_req, body, done) => done(null, body))
  app.post('/api/v1/itsm/tickets/:id/attachments', {
    config: { permission: 'itsm.request' },
    bodyLimit: opts.maxAttachmentBytes,
    schema: { summary: 'Attach a file: the raw bytes as application/octet-stream, ?filename=&contentType=&visibility=', params: uuidParam, querystring: { type: 'object', additionalProperties: false, required: ['filename'], properties: { filename: { type: 'string', minLength: 1, maxLength: 255 }, contentType: { type: 'string', pattern: '^[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+$', maxLength: 100, default: 'application/octet-stream' }, visibility: { enum: ['public', 'internal'], default: 'public' } } }, response: { 201: attachmentSchema } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const q = request.query as { filename: string, contentType: string, visibility: 'public' | 'internal' }
    const actor = actorOf(request)
    if (!actor.agent && q.visibility === 'internal') throw forbidden('Only agents attach internal files')
    const data = request.body
    if (!Buffer.isBuffer(data) || data.length === 0) throw invalid('', 'send the file as application/octet-stream', 'type')
    const row = await request.withTenant(async trx => {
      const t = await visibleTicket(trx, request, id)
      return storeAttachment(ctx, trx, tenantOf(request), t.id, null, { filename: q.filename, contentType: q.contentType, visibility: q.visibility, data }, actor.id)
    })
    return reply.code(201).send(presentAttachment(row))
  })

  app.get('/api/v1/itsm/tickets/:id/attachments', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'A ticket\'s attachments (requesters: public ones)', params: uuidParam, response: { 200: { type: 'object', properties: { items: { type: 'array', items: attachmentSchema } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    const actor = actorOf(request)
    const rows = await request.withTenant(async trx => {
      await visibleTicket(trx, request, id)
      const q = trx('itsm_attachments').where({ ticket_id: id }).select('id', 'ticket_id', 'message_id', 'visibility', 'filename', 'content_type', 'size', 'created_at')
      if (!actor.agent) q.where('visibility', 'public')
      return q.orderBy('created_at')
    })
    return { items: rows.map(presentAttachment) }
  })

  app.get('/api/v1/itsm/tickets/:id/attachments/:attachmentId', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'Download an attachment (always Content-Disposition: attachment, nosniff)', params: { type: 'object', additionalProperties: false, required: ['id', 'attachmentId'], properties: { id: uuid, attachmentId: uuid } } }
  }, async (request, reply) => {
    const { id, attachmentId } = request.params as { id: string, attachmentId: string }
    const actor = actorOf(request)
    const row = await request.withTenant(async trx => {
      await visibleTicket(trx, request, id)
      const q = trx('itsm_attachments').where({ ticket_id: id, id: attachmentId })
      if (!actor.agent) q.where('visibility', 'public')
      return q.first()
    })
    if (!row) throw notFound('attachment', attachmentId)
    const ascii = String(row.filename).replace(/[^\x20-\x7e]|["\\]/g, '_')
    reply.header('content-type', 'application/octet-stream')
    reply.header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('content-security-policy', "default-src 'none'; sandbox")
    reply.header('cache-control', 'private, no-store')
    return reply.send(Buffer.from(row.data))
  })

  app.get('/api/v1/itsm/tickets/:id/approvals', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'A change\'s approvers and their decisions', params: uuidParam, response: { 200: { type: 'object', properties: { approval: { type: 'string' }, approvals: { type: 'array', items: { type: 'object', properties: { approverId: { type: 'string' }, state: { type: 'string' }, comment: { type: ['string', 'null'] }, decidedAt: dateTime } } } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    const actor = actorOf(request)
    return request.withTenant(async trx => {
      const t = await fetchTicket(trx, id)
      const all = t ? await trx('itsm_approvals').where({ ticket_id: id }).orderBy('approver_id') : []
      if (!t || (!actor.agent && t.requester_id !== actor.id && !all.some(a => a.approver_id === actor.id))) throw notFound('ticket', id)
      return { approval: t.approval, approvals: all.map(a => ({ approverId: a.approver_id, state: a.state, comment: a.comment, decidedAt: iso(a.decided_at) })) }
    })
  })

  app.post('/api/v1/itsm/tickets/:id/approvals', {
    config: { permission: 'itsm.request' },
    schema: { summary: 'An approver approves or rejects a change; all approvals → approved, one rejection → rejected', params: uuidParam, body: { type: 'object', additionalProperties: false, required: ['decision'], properties: { decision: { enum: ['approve', 'reject'] }, comment: { type: 'string', maxLength: 500 } } }, response: { 200: { type: 'object', properties: { approval: { type: 'string' }, approvals: { type: 'array', items: { type: 'object', properties: { approverId: { type: 'string' }, state: { type: 'string' }, comment: { type: ['string', 'null'] }, decidedAt: dateTime } } } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { decision: 'approve' | 'reject', comment?: string }
    const actor = actorOf(request)
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => {
      const t = await fetchTicket(trx, id, true)
      const mine = t ? await trx('itsm_approvals').where({ ticket_id: id, approver_id: actor.id }).first() : undefined
      if (!t || (!mine && !actor.agent && t.requester_id !== actor.id)) throw notFound('ticket', id)
      if (!mine) throw forbidden(`You are not an approver of ${t.number}`)
      if (t.approval !== 'pending') throw new ApiError('invalid_state', `${t.number} is already ${t.approval}`)
      await trx('itsm_approvals').where({ ticket_id: id, approver_id: actor.id }).update({ state: body.decision === 'approve' ? 'approved' : 'rejected', comment: body.comment ?? null, decided_at: ctx.clock.now() })
      const all = await trx('itsm_approvals').where({ ticket_id: id })
      const approval = all.some(a => a.state === 'rejected') ? 'rejected' : all.every(a => a.state === 'approved') ? 'approved' : 'pending'
      if (approval !== t.approval) await changeTicket(ctx, trx, tenantId, t, { approval }, whoOf(actor), `approval ${approval}`)
      await trx('itsm_transitions').insert({ tenant_id: tenantId, ticket_id: id, from_status: t.status, to_status: t.status, reason: `${body.decision === 'approve' ? 'approved' : 'rejected'} by ${actor.name}${body.comment ? `: ${body.comment}` : ''}`, actor_id: actor.id, actor_name: actor.name, at: ctx.clock.now() })
      return { approval, approvals: all.map(a => ({ approverId: a.approver_id, state: a.state, comment: a.comment, decidedAt: iso(a.decided_at) })) }
    })
  })

  app.get('/api/v1/itsm/tickets/:id/impact', {
    config: { permission: 'itsm.agent' },
    schema: { summary: 'What depends on the ticket\'s linked CIs (the CMDB impact view)', params: uuidParam, response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { root: { type: 'string' }, name: { type: ['string', 'null'] }, truncated: { type: 'boolean' }, nodes: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, class: { type: 'string' }, depth: { type: 'integer' } } } } } } } } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const t = await visibleTicket(trx, request, id)
      const l = typeof t.links === 'string' ? JSON.parse(t.links) : t.links
      return { items: await impactOf(ctx, trx, l.cis) }
    })
  })

  const namedLink = { type: 'object', properties: { id: { type: 'string' }, found: { type: 'boolean' }, name: { type: ['string', 'null'] }, kind: { type: ['string', 'null'] }, status: { type: ['string', 'null'] } } } as const
  const namedList = { type: 'array', items: namedLink } as const
  app.get('/api/v1/itsm/tickets/:id/links', {
    config: { permission: 'itsm.agent' },
    schema: { summary: 'The ticket\'s linked CIs, devices and security findings with their current names (through the cmdb, devices and security services)', params: uuidParam, response: { 200: { type: 'object', properties: { cis: namedList, devices: namedList, findings: namedList } } } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const t = await visibleTicket(trx, request, id)
      return namedLinks(ctx, trx, (typeof t.links === 'string' ? JSON.parse(t.links) : t.links) as Links)
    })
  })

  app.post('/api/v1/itsm/tickets/:id/presence', {
    config: { permission: 'itsm.agent' },
    schema: { summary: 'Heartbeat of an agent viewing a ticket (every ~20 s); others see it live on channel itsm as `presence`', params: uuidParam, body: { type: ['object', 'null'], additionalProperties: false, properties: { leaving: { type: 'boolean' } } }, response: { 204: { type: 'null' } } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const actor = actorOf(request)
    await request.withTenant(trx => visibleTicket(trx, request, id))
    const leaving = Boolean((request.body as { leaving?: boolean } | null)?.leaving)
    await ctx.channels.publish(tenantOf(request), 'itsm', 'presence', { ticketId: id, userId: actor.id, name: actor.name, leaving, at: ctx.clock.now().toISOString(), ttlSeconds: 45 })
    return reply.code(204).send()
  })
}

/**
 * Groups are ours; people are the kernel's (ctx.tenants.users): an assignee is an active user
 * holding itsm.agent, a requester or an approver an active user of this tenant. Returns them by id.
 */
async function checkPeople (ctx: PluginContext, trx: Transaction, body: { groupId?: string | null, assigneeId?: string | null, requesterId?: string, approvers?: string[] }): Promise<Map<string, TenantUser>> {
  if (body.groupId) {
    const g = await trx('itsm_groups').where({ id: body.groupId }).first('id')
    if (!g) throw invalid('/groupId', `no group ${body.groupId}`, 'not_found')
  }
  const found = new Map<string, TenantUser>()
  if (body.assigneeId) {
    const [agent] = await ctx.tenants.users(trx, { ids: [body.assigneeId], permission: 'itsm.agent' })
    if (!agent) throw invalid('/assigneeId', `no agent ${body.assigneeId} in this tenant (an assignee is an active user holding itsm.agent)`, 'not_found')
    found.set(agent.id, agent)
  }
  const others = [...(body.requesterId ? [body.requesterId] : []), ...(body.approvers ?? [])]
  if (others.length > 0) {
    for (const u of await ctx.tenants.users(trx, { ids: others, limit: 500 })) found.set(u.id, u)
    if (body.requesterId && !found.has(body.requesterId)) throw invalid('/requesterId', `no active user ${body.requesterId} in this tenant`, 'not_found')
    const missing = (body.approvers ?? []).findIndex(id => !found.has(id))
    if (missing >= 0) throw invalid(`/approvers/${missing}`, `no active user ${body.approvers![missing]} in this tenant`, 'not_found')
  }
  return found
}

export function presentMessage (r: Record<string, any>) {
  return { id: r.id, ticketId: r.ticket_id, visibility: r.visibility, authorKind: r.author_kind, authorId: r.author_id, authorName: r.author_name, body: r.body, createdAt: iso(r.created_at)! }
}
function presentAttachment (r: Record<string, any>) {
  return { id: r.id, ticketId: r.ticket_id, messageId: r.message_id, visibility: r.visibility, filename: r.filename, contentType: r.content_type, size: Number(r.size), createdAt: iso(r.created_at)! }
}

export async function storeAttachment (ctx: PluginContext, trx: Transaction, tenantId: string, ticketId: string, messageId: string | null, file: { filename: string, contentType: string, visibility: 'public' | 'internal', data: Buffer }, by: string | null) {
  const row = { tenant_id: tenantId, id: randomUUID(), ticket_id: ticketId, message_id: messageId, visibility: file.visibility, filename: file.filename.slice(0, 255), content_type: file.contentType.slice(0, 100), size: file.data.length, data: file.data, uploaded_by: by, created_at: ctx.clock.now() }
  await trx('itsm_attachments').insert(row)
  return row
}
export type { Status }
