import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, type Transaction } from '@monozu/kernel'
import { WG_KEY_PATTERN } from '../net/keys.ts'
import type { Vpn } from '../context.ts'
import { invalid, iso, name, tenantOf, uuid, uuidParam } from '../http.ts'
import { loadNetwork, type PeerRow } from '../store.ts'
import { renderAll } from '../config/apply.ts'
import { applyStatuses } from '../config/results.ts'
import { checkGroups, createPeer, groupsOfPeers, peerOr404, presentPeer, rotateKey } from './peer-core.ts'

const endpoint = { type: ['string', 'null'], maxLength: 261, pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$', description: 'host:port where other peers reach this one' } as const
const publicKey = { type: 'string', pattern: WG_KEY_PATTERN, description: 'WireGuard public key (base64, 32 bytes). Never send a private key.' } as const
const groupIds = { type: 'array', maxItems: 50, uniqueItems: true, items: uuid } as const

export const peerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, networkId: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' },
    deviceId: { type: ['string', 'null'] }, userId: { type: ['string', 'null'] }, publicKey: { type: 'string' },
    address4: { type: 'string' }, address6: { type: ['string', 'null'] }, endpoint: { type: ['string', 'null'] }, keepalive: { type: ['integer', 'null'] },
    groupIds: { type: 'array', items: { type: 'string' } }, keyCreatedAt: { type: 'string' }, keyAgeDays: { type: 'integer' }, keyRotationDue: { type: 'boolean' },
    revokedAt: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    apply: {
      type: ['object', 'null'], description: 'Appliances: whether the appliance applied its current config (vpn.apply): pending, applied or failed with the error',
      properties: {
        state: { enum: ['pending', 'applied', 'failed'] }, error: { type: ['string', 'null'] }, configHash: { type: 'string' },
        renderedAt: { type: ['string', 'null'] }, finishedAt: { type: ['string', 'null'] }, commandId: { type: ['string', 'null'] }
      }
    },
    status: {
      type: 'object',
      properties: {
        status: { type: 'string' }, lastHandshakeAt: { type: ['string', 'null'] }, rxBytes: { type: 'integer' }, txBytes: { type: 'integer' },
        endpoint: { type: ['string', 'null'] }, changedAt: { type: ['string', 'null'] }, flapping: { type: 'boolean' }, flappingSince: { type: ['string', 'null'] }
      }
    }
  }
} as const

type StatusRow = { peer_id: string, status: string, last_handshake_at: Date | null, rx_bytes: string | number, tx_bytes: string | number, endpoint: string | null, changed_at: Date, flapping: boolean, flapping_since: Date | null }
export const presentStatus = (s: StatusRow | undefined) => s
  ? { status: s.status, lastHandshakeAt: iso(s.last_handshake_at), rxBytes: Number(s.rx_bytes), txBytes: Number(s.tx_bytes), endpoint: s.endpoint, changedAt: iso(s.changed_at), flapping: Boolean(s.flapping), flappingSince: iso(s.flapping_since) }
  : { status: 'never', lastHandshakeAt: null, rxBytes: 0, txBytes: 0, endpoint: null, changedAt: null, flapping: false, flappingSince: null }

async function present (vpn: Vpn, trx: Transaction, rows: PeerRow[]) {
  const ids = rows.map(r => r.id)
  const appliances = rows.filter(r => r.kind === 'appliance').map(r => r.id)
  const [groups, statuses, applied] = await Promise.all([groupsOfPeers(trx, ids), ids.length ? trx('vpn_peer_status').whereIn('peer_id', ids) : [], applyStatuses(trx, appliances)])
  const byPeer = new Map((statuses as StatusRow[]).map(s => [s.peer_id, s]))
  const now = vpn.ctx.clock.now()
  return rows.map(r => ({ ...presentPeer(r, groups.get(r.id) ?? [], vpn.ctx.config.keyRotationDays, now), status: presentStatus(byPeer.get(r.id)), apply: applied.get(r.id) ?? null }))
}

