import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import { notFound, uuidParam } from '../http.ts'

interface ChangeRow {
  seq: string | number, entity: string, action: string, ci_id: string, other_ci_id: string | null, relation_id: string | null,
  before: unknown, after: unknown, actor_kind: string, actor_id: string, actor_name: string | null, request_id: string, message: string | null, at: Date | string
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
const present = (r: ChangeRow) => ({
  seq: String(r.seq),
  entity: r.entity,
  action: r.action,
  ciId: r.ci_id,
  otherCiId: r.other_ci_id,
  relationId: r.relation_id,
  before: json(r.before),
  after: json(r.after),
  actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
  requestId: r.request_id,
  message: r.message,
  at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString()
})

const changeOut = {
  type: 'object',
  properties: {
    seq: { type: 'string' }, entity: { type: 'string' }, action: { type: 'string' }, ciId: { type: 'string' },
    otherCiId: { type: ['string', 'null'] }, relationId: { type: ['string', 'null'] },
    before: { type: ['object', 'null'], additionalProperties: true }, after: { type: ['object', 'null'], additionalProperties: true },
    actor: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: ['string', 'null'] } } },
    requestId: { type: 'string' }, message: { type: ['string', 'null'] }, at: { type: 'string' }
  }
} as const

const COLUMNS = ['seq', 'entity', 'action', 'ci_id', 'other_ci_id', 'relation_id', 'before', 'after', 'actor_kind', 'actor_id', 'actor_name', 'request_id', 'message', 'at']

export function historyRoutes (app: FastifyInstance): void {
  app.get('/api/v1/cmdb/cis/:id/history', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'The change log of a CI and its relations, newest first (also after the CI was deleted)',
      params: uuidParam,
      querystring: pageQuery,
      response: { 200: pageOf(changeOut) }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const { limit, cursor } = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(cursor, { seq: 'integer' })
    const rows = await request.withTenant(trx => trx('cmdb_changes').select(COLUMNS)
      .where(w => w.where('ci_id', id).orWhere('other_ci_id', id))
      .modify(q => { if (after) q.where('seq', '<', after.seq) })
      .orderBy('seq', 'desc').limit(limit + 1)) as ChangeRow[]
    if (rows.length === 0 && !after) {
      const exists = await request.withTenant(trx => trx('cmdb_cis').first('id').where({ id }))
      if (!exists) throw notFound('CI', id)
    }
    const result = page(rows, limit, r => ({ seq: String(r.seq) }))
    return { items: result.items.map(present), nextCursor: result.nextCursor }
  })

  app.get('/api/v1/cmdb/changes', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'Change-log entries of one request (a bulk edit, an import, a discovery batch), in order',
      querystring: { type: 'object', required: ['requestId'], properties: { ...pageQuery.properties, requestId: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: { 200: pageOf(changeOut) }
    }
  }, async request => {
    const { limit, cursor, requestId } = request.query as { limit: number, cursor?: string, requestId: string }
    const after = decodeCursor(cursor, { seq: 'integer' })
    const rows = await request.withTenant(trx => trx('cmdb_changes').select(COLUMNS).where('request_id', requestId)
      .modify(q => { if (after) q.where('seq', '>', after.seq) }).orderBy('seq').limit(limit + 1)) as ChangeRow[]
    const result = page(rows, limit, r => ({ seq: String(r.seq) }))
    return { items: result.items.map(present), nextCursor: result.nextCursor }
  })
}
