import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, encodeCursor, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { changeContext, messageSchema, notFound, tenantOf, uuidParam } from '../http.ts'
import type { Live } from '../live.ts'
import { fetchCi, updateCis } from '../cis/store.ts'
import { insertOrConflict, nameTaken } from '../cis/service.ts'
import { present as presentCi, ciSchema } from '../cis/present.ts'
import { loadRegistry } from '../types/registry.ts'
import { applyDiscovered, createDiscovered } from '../discovery/apply.ts'
import { discovered, nameOf } from '../discovery/event.ts'

const STATES = ['open', 'accepted', 'merged', 'rejected'] as const

interface ReviewRow {
  id: string, state: string, reason: string, device_id: string, source: string, event_id: string | null, data: unknown, candidates: unknown,
  seen: number, first_seen: Date | string, last_seen: Date | string, resolved_at: Date | string | null, resolved_by: string | null, ci_id: string | null
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const iso = (v: Date | string | null) => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString())
const COLUMNS = ['id', 'state', 'reason', 'device_id', 'source', 'event_id', 'data', 'candidates', 'seen', 'first_seen', 'last_seen', 'resolved_at', 'resolved_by', 'ci_id']

async function present (trx: Transaction, rows: ReviewRow[]) {
  const candidateIds = [...new Set(rows.flatMap(r => json<Array<{ id: string }>>(r.candidates).map(c => c.id)))]
  const cis = new Map((await trx('cmdb_cis').select('id', 'type', 'name', 'serial', 'hardware_uuid', 'hostname', 'macs').whereIn('id', candidateIds) as Array<Record<string, unknown>>).map(c => [c.id as string, c]))
  return rows.map(r => ({
    id: r.id,
    state: r.state,
    reason: r.reason,
    deviceId: r.device_id,
    source: r.source,
    eventId: r.event_id,
    event: json<Record<string, unknown>>(r.data),
    candidates: json<Array<{ id: string, matchedBy: string }>>(r.candidates).map(c => {
      const ci = cis.get(c.id)
      // A candidate deleted since is shown as such rather than dropped.
      return ci ? { id: c.id, matchedBy: c.matchedBy, type: ci.type, name: ci.name, serial: ci.serial, hardwareUuid: ci.hardware_uuid, hostname: ci.hostname } : { id: c.id, matchedBy: c.matchedBy, deleted: true }
    }),
    seen: r.seen,
    firstSeen: iso(r.first_seen),
    lastSeen: iso(r.last_seen),
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    ciId: r.ci_id
  }))
}

const itemOut = { type: 'object', additionalProperties: true, properties: { id: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } } }

async function openItem (trx: Transaction, id: string): Promise<ReviewRow> {
  const row = await trx('cmdb_review').first(COLUMNS).where({ id }).forUpdate() as ReviewRow | undefined
  if (!row) throw notFound('review item', id)
  if (row.state !== 'open') throw new ApiError('conflict', `Review item ${id} is already ${row.state}`)
  return row
}

const eventOf = (row: ReviewRow) => discovered({ deviceId: row.device_id, eventId: row.event_id, ts: iso(row.last_seen) as string, seq: '0', data: json(row.data) })

