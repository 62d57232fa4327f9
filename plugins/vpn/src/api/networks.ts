import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import { isIp, parseNet4, parseUla } from '../net/addresses.ts'
import type { Vpn } from '../context.ts'
import { invalid, name, notFound, tenantOf, uniqueViolation, uuidParam } from '../http.ts'
import { presentNetwork, type NetworkRow } from '../store.ts'

const fields = {
  name,
  cidr4: { type: 'string', minLength: 9, maxLength: 18, description: 'IPv4 network peers get addresses in, /8 to /30, e.g. 100.64.0.0/24' },
  prefix6: { type: ['string', 'null'], maxLength: 43, description: 'Optional IPv6 ULA prefix (fc00::/7), /48 to /64' },
  dns: { type: 'array', maxItems: 4, uniqueItems: true, items: { type: 'string', maxLength: 39 }, description: 'Resolvers user devices use (DNS = in their config)' },
  searchDomains: { type: 'array', maxItems: 6, uniqueItems: true, items: { type: 'string', pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' } },
  listenPort: { type: 'integer', minimum: 1, maximum: 65535, description: 'UDP port the appliances listen on' },
  mtu: { type: ['integer', 'null'], minimum: 1280, maximum: 9000 }
} as const

export const networkSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, cidr4: { type: 'string' }, prefix6: { type: ['string', 'null'] },
    dns: { type: 'array', items: { type: 'string' } }, searchDomains: { type: 'array', items: { type: 'string' } },
    listenPort: { type: 'integer' }, mtu: { type: ['integer', 'null'] }, peerCount: { type: 'integer' },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' }
  }
} as const

interface NetworkBody { name?: string, cidr4?: string, prefix6?: string | null, dns?: string[], searchDomains?: string[], listenPort?: number, mtu?: number | null }

function checked (body: NetworkBody): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  if (body.name !== undefined) { row.name = body.name.trim(); row.name_key = body.name.trim().toLowerCase() }
  if (body.cidr4 !== undefined) {
    const net = parseNet4(body.cidr4)
    if (!net.ok) throw invalid('/cidr4', net.message)
    row.cidr4 = net.value.cidr
  }
  if (body.prefix6 !== undefined) {
    if (body.prefix6 === null) row.prefix6 = null
    else {
      const p = parseUla(body.prefix6)
      if (!p.ok) throw invalid('/prefix6', p.message)
      row.prefix6 = p.value.prefix
    }
  }
  if (body.dns !== undefined) {
    const bad = body.dns.findIndex(d => !isIp(d))
    if (bad >= 0) throw invalid(`/dns/${bad}`, `"${body.dns[bad]}" is not an IP address`)
    row.dns = JSON.stringify(body.dns)
  }
  if (body.searchDomains !== undefined) row.search_domains = JSON.stringify(body.searchDomains)
  if (body.listenPort !== undefined) row.listen_port = body.listenPort
  if (body.mtu !== undefined) row.mtu = body.mtu
  return row
}

const duplicate = (err: unknown, what: string) => {
  if (uniqueViolation(err) !== null) return new ApiError('conflict', `A network named "${what}" exists already`)
  return err
}

export function networkRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/networks', {
    config: { permission: 'vpn.read' },
    schema: { summary: 'Networks, by name', tags: ['vpn'], querystring: pageQuery, response: { 200: pageOf(networkSchema) } }
  }, async request => {
    const { limit, cursor } = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(cursor, { name: 'string', id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('vpn_networks').modify(q => { if (after) q.whereRaw('(name_key, id) > (?, ?)', [after.name, after.id]) })
        .orderBy(['name_key', 'id']).limit(limit + 1) as NetworkRow[]
      const counts = new Map((await trx('vpn_peers').whereIn('network_id', rows.map(r => r.id)).groupBy('network_id').select('network_id').count('* as n') as unknown as Array<{ network_id: string, n: unknown }>)
        .map(r => [r.network_id, Number(r.n)]))
      return page(rows.map(r => ({ ...presentNetwork(r, counts.get(r.id) ?? 0), key: (r as unknown as { name_key: string }).name_key })), limit, r => ({ name: r.key, id: r.id! }))
    })
  })

  app.get('/api/v1/vpn/networks/:id', {
    config: { permission: 'vpn.read' },
    schema: { summary: 'One network', tags: ['vpn'], params: uuidParam, response: { 200: networkSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const row = await trx('vpn_networks').where({ id }).first() as NetworkRow | undefined
      if (!row) throw notFound('network', id)
      const n = await trx('vpn_peers').where({ network_id: id }).count('* as n').first()
      return presentNetwork(row, Number(n?.n ?? 0))
    })
  })

  app.post('/api/v1/vpn/networks', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Create a network', tags: ['vpn'],
      body: { type: 'object', additionalProperties: false, required: ['name', 'cidr4'], properties: fields },
      response: { 201: networkSchema }
    }
  }, async (request, reply) => {
    const body = request.body as NetworkBody
    const now = vpn.ctx.clock.now()
    const row: Record<string, unknown> = { tenant_id: tenantOf(request), id: randomUUID(), dns: '[]', search_domains: '[]', listen_port: 51820, mtu: null, prefix6: null, ...checked(body), created_at: now, updated_at: now }
    try {
      await request.withTenant(trx => trx('vpn_networks').insert(row))
    } catch (err) { throw duplicate(err, body.name!) }
    request.log.info({ networkId: row.id, cidr4: row.cidr4 }, 'vpn: network created')
    vpn.live(tenantOf(request), 'network.changed', { id: row.id, change: 'created' })
    return reply.code(201).send(presentNetwork(row as unknown as NetworkRow, 0))
  })

  app.patch('/api/v1/vpn/networks/:id', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Change a network; the address range can change only while it has no peers', tags: ['vpn'], params: uuidParam,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields }, response: { 200: networkSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as NetworkBody
    const patch = checked(body)
    const tenantId = tenantOf(request)
    try {
      return await request.withTenant(async trx => {
        const current = await trx('vpn_networks').where({ id }).forUpdate().first() as NetworkRow | undefined
        if (!current) throw notFound('network', id)
        const peers = Number((await trx('vpn_peers').where({ network_id: id }).count('* as n').first())?.n ?? 0)
        if (peers > 0 && ((patch.cidr4 !== undefined && patch.cidr4 !== current.cidr4) || (patch.prefix6 !== undefined && patch.prefix6 !== current.prefix6))) {
          throw new ApiError('invalid_state', 'The network has peers: its addresses cannot change. Create a new network and move the peers.')
        }
        const [row] = await trx('vpn_networks').where({ id }).update({ ...patch, updated_at: vpn.ctx.clock.now() }).returning('*') as NetworkRow[]
        await vpn.apply(trx, tenantId, id)
        vpn.liveAfter(trx, tenantId, 'network.changed', { id, change: 'updated' })
        return presentNetwork(row!, peers)
      })
    } catch (err) { throw duplicate(err, body.name ?? '') }
  })

  app.delete('/api/v1/vpn/networks/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Delete a network with its peers, groups, policies, routes and setup keys', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const deleted = await request.withTenant(trx => trx('vpn_networks').where({ id }).del().returning('id'))
    if (deleted.length === 0) throw notFound('network', id)
    request.log.info({ networkId: id }, 'vpn: network deleted')
    vpn.live(tenantOf(request), 'network.changed', { id, change: 'deleted' })
    return reply.code(204).send()
  })
}
