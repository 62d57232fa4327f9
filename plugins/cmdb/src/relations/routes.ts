import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { changeContext, invalid, isUniqueViolation, messageSchema, notFound, tenantOf, uuidParam } from '../http.ts'
import type { Live } from '../live.ts'
import { recordChanges } from '../history/log.ts'
import { impact } from './impact.ts'

export const RELATION_TYPES = ['depends_on', 'runs_on', 'hosts', 'connected_to'] as const

interface RelationRow { id: string, source_id: string, target_id: string, type: string, created_at: Date | string }
const ciRef = { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, name: { type: 'string' } } }
const relationOut = {
  type: 'object',
  properties: { id: { type: 'string' }, sourceId: { type: 'string' }, targetId: { type: 'string' }, type: { type: 'string' }, createdAt: { type: 'string' }, source: ciRef, target: ciRef }
} as const

async function withEnds (trx: Transaction, rows: RelationRow[]) {
  const ids = [...new Set(rows.flatMap(r => [r.source_id, r.target_id]))]
  const cis = new Map((await trx('cmdb_cis').select('id', 'type', 'name').whereIn('id', ids) as Array<{ id: string, type: string, name: string }>).map(c => [c.id, c]))
  return rows.map(r => ({
    id: r.id, sourceId: r.source_id, targetId: r.target_id, type: r.type,
    createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
    source: cis.get(r.source_id), target: cis.get(r.target_id)
  }))
}

export function relationRoutes (app: FastifyInstance, live: Live, options: { impactMaxNodes: number }): void {
  app.post('/api/v1/cmdb/relations', {
    config: { permission: 'cmdb.write' },
    schema: {
      summary: 'Relate two CIs: the source depends on the target',
      body: { type: 'object', required: ['sourceId', 'targetId', 'type'], properties: { sourceId: { type: 'string', format: 'uuid' }, targetId: { type: 'string', format: 'uuid' }, type: { enum: [...RELATION_TYPES] }, message: messageSchema } },
      response: { 201: relationOut }
    }
  }, async (request, reply) => {
    const body = request.body as { sourceId: string, targetId: string, type: string, message?: string }
    if (body.sourceId === body.targetId) throw invalid([{ in: 'body', pointer: '/targetId', message: 'a CI cannot relate to itself', rule: 'self' }])
    const ctx = changeContext(request, live, body.message)
    const relation = await request.withTenant(async trx => {
      const ends = await trx('cmdb_cis').select('id').whereIn('id', [body.sourceId, body.targetId]) as Array<{ id: string }>
      for (const end of ['sourceId', 'targetId'] as const) {
        if (!ends.some(e => e.id === body[end])) throw notFound('CI', body[end])
      }
      const row = { tenant_id: tenantOf(request), id: randomUUID(), source_id: body.sourceId, target_id: body.targetId, type: body.type, created_at: ctx.at }
      const exists = await trx('cmdb_relations').first('id').where({ source_id: row.source_id, target_id: row.target_id, type: row.type })
      if (exists) throw new ApiError('conflict', 'This relation already exists', { extra: { existingId: exists.id } })
      try {
        await trx('cmdb_relations').insert(row)
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError('conflict', 'This relation already exists')
        throw err
      }
      await recordChanges(trx, tenantOf(request), [{ entity: 'relation', action: 'create', ciId: row.source_id, otherCiId: row.target_id, relationId: row.id, before: null, after: { sourceId: row.source_id, targetId: row.target_id, type: row.type } }], ctx)
      return (await withEnds(trx, [row]))[0]!
    })
    live.publish(tenantOf(request), 'relation.created', { id: relation.id, sourceId: relation.sourceId, targetId: relation.targetId, type: relation.type })
    return reply.code(201).send(relation)
  })

  app.get('/api/v1/cmdb/relations', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'Relations, optionally of one CI (either end) and of one type',
      querystring: { type: 'object', properties: { ...pageQuery.properties, ciId: { type: 'string', format: 'uuid' }, type: { enum: [...RELATION_TYPES] } } },
      response: { 200: pageOf(relationOut) }
    }
  }, async request => {
    const query = request.query as { limit: number, cursor?: string, ciId?: string, type?: string }
    const after = decodeCursor(query.cursor, { id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('cmdb_relations').select('id', 'source_id', 'target_id', 'type', 'created_at')
        .modify(q => {
          if (query.ciId) q.where(w => w.where('source_id', query.ciId!).orWhere('target_id', query.ciId!))
          if (query.type) q.where('type', query.type)
          if (after) q.where('id', '>', after.id)
        }).orderBy('id').limit(query.limit + 1) as RelationRow[]
      const result = page(rows, query.limit, r => ({ id: r.id }))
      return { items: await withEnds(trx, result.items), nextCursor: result.nextCursor }
    })
  })

  app.delete('/api/v1/cmdb/relations/:id', {
    config: { permission: 'cmdb.write' },
    schema: { params: uuidParam, querystring: { type: 'object', properties: { message: messageSchema } } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const { message } = request.query as { message?: string }
    const row = await request.withTenant(async trx => {
      const found = await trx('cmdb_relations').first('id', 'source_id', 'target_id', 'type').where({ id }).forUpdate() as RelationRow | undefined
      if (!found) throw notFound('relation', id)
      await trx('cmdb_relations').where({ id }).del()
      await recordChanges(trx, tenantOf(request), [{ entity: 'relation', action: 'delete', ciId: found.source_id, otherCiId: found.target_id, relationId: id, before: { sourceId: found.source_id, targetId: found.target_id, type: found.type }, after: null }], changeContext(request, live, message))
      return found
    })
    live.publish(tenantOf(request), 'relation.deleted', { id, sourceId: row.source_id, targetId: row.target_id, type: row.type })
    return reply.code(204).send()
  })

  app.get('/api/v1/cmdb/cis/:id/impact', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'up: what depends on the CI (breaks if it fails); down: what it depends on',
      params: uuidParam,
      querystring: { type: 'object', properties: { direction: { enum: ['up', 'down'], default: 'up' }, depth: { type: 'integer', minimum: 1, maximum: 20, default: 5 } } }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const { direction, depth } = request.query as { direction: 'up' | 'down', depth: number }
    return request.withTenant(async trx => {
      const ci = await trx('cmdb_cis').first('id', 'type', 'name', 'status').where({ id })
      if (!ci) throw notFound('CI', id)
      return { ci, direction, depth, ...await impact(trx, id, direction, depth, options.impactMaxNodes) }
    })
  })
}
