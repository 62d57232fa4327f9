import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, type Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { description, invalid, iso, name, notFound, tenantOf, uniqueViolation, uuid, uuidParam } from '../http.ts'

export const groupSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, networkId: { type: 'string' }, name: { type: 'string' }, description: { type: ['string', 'null'] }, peerIds: { type: 'array', items: { type: 'string' } }, createdAt: { type: 'string' } }
} as const

type GroupRow = { id: string, network_id: string, name: string, name_key: string, description: string | null, created_at: Date }

async function present (trx: Transaction, rows: GroupRow[]) {
  const members = rows.length ? await trx('vpn_group_members').whereIn('group_id', rows.map(r => r.id)).select('group_id', 'peer_id') as Array<{ group_id: string, peer_id: string }> : []
  return rows.map(r => ({ id: r.id, networkId: r.network_id, name: r.name, description: r.description, peerIds: members.filter(m => m.group_id === r.id).map(m => m.peer_id).sort(), createdAt: iso(r.created_at) }))
}

async function setMembers (trx: Transaction, tenantId: string, group: GroupRow, peerIds: string[]): Promise<void> {
  if (peerIds.length > 0) {
    const found = new Set((await trx('vpn_peers').where({ network_id: group.network_id }).whereIn('id', peerIds).select('id')).map((r: { id: string }) => r.id))
    const missing = peerIds.findIndex(p => !found.has(p))
    if (missing >= 0) throw invalid(`/peerIds/${missing}`, `no peer ${peerIds[missing]} in this network`)
  }
  await trx('vpn_group_members').where({ group_id: group.id }).del()
  if (peerIds.length > 0) await trx('vpn_group_members').insert(peerIds.map(p => ({ tenant_id: tenantId, group_id: group.id, peer_id: p })))
}

const duplicate = (err: unknown) => uniqueViolation(err) !== null ? new ApiError('conflict', 'A group with this name exists in the network') : err
const peerIds = { type: 'array', maxItems: 5000, uniqueItems: true, items: uuid } as const

export function groupRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/groups', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Groups of a network (or all), with their members', tags: ['vpn'],
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 }, networkId: uuid } },
      response: { 200: pageOf(groupSchema) }
    }
  }, async request => {
    const qs = request.query as { limit: number, cursor?: string, networkId?: string }
    const after = decodeCursor(qs.cursor, { name: 'string', id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('vpn_groups').modify(q => {
        if (qs.networkId) q.where({ network_id: qs.networkId })
        if (after) q.whereRaw('(name_key, id) > (?, ?)', [after.name, after.id])
      }).orderBy(['name_key', 'id']).limit(qs.limit + 1) as GroupRow[]
      const { nextCursor } = page(rows, qs.limit, r => ({ name: r.name_key, id: r.id }))
      return { items: await present(trx, rows.slice(0, qs.limit)), nextCursor }
    })
  })

  app.get('/api/v1/vpn/groups/:id', {
    config: { permission: 'vpn.read' },
    schema: { summary: 'One group', tags: ['vpn'], params: uuidParam, response: { 200: groupSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const row = await trx('vpn_groups').where({ id }).first() as GroupRow | undefined
      if (!row) throw notFound('group', id)
      return (await present(trx, [row]))[0]
    })
  })

  app.post('/api/v1/vpn/groups', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Create a group in a network', tags: ['vpn'],
      body: { type: 'object', additionalProperties: false, required: ['networkId', 'name'], properties: { networkId: uuid, name, description, peerIds } },
      response: { 201: groupSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { networkId: string, name: string, description?: string | null, peerIds?: string[] }
    const tenantId = tenantOf(request)
    try {
      const group = await request.withTenant(async trx => {
        if (!await trx('vpn_networks').where({ id: body.networkId }).first('id')) throw invalid('/networkId', `no network ${body.networkId}`)
        const row: GroupRow = { id: randomUUID(), network_id: body.networkId, name: body.name.trim(), name_key: body.name.trim().toLowerCase(), description: body.description ?? null, created_at: vpn.ctx.clock.now() }
        await trx('vpn_groups').insert({ tenant_id: tenantId, ...row })
        if (body.peerIds?.length) {
          await setMembers(trx, tenantId, row, body.peerIds)
          await vpn.apply(trx, tenantId, body.networkId)
        }
        vpn.liveAfter(trx, tenantId, 'group.changed', { id: row.id, networkId: row.network_id, change: 'created' })
        return (await present(trx, [row]))[0]
      })
      return reply.code(201).send(group)
    } catch (err) { throw duplicate(err) }
  })

  app.patch('/api/v1/vpn/groups/:id', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Rename a group or set its members (the whole list)', tags: ['vpn'], params: uuidParam,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name, description, peerIds } }, response: { 200: groupSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { name?: string, description?: string | null, peerIds?: string[] }
    const tenantId = tenantOf(request)
    try {
      return await request.withTenant(async trx => {
        const current = await trx('vpn_groups').where({ id }).first() as GroupRow | undefined
        if (!current) throw notFound('group', id)
        const patch: Record<string, unknown> = {}
        if (body.name !== undefined) { patch.name = body.name.trim(); patch.name_key = body.name.trim().toLowerCase() }
        if (body.description !== undefined) patch.description = body.description
        const [row] = Object.keys(patch).length ? await trx('vpn_groups').where({ id }).update(patch).returning('*') as GroupRow[] : [current]
        if (body.peerIds !== undefined) {
          await setMembers(trx, tenantId, current, body.peerIds)
          await vpn.apply(trx, tenantId, current.network_id)
        }
        vpn.liveAfter(trx, tenantId, 'group.changed', { id, networkId: current.network_id, change: 'updated' })
        return (await present(trx, [row!]))[0]
      })
    } catch (err) { throw duplicate(err) }
  })

  app.delete('/api/v1/vpn/groups/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Delete a group and the policies that use it', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    await request.withTenant(async trx => {
      const current = await trx('vpn_groups').where({ id }).first() as GroupRow | undefined
      if (!current) throw notFound('group', id)
      await trx('vpn_groups').where({ id }).del()
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'group.changed', { id, networkId: current.network_id, change: 'deleted' })
    })
    return reply.code(204).send()
  })
}
