import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import { deliveryDetail, deliveryDetailSchema, deliverySchema, deliveryView, enqueueTest, type DeliveryRow } from './deliveries.ts'
import { endpointSchema, endpointView, type WebhookRow } from './endpoints.ts'
import type { Webhooks } from './service.ts'

const uuid = { type: 'string', format: 'uuid' } as const
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const
const deliveryParams = { type: 'object', required: ['id', 'deliveryId'], properties: { id: uuid, deliveryId: uuid } } as const
const eventTypesField = {
  type: 'array', minItems: 1, maxItems: 100, uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 200 },
  description: 'Event types to receive (GET /api/v1/webhooks/event-types), or ["*"] for all'
} as const
const fields = {
  url: { type: 'string', minLength: 1, maxLength: 2000, description: 'https URL that receives the POSTs (http only when OUTBOUND_ALLOW_PRIVATE=true)' },
  eventTypes: eventTypesField,
  description: { type: ['string', 'null'], maxLength: 500 },
  enabled: { type: 'boolean' }
} as const
const created = { type: 'object', properties: { ...endpointSchema.properties, secret: { type: 'string', description: 'Shown once: whsec_<base64>' } } } as const
const problem = (pointer: string, message: string, detail: string) =>
  new ApiError('validation_failed', `body${pointer}: ${detail}`, { extra: { errors: [{ in: 'body', pointer, message }] } })

const origin = (url: string) => new URL(url).origin
const actorOf = (request: FastifyRequest) => `user:${request.auth!.userId}`
const tenantOf = (request: FastifyRequest) => request.auth!.tenant!.id

/**
 * Tenant webhooks: a tenant admin (`webhooks.manage`) registers endpoints, reads their delivery
 * log and redelivers. Every read and write goes through the caller's tenant scope, so another
 * tenant's ids are simply not found.
 */