export function reviewRoutes (app: FastifyInstance, live: Live): void {
  app.get('/api/v1/cmdb/review', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'Discovered assets that matched ambiguously, newest first',
      querystring: { type: 'object', properties: { ...pageQuery.properties, state: { enum: [...STATES, 'all'], default: 'open' } } },
      response: { 200: pageOf(itemOut) }
    }
  }, async request => {
    const { limit, cursor, state } = request.query as { limit: number, cursor?: string, state: string }
    const after = decodeCursor(cursor, { at: 'date', id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('cmdb_review').select(COLUMNS)
        .modify(q => {
          if (state !== 'all') q.where('state', state)
          if (after) q.whereRaw('(first_seen, id) < (?, ?)', [after.at, after.id])
        }).orderBy([{ column: 'first_seen', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1) as ReviewRow[]
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return { items: await present(trx, items), nextCursor: rows.length > limit && last ? encodeCursor({ at: iso(last.first_seen) as string, id: last.id }) : null }
    })
  })

  app.get('/api/v1/cmdb/review/:id', {
    config: { permission: 'cmdb.read' },
    schema: { params: uuidParam, response: { 200: itemOut } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const row = await trx('cmdb_review').first(COLUMNS).where({ id }) as ReviewRow | undefined
      if (!row) throw notFound('review item', id)
      return (await present(trx, [row]))[0]
    })
  })

  app.post('/api/v1/cmdb/review/:id/accept', {
    config: { permission: 'cmdb.write' },
    schema: { summary: 'The asset is new: create a CI from the event', params: uuidParam, querystring: { type: 'object', properties: { message: messageSchema } }, response: { 201: ciSchema } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const ctx = changeContext(request, live, (request.query as { message?: string }).message, 'review')
    const ci = await request.withTenant(async trx => {
      const row = await openItem(trx, id)
      const d = eventOf(row)
      const type = (await loadRegistry(trx)).get(d.ciType)
      if (!type) throw new ApiError('conflict', `No CI type "${d.ciType}": define it, then accept again`)
      const clash = await trx('cmdb_cis').first('id').where({ type: type.key, name_key: nameOf(d).toLowerCase() })
      if (clash) throw nameTaken(type.key, nameOf(d), clash.id)
      const { ci } = createDiscovered(d, type, ctx.at)
      await insertOrConflict(trx, tenantOf(request), [ci], ctx)
      await trx('cmdb_review').where({ id }).update({ state: 'accepted', resolved_at: ctx.at, resolved_by: ctx.actor.id, ci_id: ci.id })
      return ci
    })
    live.publish(tenantOf(request), 'ci.created', { id: ci.id, type: ci.type, name: ci.name })
    live.publish(tenantOf(request), 'review.changed', { ids: [id] })
    return reply.code(201).send(presentCi(ci, { provenance: true }))
  })

  app.post('/api/v1/cmdb/review/:id/merge', {
    config: { permission: 'cmdb.write' },
    schema: {
      summary: 'The asset is an existing CI: apply the event to it (locked fields are kept)',
      params: uuidParam,
      body: { type: 'object', required: ['ciId'], properties: { ciId: { type: 'string', format: 'uuid' }, message: messageSchema } },
      response: { 200: ciSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { ciId: string, message?: string }
    const ctx = changeContext(request, live, body.message, 'review')
    const ci = await request.withTenant(async trx => {
      const row = await openItem(trx, id)
      const target = await fetchCi(trx, body.ciId, { forUpdate: true })
      if (!target) throw notFound('CI', body.ciId)
      const type = (await loadRegistry(trx)).get(target.type)
      if (!type) throw new ApiError('conflict', `CI ${target.id} has the type "${target.type}", which no longer exists`)
      const { after } = applyDiscovered(target, eventOf(row), type)
      const [written] = await updateCis(trx, tenantOf(request), [{ before: target, after }], ctx)
      await trx('cmdb_review').where({ id }).update({ state: 'merged', resolved_at: ctx.at, resolved_by: ctx.actor.id, ci_id: target.id })
      return written ?? target
    })
    live.publish(tenantOf(request), 'ci.updated', { id: ci.id, type: ci.type, name: ci.name, version: ci.version })
    live.publish(tenantOf(request), 'review.changed', { ids: [id] })
    return presentCi(ci, { provenance: true })
  })

  app.post('/api/v1/cmdb/review/:id/reject', {
    config: { permission: 'cmdb.write' },
    schema: { summary: 'Discard the event', params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await request.withTenant(async trx => {
      await openItem(trx, id)
      await trx('cmdb_review').where({ id }).update({ state: 'rejected', resolved_at: new Date(), resolved_by: request.auth!.userId })
    })
    live.publish(tenantOf(request), 'review.changed', { ids: [id] })
    return reply.code(204).send()
  })
}
