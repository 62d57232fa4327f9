import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import type { AuditService } from './audit.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import { PLATFORM_TENANT } from './audit.ts'

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, tenantId: { type: ['string', 'null'] }, at: { type: 'string' }, actor: { type: 'string' }, action: { type: 'string' },
    target: { type: ['string', 'null'] }, details: {}, requestId: { type: ['string', 'null'] }
  }
}
const filters = {
  action: { type: 'string', maxLength: 100 },
  actor: { type: 'string', maxLength: 400 },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' }
}

interface Query { limit: number, cursor?: string, action?: string, actor?: string, from?: string, to?: string, tenant?: string }

function search (q: Knex.QueryBuilder, query: Query): Knex.QueryBuilder {
  const after = decodeCursor(query.cursor, { at: 'date', id: 'uuid' })
  return q.modify(b => {
    if (query.action) b.where({ action: query.action })
    if (query.actor) b.where({ actor: query.actor })
    if (query.from) b.where('at', '>=', new Date(query.from))
    if (query.to) b.where('at', '<', new Date(query.to))
    if (after) b.where(w => w.where('at', '<', new Date(after.at)).orWhere(w2 => w2.where('at', new Date(after.at)).andWhere('id', '<', after.id)))
  }).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit + 1)
}

const view = (r: Record<string, any>) => ({
  id: r.id, tenantId: r.tenant_id === PLATFORM_TENANT ? null : r.tenant_id, at: new Date(r.at).toISOString(), actor: r.actor,
  action: r.action, target: r.target, details: r.details ? JSON.parse(r.details) : null, requestId: r.request_id
})

/** The audit log: tenant admins read their tenant's (through RLS), operators everyone's. */
export function registerAuditRoutes (app: FastifyInstance, deps: { owner: Knex, audit: AuditService, admin: boolean }): void {
  app.get('/api/v1/audit', {
    config: { permission: 'audit.read' },
    schema: { tags: ['audit'], summary: 'The tenant\'s audit log, newest first', querystring: { ...pageQuery, properties: { ...pageQuery.properties, ...filters } }, response: { 200: pageOf(entrySchema) } }
  }, async request => {
    const query = request.query as Query
    const rows = await request.withTenant(trx => search(trx('audit_log'), query))
    return page(rows.map(view), query.limit, (e: { at: string, id: string }) => ({ at: e.at, id: e.id }))
  })

  if (!deps.admin) return
  app.get('/api/v1/admin/audit', {
    config: { operator: true },
    schema: { tags: ['admin'], summary: 'The audit log of every tenant and the platform', querystring: { ...pageQuery, properties: { ...pageQuery.properties, ...filters, tenant: { type: 'string', format: 'uuid' } } }, response: { 200: pageOf(entrySchema) } }
  }, async request => {
    const query = request.query as Query
    const rows = await search(deps.owner('audit_log').modify(q => { if (query.tenant) q.where({ tenant_id: query.tenant }) }), query)
    return page(rows.map(view), query.limit, (e: { at: string, id: string }) => ({ at: e.at, id: e.id }))
  })
}
