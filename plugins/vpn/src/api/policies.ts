import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, type Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { description, invalid, iso, name, notFound, tenantOf, uuid, uuidParam } from '../http.ts'
import { PORT_PATTERN, parsePortRange } from '../policy/ports.ts'

export const policySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, networkId: { type: 'string' }, name: { type: 'string' }, description: { type: ['string', 'null'] },
    sourceGroupId: { type: 'string' }, destinationGroupId: { type: 'string' }, protocol: { type: 'string' },
    ports: { type: 'array', items: { type: 'string' } }, bidirectional: { type: 'boolean' }, enabled: { type: 'boolean' },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' }
  }
} as const

type PolicyRow = { id: string, network_id: string, name: string, description: string | null, source_group_id: string, destination_group_id: string, protocol: string, ports: unknown, bidirectional: boolean, enabled: boolean, created_at: Date, updated_at: Date }
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const present = (r: PolicyRow) => ({
  id: r.id, networkId: r.network_id, name: r.name, description: r.description, sourceGroupId: r.source_group_id, destinationGroupId: r.destination_group_id,
  protocol: r.protocol, ports: json<string[]>(r.ports), bidirectional: Boolean(r.bidirectional), enabled: Boolean(r.enabled), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at)
})

const fields = {
  name, description, sourceGroupId: uuid, destinationGroupId: uuid,
  protocol: { enum: ['all', 'tcp', 'udp', 'icmp'] },
  ports: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', pattern: PORT_PATTERN }, description: 'Empty: every port. "22" or "8000-8100"' },
  bidirectional: { type: 'boolean', description: 'Either side may open connections (otherwise only the source group)' },
  enabled: { type: 'boolean' }
} as const

type Body = { name?: string, description?: string | null, sourceGroupId?: string, destinationGroupId?: string, protocol?: string, ports?: string[], bidirectional?: boolean, enabled?: boolean }

async function check (trx: Transaction, networkId: string, body: Body, protocol: string): Promise<void> {
  for (const key of ['sourceGroupId', 'destinationGroupId'] as const) {
    const id = body[key]
    if (id && !await trx('vpn_groups').where({ id, network_id: networkId }).first('id')) throw invalid(`/${key}`, `no group ${id} in this network`)
  }
  body.ports?.forEach((p, i) => { if (!parsePortRange(p)) throw invalid(`/ports/${i}`, `"${p}" is not a port (1-65535) or a range such as 8000-8100`) })
  if (protocol === 'icmp' && body.ports?.length) throw invalid('/ports', 'icmp has no ports')
  if (protocol === 'all' && body.ports?.length) throw invalid('/ports', 'ports need protocol tcp or udp')
}

export function policyRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/policies', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Access policies (group to group); deny by default', tags: ['vpn'],
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 }, networkId: uuid, groupId: uuid } },
      response: { 200: pageOf(policySchema) }
    }
  }, async request => {
    const qs = request.query as { limit: number, cursor?: string, networkId?: string, groupId?: string }
    const after = decodeCursor(qs.cursor, { name: 'string', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('vpn_policies').modify(q => {
      if (qs.networkId) q.where({ network_id: qs.networkId })
      if (qs.groupId) q.where(w => w.where({ source_group_id: qs.groupId }).orWhere({ destination_group_id: qs.groupId }))
      if (after) q.whereRaw('(name, id) > (?, ?)', [after.name, after.id])
    }).orderBy(['name', 'id']).limit(qs.limit + 1)) as PolicyRow[]
    return page(rows.map(present), qs.limit, r => ({ name: r.name, id: r.id }))
  })

  app.get('/api/v1/vpn/policies/:id', {
    config: { permission: 'vpn.read' },
    schema: { summary: 'One policy', tags: ['vpn'], params: uuidParam, response: { 200: policySchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const row = await request.withTenant(trx => trx('vpn_policies').where({ id }).first()) as PolicyRow | undefined
    if (!row) throw notFound('policy', id)
    return present(row)
  })

  app.post('/api/v1/vpn/policies', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Allow a group to reach another', tags: ['vpn'],
      body: { type: 'object', additionalProperties: false, required: ['networkId', 'name', 'sourceGroupId', 'destinationGroupId', 'protocol'], properties: { networkId: uuid, ...fields } },
      response: { 201: policySchema }
    }
  }, async (request, reply) => {
    const body = request.body as Body & { networkId: string }
    const tenantId = tenantOf(request)
    const row = await request.withTenant(async trx => {
      if (!await trx('vpn_networks').where({ id: body.networkId }).first('id')) throw invalid('/networkId', `no network ${body.networkId}`)
      await check(trx, body.networkId, body, body.protocol!)
      const now = vpn.ctx.clock.now()
      const row = {
        id: randomUUID(), network_id: body.networkId, name: body.name!.trim(), description: body.description ?? null, source_group_id: body.sourceGroupId!,
        destination_group_id: body.destinationGroupId!, protocol: body.protocol!, ports: JSON.stringify(body.ports ?? []), bidirectional: body.bidirectional ?? false,
        enabled: body.enabled ?? true, created_at: now, updated_at: now
      }
      await trx('vpn_policies').insert({ tenant_id: tenantId, ...row })
      await vpn.apply(trx, tenantId, body.networkId)
      vpn.liveAfter(trx, tenantId, 'policy.changed', { id: row.id, networkId: body.networkId, change: 'created' })
      return row
    })
    request.log.info({ policyId: row.id }, 'vpn: policy created')
    return reply.code(201).send(present(row as unknown as PolicyRow))
  })

  app.patch('/api/v1/vpn/policies/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Change a policy', tags: ['vpn'], params: uuidParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields }, response: { 200: policySchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as Body
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => {
      const current = await trx('vpn_policies').where({ id }).first() as PolicyRow | undefined
      if (!current) throw notFound('policy', id)
      const protocol = body.protocol ?? current.protocol
      if (body.protocol !== undefined && body.ports === undefined && (protocol === 'icmp' || protocol === 'all')) body.ports = []
      await check(trx, current.network_id, { ...body, ports: body.ports ?? json<string[]>(current.ports) }, protocol)
      const patch: Record<string, unknown> = { updated_at: vpn.ctx.clock.now() }
      if (body.name !== undefined) patch.name = body.name.trim()
      if (body.description !== undefined) patch.description = body.description
      if (body.sourceGroupId !== undefined) patch.source_group_id = body.sourceGroupId
      if (body.destinationGroupId !== undefined) patch.destination_group_id = body.destinationGroupId
      if (body.protocol !== undefined) patch.protocol = body.protocol
      if (body.ports !== undefined) patch.ports = JSON.stringify(body.ports)
      if (body.bidirectional !== undefined) patch.bidirectional = body.bidirectional
      if (body.enabled !== undefined) patch.enabled = body.enabled
      const [row] = await trx('vpn_policies').where({ id }).update(patch).returning('*') as PolicyRow[]
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'policy.changed', { id, networkId: current.network_id, change: 'updated' })
      return present(row!)
    })
  })

  app.delete('/api/v1/vpn/policies/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Delete a policy', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    await request.withTenant(async trx => {
      const current = await trx('vpn_policies').where({ id }).first() as PolicyRow | undefined
      if (!current) throw notFound('policy', id)
      await trx('vpn_policies').where({ id }).del()
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'policy.changed', { id, networkId: current.network_id, change: 'deleted' })
    })
    return reply.code(204).send()
  })
}