export function registerWebhookRoutes (app: FastifyInstance, deps: { webhooks: Webhooks, audit: AuditService, allowHttp: boolean }): void {
  const { webhooks, audit } = deps
  const config = { permission: 'webhooks.manage' }
  const tags = ['webhooks']

  /** The URL rule: absolute https (http too in development), no credentials, no fragment. */
  function checkUrl (raw: string): string {
    const url = URL.parse(raw)
    const https = deps.allowHttp ? 'an http or https URL' : 'an https URL'
    if (!url || !url.hostname) throw problem('/url', 'not an absolute URL', `must be ${https}`)
    if (url.protocol !== 'https:' && !(deps.allowHttp && url.protocol === 'http:')) throw problem('/url', 'unsupported scheme', `must be ${https}`)
    if (url.username || url.password) throw problem('/url', 'credentials in the URL', 'must not hold a user name or password')
    if (url.hash) throw problem('/url', 'fragment', 'must not have a #fragment')
    // Normalising (percent-encoding, punycode) can lengthen it past the column.
    if (url.href.length > 2000) throw problem('/url', 'too long', 'must be at most 2000 characters once normalised')
    return url.href
  }

  async function checkTypes (tenantId: string, types: string[]): Promise<void> {
    const known = new Set((await webhooks.eventTypes(tenantId)).map(t => t.type))
    types.forEach((type, i) => {
      if (type === '*' ? types.length > 1 : !known.has(type)) {
        throw problem(`/eventTypes/${i}`, type === '*' ? '"*" stands alone' : 'unknown event type', type === '*' ? '"*" takes every type and cannot be combined with others' : `"${type}" is not an event type of this tenant's modules (GET /api/v1/webhooks/event-types)`)
      }
    })
  }

  const findEndpoint = async (trx: Knex.Transaction, id: string): Promise<WebhookRow> => {
    const row = await webhooks.endpoints.get(trx, id)
    if (!row) throw new ApiError('not_found', `No webhook ${id}`)
    return row
  }

  app.get('/api/v1/webhooks/event-types', {
    config,
    schema: {
      tags, summary: 'Event types an endpoint can receive: those the tenant\'s modules publish (the whole list)',
      response: { 200: pageOf({ type: 'object', properties: { type: { type: 'string' }, description: { type: 'string' }, plugin: { type: 'string' } } }) }
    }
  }, async request => ({ items: await webhooks.eventTypes(tenantOf(request)), nextCursor: null }))

  app.post('/api/v1/webhooks', {
    config,
    schema: {
      tags, summary: 'Register an endpoint; the answer holds its signing secret, shown this once',
      body: { type: 'object', required: ['url', 'eventTypes'], properties: fields },
      response: { 201: created }
    }
  }, async (request, reply) => {
    const body = request.body as { url: string, eventTypes: string[], description?: string | null, enabled?: boolean }
    const url = checkUrl(body.url)
    await checkTypes(tenantOf(request), body.eventTypes)
    const result = await request.withTenant(async trx => {
      const made = await webhooks.endpoints.create(trx, tenantOf(request), { ...body, url }, actorOf(request), webhooks.clock.now())
      await audit.record({ action: 'webhook.created', actor: actorOf(request), tenantId: tenantOf(request), target: `webhook:${made.row.id}`, details: { origin: origin(url), eventTypes: body.eventTypes, enabled: made.row.enabled }, requestId: request.id }, trx)
      return made
    })
    return reply.code(201).send({ ...endpointView(result.row), secret: result.secret })
  })

  app.get('/api/v1/webhooks', {
    config,
    schema: { tags, summary: 'The tenant\'s webhook endpoints, newest first', querystring: pageQuery, response: { 200: pageOf(endpointSchema) } }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { createdAt: 'date', id: 'uuid' })
    const rows: WebhookRow[] = await request.withTenant(trx => trx('tenant_webhooks')
      .modify(b => { if (after) b.where(w => w.where('created_at', '<', new Date(after.createdAt)).orWhere(w2 => w2.where('created_at', new Date(after.createdAt)).andWhere('id', '<', after.id))) })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1))
    return page(rows.map(endpointView), q.limit, e => ({ createdAt: e.createdAt as string, id: e.id }))
  })

  app.get('/api/v1/webhooks/:id', {
    config,
    schema: { tags, summary: 'One endpoint (never its secret)', params: idParams, response: { 200: endpointSchema } }
  }, async request => endpointView(await request.withTenant(trx => findEndpoint(trx, (request.params as { id: string }).id))))

  app.patch('/api/v1/webhooks/:id', {
    config,
    schema: {
      tags, summary: 'Change an endpoint; switching it off fails its waiting deliveries',
      params: idParams, body: { type: 'object', minProperties: 1, properties: fields }, response: { 200: endpointSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { url?: string, eventTypes?: string[], description?: string | null, enabled?: boolean }
    const url = body.url === undefined ? undefined : checkUrl(body.url)
    if (body.eventTypes) await checkTypes(tenantOf(request), body.eventTypes)
    const now = webhooks.clock.now()
    const row = await request.withTenant(async trx => {
      const before = await findEndpoint(trx, id)
      const change: Record<string, unknown> = { updated_at: now }
      if (url !== undefined) change.url = url
      if (body.eventTypes) change.event_types = JSON.stringify(body.eventTypes)
      if (body.description !== undefined) change.description = body.description
      if (body.enabled !== undefined) change.enabled = body.enabled
      // Switched on by hand: the automatic switch-off and its count start over.
      if (body.enabled === true && !before.enabled) Object.assign(change, { disabled_reason: null, consecutive_failures: 0 })
      await trx('tenant_webhooks').where({ id }).update(change)
      if (body.enabled === false && before.enabled) await webhooks.failPending(trx, before.tenant_id, id, 'the endpoint was switched off', now)
      await audit.record({
        action: 'webhook.updated', actor: actorOf(request), tenantId: tenantOf(request), target: `webhook:${id}`,
        details: { fields: Object.keys(body), ...(url ? { origin: origin(url) } : {}), ...(body.eventTypes ? { eventTypes: body.eventTypes } : {}), ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) },
        requestId: request.id
      }, trx)
      return findEndpoint(trx, id)
    })
    return endpointView(row)
  })

  app.delete('/api/v1/webhooks/:id', {
    config,
    schema: { tags, summary: 'Remove an endpoint and its delivery log', params: idParams, response: { 204: { type: 'null' } } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => {
      const row = await findEndpoint(trx, id)
      await trx('tenant_webhooks').where({ id }).del()
      await audit.record({ action: 'webhook.deleted', actor: actorOf(request), tenantId: tenantOf(request), target: `webhook:${id}`, details: { origin: origin(row.url) }, requestId: request.id }, trx)
    })
    return reply.code(204).send()
  })

  app.post('/api/v1/webhooks/:id/rotate-secret', {
    config,
    schema: {
      tags, summary: 'A new signing secret, shown this once; the old one also signs for 24 hours',
      params: idParams,
      response: { 200: { type: 'object', properties: { secret: { type: 'string' }, previousSecretExpiresAt: { type: 'string' } } } }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const secret = await webhooks.endpoints.rotate(trx, await findEndpoint(trx, id))
      await audit.record({ action: 'webhook.secret_rotated', actor: actorOf(request), tenantId: tenantOf(request), target: `webhook:${id}`, requestId: request.id }, trx)
      const row = await findEndpoint(trx, id)
      return { secret, previousSecretExpiresAt: new Date(row.previous_secret_expires_at as Date).toISOString() }
    })
  })

  app.post('/api/v1/webhooks/:id/test', {
    config,
    schema: { tags, summary: 'Send a webhook.test ping to the endpoint', params: idParams, response: { 202: deliverySchema } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const row = await request.withTenant(async trx => {
      const endpoint = await findEndpoint(trx, id)
      if (!endpoint.enabled) throw new ApiError('invalid_state', 'The endpoint is switched off; switch it on to test it')
      const deliveryId = await enqueueTest(trx, endpoint.tenant_id, id, webhooks.clock.now())
      webhooks.notifyAfter(trx)
      return trx('tenant_webhook_deliveries').where({ id: deliveryId }).first() as Promise<DeliveryRow>
    })
    return reply.code(202).send(deliveryView(row))
  })

  app.get('/api/v1/webhooks/:id/deliveries', {
    config,
    schema: {
      tags, summary: 'The endpoint\'s delivery log, newest first',
      params: idParams,
      querystring: { ...pageQuery, properties: { ...pageQuery.properties, status: { enum: ['pending', 'succeeded', 'failed'] } } },
      response: { 200: pageOf(deliverySchema) }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const q = request.query as { limit: number, cursor?: string, status?: string }
    const after = decodeCursor(q.cursor, { createdAt: 'date', id: 'uuid' })
    const rows: DeliveryRow[] = await request.withTenant(async trx => {
      await findEndpoint(trx, id)
      return trx('tenant_webhook_deliveries').where({ webhook_id: id })
        .modify(b => {
          if (q.status) b.where({ status: q.status })
          if (after) b.where(w => w.where('created_at', '<', new Date(after.createdAt)).orWhere(w2 => w2.where('created_at', new Date(after.createdAt)).andWhere('id', '<', after.id)))
        })
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1)
    })
    return page(rows.map(deliveryView), q.limit, d => ({ createdAt: d.createdAt as string, id: d.id }))
  })

  app.get('/api/v1/webhooks/:id/deliveries/:deliveryId', {
    config,
    schema: { tags, summary: 'One delivery with its body and its attempts', params: deliveryParams, response: { 200: deliveryDetailSchema } }
  }, async request => {
    const { id, deliveryId } = request.params as { id: string, deliveryId: string }
    const row: DeliveryRow | undefined = await request.withTenant(trx => trx('tenant_webhook_deliveries').where({ webhook_id: id, id: deliveryId }).first())
    if (!row) throw new ApiError('not_found', `No delivery ${deliveryId} of webhook ${id}`)
    return deliveryDetail(row)
  })

  app.post('/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config,
    schema: {
      tags, summary: 'Send a delivery again now (same webhook-id), with a fresh 24-hour retry window',
      params: deliveryParams, response: { 202: deliverySchema }
    }
  }, async (request, reply) => {
    const { id, deliveryId } = request.params as { id: string, deliveryId: string }
    const now = webhooks.clock.now()
    const row = await request.withTenant(async trx => {
      const endpoint = await findEndpoint(trx, id)
      const delivery: DeliveryRow | undefined = await trx('tenant_webhook_deliveries').where({ webhook_id: id, id: deliveryId }).first()
      if (!delivery) throw new ApiError('not_found', `No delivery ${deliveryId} of webhook ${id}`)
      if (!endpoint.enabled) throw new ApiError('invalid_state', 'The endpoint is switched off; switch it on to redeliver')
      const updated = await trx('tenant_webhook_deliveries')
        .where({ webhook_id: id, id: deliveryId })
        .where(b => b.whereNull('locked_until').orWhere('locked_until', '<', now))
        .update({ status: 'pending', next_attempt_at: now, round_attempts: 0, round_started_at: now, locked_by: null, locked_until: null, updated_at: now }, ['id'])
      if (updated.length === 0) throw new ApiError('invalid_state', 'An attempt of this delivery is under way; try again in a moment')
      await audit.record({ action: 'webhook.redelivered', actor: actorOf(request), tenantId: tenantOf(request), target: `webhook:${id}`, details: { deliveryId, eventId: delivery.event_id, eventType: delivery.event_type }, requestId: request.id }, trx)
      webhooks.notifyAfter(trx)
      return trx('tenant_webhook_deliveries').where({ id: deliveryId }).first() as Promise<DeliveryRow>
    })
    return reply.code(202).send(deliveryView(row))
  })
}
