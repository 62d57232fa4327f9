import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { description, invalid, iso, notFound, tenantOf, uniqueViolation, uuid, uuidParam } from '../http.ts'
import { parseRouteCidr } from '../net/addresses.ts'
import { checkGroups } from './peer-core.ts'

export const routeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, networkId: { type: 'string' }, peerId: { type: 'string' }, kind: { type: 'string' }, cidr: { type: 'string' },
    groupIds: { type: 'array', items: { type: 'string' } }, description: { type: ['string', 'null'] }, enabled: { type: 'boolean' }, createdAt: { type: 'string' }
  }
} as const

type RouteRow = { id: string, network_id: string, peer_id: string, kind: string, cidr: string, group_ids: unknown, description: string | null, enabled: boolean, created_at: Date }
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const present = (r: RouteRow) => ({ id: r.id, networkId: r.network_id, peerId: r.peer_id, kind: r.kind, cidr: r.cidr, groupIds: json<string[]>(r.group_ids), description: r.description, enabled: Boolean(r.enabled), createdAt: iso(r.created_at) })
const groupIds = { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: uuid } as const

export function routingRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/routes', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Subnet routes and exit nodes', tags: ['vpn'],
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 }, networkId: uuid, peerId: uuid } },
      response: { 200: pageOf(routeSchema) }
    }
  }, async request => {
    const qs = request.query as { limit: number, cursor?: string, networkId?: string, peerId?: string }
    const after = decodeCursor(qs.cursor, { id: 'uuid' })
    const rows = await request.withTenant(trx => trx('vpn_routes').modify(q => {
      if (qs.networkId) q.where({ network_id: qs.networkId })
      if (qs.peerId) q.where({ peer_id: qs.peerId })
      if (after) q.where('id', '>', after.id)
    }).orderBy('id').limit(qs.limit + 1)) as RouteRow[]
    return page(rows.map(present), qs.limit, r => ({ id: r.id }))
  })

  app.post('/api/v1/vpn/routes', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Route a subnet (kind subnet) or all traffic (kind exit) through a peer, for the peers of some groups', tags: ['vpn'],
      body: {
        type: 'object', additionalProperties: false, required: ['peerId', 'kind', 'groupIds'],
        properties: { peerId: uuid, kind: { enum: ['subnet', 'exit'] }, cidr: { type: 'string', maxLength: 43 }, groupIds, description, enabled: { type: 'boolean' } }
      },
      response: { 201: routeSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { peerId: string, kind: 'subnet' | 'exit', cidr?: string, groupIds: string[], description?: string | null, enabled?: boolean }
    let cidr = '0.0.0.0/0'
    if (body.kind === 'subnet') {
      if (!body.cidr) throw invalid('/cidr', 'a subnet route needs its destination, e.g. 192.168.10.0/24')
      const parsed = parseRouteCidr(body.cidr)
      if (!parsed.ok) throw invalid('/cidr', parsed.message)
      if (parsed.value.cidr.endsWith('/0')) throw invalid('/cidr', 'a default route is an exit node: use kind exit')
      cidr = parsed.value.cidr
    } else if (body.cidr !== undefined && body.cidr !== '0.0.0.0/0') throw invalid('/cidr', 'an exit node routes everything: leave cidr out')
    const tenantId = tenantOf(request)
    try {
      const row = await request.withTenant(async trx => {
        const peer = await trx('vpn_peers').where({ id: body.peerId }).first('network_id', 'kind', 'revoked_at') as { network_id: string, kind: string, revoked_at: Date | null } | undefined
        if (!peer) throw invalid('/peerId', `no peer ${body.peerId}`)
        if (peer.kind !== 'appliance') throw invalid('/peerId', 'only an appliance can route for others')
        if (peer.revoked_at) throw new ApiError('invalid_state', 'The peer is revoked')
        await checkGroups(trx, peer.network_id, body.groupIds, '/groupIds')
        const row = { id: randomUUID(), network_id: peer.network_id, peer_id: body.peerId, kind: body.kind, cidr, group_ids: JSON.stringify(body.groupIds), description: body.description ?? null, enabled: body.enabled ?? true, created_at: vpn.ctx.clock.now() }
        await trx('vpn_routes').insert({ tenant_id: tenantId, ...row })
        await vpn.apply(trx, tenantId, peer.network_id)
        vpn.liveAfter(trx, tenantId, 'route.changed', { id: row.id, networkId: peer.network_id, change: 'created' })
        return row
      })
      return reply.code(201).send(present(row as unknown as RouteRow))
    } catch (err) {
      if (uniqueViolation(err) !== null) throw new ApiError('conflict', 'This peer routes this destination already')
      throw err
    }
  })

  app.patch('/api/v1/vpn/routes/:id', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Enable, disable or re-target a route', tags: ['vpn'], params: uuidParam,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { groupIds, description, enabled: { type: 'boolean' } } }, response: { 200: routeSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { groupIds?: string[], description?: string | null, enabled?: boolean }
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => {
      const current = await trx('vpn_routes').where({ id }).first() as RouteRow | undefined
      if (!current) throw notFound('route', id)
      if (body.groupIds) await checkGroups(trx, current.network_id, body.groupIds, '/groupIds')
      const patch: Record<string, unknown> = {}
      if (body.groupIds) patch.group_ids = JSON.stringify(body.groupIds)
      if (body.description !== undefined) patch.description = body.description
      if (body.enabled !== undefined) patch.enabled = body.enabled
      const [row] = await trx('vpn_routes').where({ id }).update(patch).returning('*') as RouteRow[]
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'route.changed', { id, networkId: current.network_id, change: 'updated' })
      return present(row!)
    })
  })

  app.delete('/api/v1/vpn/routes/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Delete a route', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    await request.withTenant(async trx => {
      const current = await trx('vpn_routes').where({ id }).first() as RouteRow | undefined
      if (!current) throw notFound('route', id)
      await trx('vpn_routes').where({ id }).del()
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'route.changed', { id, networkId: current.network_id, change: 'deleted' })
    })
    return reply.code(204).send()
  })
}