export function peerRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/peers', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Peers, by name; filter by network, kind, group, status', tags: ['vpn'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 },
          networkId: uuid, groupId: uuid, deviceId: uuid, kind: { enum: ['appliance', 'user'] }, q: { type: 'string', minLength: 1, maxLength: 100 },
          status: { enum: ['connected', 'disconnected', 'never', 'flapping'] }
        }
      },
      response: { 200: pageOf(peerSchema) }
    }
  }, async request => {
    const qs = request.query as { limit: number, cursor?: string, networkId?: string, groupId?: string, deviceId?: string, kind?: string, q?: string, status?: string }
    const after = decodeCursor(qs.cursor, { name: 'string', id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('vpn_peers as p').select('p.*')
        .modify(q => {
          if (qs.networkId) q.where('p.network_id', qs.networkId)
          if (qs.kind) q.where('p.kind', qs.kind)
          if (qs.deviceId) q.where('p.device_id', qs.deviceId)
          if (qs.q) q.where(w => w.whereILike('p.name', `%${qs.q!.replace(/[\\%_]/g, '\\$&')}%`).orWhere('p.address4', qs.q!))
          if (qs.groupId) q.whereIn('p.id', trx('vpn_group_members').where('group_id', qs.groupId).select('peer_id'))
          if (qs.status === 'never') q.whereNotIn('p.id', trx('vpn_peer_status').select('peer_id'))
          else if (qs.status === 'flapping') q.whereIn('p.id', trx('vpn_peer_status').where('flapping', true).select('peer_id'))
          else if (qs.status) q.whereIn('p.id', trx('vpn_peer_status').where('status', qs.status).select('peer_id'))
          if (after) q.whereRaw('(p.name, p.id) > (?, ?)', [after.name, after.id])
        })
        .orderBy([{ column: 'p.name' }, { column: 'p.id' }]).limit(qs.limit + 1) as PeerRow[]
      return page(await present(vpn, trx, rows), qs.limit, r => ({ name: r.name, id: r.id }))
    })
  })

  app.get('/api/v1/vpn/peers/:id', {
    config: { permission: 'vpn.read' },
    schema: { summary: 'One peer with its live status', tags: ['vpn'], params: uuidParam, response: { 200: peerSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => (await present(vpn, trx, [await peerOr404(trx, id)]))[0])
  })

  app.post('/api/v1/vpn/peers', {
    config: { permission: 'vpn.write' },
    schema: {
      summary: 'Add a peer: a user device (your own; the browser made the key pair) or an appliance (its device)', tags: ['vpn'],
      body: {
        type: 'object', additionalProperties: false, required: ['networkId', 'name', 'kind', 'publicKey'],
        properties: { networkId: uuid, name, kind: { enum: ['appliance', 'user'] }, publicKey, deviceId: uuid, endpoint, keepalive: { type: ['integer', 'null'], minimum: 1, maximum: 600 }, groupIds }
      },
      response: { 201: peerSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { networkId: string, name: string, kind: 'appliance' | 'user', publicKey: string, deviceId?: string, endpoint?: string | null, keepalive?: number | null, groupIds?: string[] }
    if (body.kind === 'user' && body.deviceId) throw invalid('/deviceId', 'only an appliance peer has a device')
    const tenantId = tenantOf(request)
    const peer = await request.withTenant(async trx => {
      const row = await createPeer(vpn, trx, tenantId, { ...body, userId: body.kind === 'user' ? request.auth!.userId : null })
      await vpn.apply(trx, tenantId, row.network_id)
      return (await present(vpn, trx, [row]))[0]
    })
    request.log.info({ peerId: peer!.id, networkId: peer!.networkId, kind: peer!.kind }, 'vpn: peer created')
    return reply.code(201).send(peer)
  })

  app.patch('/api/v1/vpn/peers/:id', {
    config: { permission: 'vpn.write' },
    schema: {
      summary: 'Rename a peer, change its endpoint, keepalive or groups', tags: ['vpn'], params: uuidParam,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name, endpoint, keepalive: { type: ['integer', 'null'], minimum: 1, maximum: 600 }, groupIds } },
      response: { 200: peerSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { name?: string, endpoint?: string | null, keepalive?: number | null, groupIds?: string[] }
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => {
      const current = await peerOr404(trx, id)
      const patch: Record<string, unknown> = { updated_at: vpn.ctx.clock.now() }
      if (body.name !== undefined) patch.name = body.name.trim()
      if (body.endpoint !== undefined) patch.endpoint = body.endpoint
      if (body.keepalive !== undefined) patch.keepalive = body.keepalive
      const [row] = await trx('vpn_peers').where({ id }).update(patch).returning('*') as PeerRow[]
      if (body.groupIds !== undefined) {
        await checkGroups(trx, current.network_id, body.groupIds, '/groupIds')
        await trx('vpn_group_members').where({ peer_id: id }).del()
        if (body.groupIds.length > 0) await trx('vpn_group_members').insert(body.groupIds.map(g => ({ tenant_id: tenantId, group_id: g, peer_id: id })))
      }
      await vpn.ctx.events.publish(trx, 'vpn.peer_changed', { peerId: id, networkId: current.network_id, name: row!.name, change: 'updated' }, { subject: id })
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'peer.changed', { id, networkId: current.network_id, change: 'updated' })
      return (await present(vpn, trx, [row!]))[0]
    })
  })

  app.put('/api/v1/vpn/peers/:id/key', {
    config: { permission: 'vpn.write' },
    schema: {
      summary: 'Rotate a peer\'s key: its new public key replaces the old one in every other peer\'s config', tags: ['vpn'], params: uuidParam,
      body: { type: 'object', additionalProperties: false, required: ['publicKey'], properties: { publicKey } }, response: { 200: peerSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const { publicKey: key } = request.body as { publicKey: string }
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => (await present(vpn, trx, [await rotateKey(vpn, trx, tenantId, await peerOr404(trx, id), key)]))[0])
  })

  app.post('/api/v1/vpn/peers/:id/revoke', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Revoke a peer\'s key: it disappears from every other peer\'s config on their next apply', tags: ['vpn'], params: uuidParam, response: { 200: peerSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    const peer = await request.withTenant(async trx => {
      const current = await peerOr404(trx, id)
      if (current.revoked_at) return (await present(vpn, trx, [current]))[0]
      const [row] = await trx('vpn_peers').where({ id }).update({ revoked_at: vpn.ctx.clock.now(), updated_at: vpn.ctx.clock.now() }).returning('*') as PeerRow[]
      await vpn.ctx.events.publish(trx, 'vpn.peer_changed', { peerId: id, networkId: current.network_id, name: current.name, change: 'revoked' }, { subject: id })
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'peer.changed', { id, networkId: current.network_id, change: 'revoked' })
      return (await present(vpn, trx, [row!]))[0]
    })
    request.log.info({ peerId: id }, 'vpn: peer revoked')
    await vpn.ctx.audit.record({ tenantId, actor: `user:${request.auth!.userId}`, action: 'vpn.peer.revoke', target: id, details: { name: peer!.name } }).catch(err => request.log.warn({ err }, 'vpn: audit not recorded'))
    return peer
  })

  app.delete('/api/v1/vpn/peers/:id', {
    config: { permission: 'vpn.write' },
    schema: { summary: 'Delete a peer; its address is free again', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    await request.withTenant(async trx => {
      const current = await peerOr404(trx, id)
      await trx('vpn_peers').where({ id }).del()
      await vpn.ctx.events.publish(trx, 'vpn.peer_changed', { peerId: id, networkId: current.network_id, name: current.name, change: 'deleted' }, { subject: id })
      await vpn.apply(trx, tenantId, current.network_id)
      vpn.liveAfter(trx, tenantId, 'peer.changed', { id, networkId: current.network_id, change: 'deleted' })
    })
    request.log.info({ peerId: id }, 'vpn: peer deleted')
    return reply.code(204).send()
  })

  app.get('/api/v1/vpn/peers/:id/config', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'The peer\'s wg-quick config without a private key (the device or browser adds it), and its compiled rules', tags: ['vpn'], params: uuidParam,
      querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: ['json', 'conf'], default: 'json' } } }
    }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const { format } = request.query as { format: 'json' | 'conf' }
    const out = await request.withTenant(async trx => {
      const peer = await peerOr404(trx, id)
      if (peer.revoked_at) throw new ApiError('invalid_state', 'The peer is revoked: it has no config')
      const state = (await loadNetwork(trx, peer.network_id))!
      return renderAll(state, new Set([id])).get(id)!
    })
    if (format === 'conf') return reply.type('text/plain; charset=utf-8').header('content-disposition', 'attachment; filename="monozu-vpn.conf"').send(out.config)
    return { config: out.config, firewall: JSON.parse(out.firewall) }
  })
}
