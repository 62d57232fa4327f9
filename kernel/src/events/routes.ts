import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import type { AuditService } from '../audit/audit.ts'
import { rowsOf } from '../db/database.ts'
import { ApiError } from '../errors/errors.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'

const deadSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The dead delivery (one event for one handler).' },
    eventId: { type: 'string' }, tenantId: { type: 'string' }, type: { type: 'string' }, subject: { type: ['string', 'null'] },
    plugin: { type: 'string' }, handler: { type: 'string' }, payload: {},
    attempts: { type: 'integer' }, maxAttempts: { type: 'integer' }, lastError: { type: ['string', 'null'] },
    occurredAt: { type: 'string' }, deadAt: { type: ['string', 'null'] }
  }
}
const filters = {
  plugin: { type: 'string', maxLength: 32, description: 'The handling plugin' },
  type: { type: 'string', maxLength: 96 },
  tenant: { type: 'string', format: 'uuid' }
}
const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } } }

interface DeadRow {
  seq: string | number, event_id: string, tenant_id: string, type: string, subject: string | null, plugin: string, handler: string, payload: unknown,
  attempts: number, max_attempts: number, last_error: string | null, occurred_at: Date | string, dead_at: Date | string | null, state: string
}
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)
const view = (r: DeadRow) => ({
  id: String(r.seq), eventId: r.event_id, tenantId: r.tenant_id, type: r.type, subject: r.subject, plugin: r.plugin, handler: r.handler,
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload, attempts: r.attempts, maxAttempts: r.max_attempts,
  lastError: r.last_error, occurredAt: iso(r.occurred_at) as string, deadAt: iso(r.dead_at)
})

const joined = (owner: Knex) => owner('event_deliveries as d')
  .join('event_outbox as o', b => b.on('o.tenant_id', 'd.tenant_id').andOn('o.id', 'd.event_id'))
  .select('d.seq', 'd.event_id', 'd.tenant_id', 'o.type', 'd.subject', 'd.plugin', 'd.handler', 'o.payload', 'd.attempts', 'd.max_attempts', 'd.last_error', 'o.occurred_at', 'd.dead_at', 'd.state')

/**
 * Operators (ADMIN_PANEL_ENABLED) see dead-lettered deliveries of every tenant, and retry or
 * discard them. Kernel bookkeeping across tenants, on the owner connection like the jobs console.
 */
export function registerEventRoutes (app: FastifyInstance, deps: { owner: Knex, audit: AuditService, poke: () => void, admin: boolean }): void {
  if (!deps.admin) return
  const { owner } = deps
  app.register(async admin => {
    admin.addHook('onRoute', route => { route.config = { ...(route.config as object), operator: true } as typeof route.config })

    admin.get('/api/v1/admin/events/dead', {
      schema: {
        tags: ['admin'], summary: 'Dead-lettered domain event deliveries of every tenant, newest first',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, ...filters } }, response: { 200: pageOf(deadSchema) }
      }
    }, async request => {
      const q = request.query as { limit: number, cursor?: string, plugin?: string, type?: string, tenant?: string }
      const after = decodeCursor(q.cursor, { seq: 'integer' })
      const rows: DeadRow[] = await joined(owner).where('d.state', 'dead').modify(b => {
        if (q.plugin) b.where('d.plugin', q.plugin)
        if (q.type) b.where('o.type', q.type)
        if (q.tenant) b.where('d.tenant_id', q.tenant)
        if (after) b.where('d.seq', '<', after.seq)
      }).orderBy('d.seq', 'desc').limit(q.limit + 1)
      return page(rows.map(view), q.limit, r => ({ seq: r.id }))
    })

    const dead = async (id: string): Promise<DeadRow> => {
      const row: DeadRow | undefined = await joined(owner).where('d.seq', id).first()
      if (!row) throw new ApiError('not_found', `No event delivery ${id}`)
      if (row.state !== 'dead') throw new ApiError('invalid_state', `Event delivery ${id} is ${row.state}; only dead deliveries can be retried or discarded`)
      return row
    }

    admin.post('/api/v1/admin/events/dead/:id/retry', {
      schema: { tags: ['admin'], summary: 'Deliver a dead-lettered event again, with a fresh count of attempts', params: idParams, response: { 200: deadSchema } }
    }, async request => {
      const { id } = request.params as { id: string }
      const row = await dead(id)
      await owner.transaction(async trx => {
        const updated = rowsOf<unknown>(await trx('event_deliveries').where({ seq: id, state: 'dead' })
          .update({ state: 'pending', attempts: 0, available_at: trx.fn.now(), dead_at: null }, ['seq']))
        if (updated.length === 0) throw new ApiError('invalid_state', `Event delivery ${id} changed meanwhile`)
        await deps.audit.record({ action: 'events.dead_retried', actor: `operator:${request.auth!.userId}`, tenantId: row.tenant_id, target: `event-delivery:${id}`, details: { eventId: row.event_id, type: row.type, plugin: row.plugin, handler: row.handler }, requestId: request.id }, trx)
      })
      deps.poke()
      return { ...view(row), attempts: 0, deadAt: null }
    })

    admin.post('/api/v1/admin/events/dead/:id/discard', {
      schema: { tags: ['admin'], summary: 'Drop a dead-lettered delivery for good', params: idParams, response: { 204: { type: 'null' } } }
    }, async (request, reply) => {
      const { id } = request.params as { id: string }
      const row = await dead(id)
      await owner.transaction(async trx => {
        await trx('event_deliveries').where({ seq: id, state: 'dead' }).del()
        await trx('event_outbox').where({ tenant_id: row.tenant_id, id: row.event_id })
          .whereNotExists(trx('event_deliveries').select(trx.raw('1')).where({ tenant_id: row.tenant_id, event_id: row.event_id })).del()
        await deps.audit.record({ action: 'events.dead_discarded', actor: `operator:${request.auth!.userId}`, tenantId: row.tenant_id, target: `event-delivery:${id}`, details: { eventId: row.event_id, type: row.type, plugin: row.plugin, handler: row.handler, lastError: row.last_error }, requestId: request.id }, trx)
      })
      return reply.code(204).send()
    })
  })
}
