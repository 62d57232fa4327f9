import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { VpnError } from '../errors.ts'
import { invalid, iso, name, notFound, tenantOf, uuid, uuidParam } from '../http.ts'
import { WG_KEY_PATTERN } from '../net/keys.ts'
import { renderAll } from '../config/apply.ts'
import { loadNetwork } from '../store.ts'
import { checkGroups, createPeer, presentPeer } from './peer-core.ts'

/**
 * A setup key is `mzvpn_<tenant id, 32 hex>_<secret, 43 base64url>`: the tenant part only tells
 * the server where to look (a public route has no tenant otherwise); the secret is 256 random bits.
 * Only its SHA-256 is stored (fast hashing is enough for a random secret of that size).
 */
const KEY = /^mzvpn_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex')
const tenantOfKey = (key: string): string | null => {
  const m = KEY.exec(key)
  if (!m) return null
  const h = m[1]!
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export const setupKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, networkId: { type: 'string' }, name: { type: 'string' }, prefix: { type: 'string' }, reusable: { type: 'boolean' },
    usageLimit: { type: ['integer', 'null'] }, usedCount: { type: 'integer' }, autoGroupIds: { type: 'array', items: { type: 'string' } },
    expiresAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] }, lastUsedAt: { type: ['string', 'null'] }, createdAt: { type: 'string' },
    state: { enum: ['valid', 'revoked', 'expired', 'used_up'] },
    key: { type: 'string', description: 'Only in the answer to the creation: shown once, never stored' }
  }
} as const

type KeyRow = { id: string, network_id: string, name: string, key_hash: string, prefix: string, reusable: boolean, usage_limit: number | null, used_count: number, auto_group_ids: unknown, expires_at: Date, revoked_at: Date | null, last_used_at: Date | null, created_at: Date }
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
function stateOf (r: KeyRow, now: Date): 'valid' | 'revoked' | 'expired' | 'used_up' {
  if (r.revoked_at) return 'revoked'
  if (new Date(r.expires_at).getTime() <= now.getTime()) return 'expired'
  if (r.usage_limit !== null && r.used_count >= r.usage_limit) return 'used_up'
  return 'valid'
}
const present = (r: KeyRow, now: Date) => ({
  id: r.id, networkId: r.network_id, name: r.name, prefix: r.prefix, reusable: Boolean(r.reusable), usageLimit: r.usage_limit, usedCount: Number(r.used_count),
  autoGroupIds: json<string[]>(r.auto_group_ids), expiresAt: iso(r.expires_at)!, revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at), createdAt: iso(r.created_at)!,
  state: stateOf(r, now)
})

export function setupKeyRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/setup-keys', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Setup keys (never the keys themselves)', tags: ['vpn'],
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 }, networkId: uuid } },
      response: { 200: pageOf(setupKeySchema) }
    }
  }, async request => {
    const qs = request.query as { limit: number, cursor?: string, networkId?: string }
    const after = decodeCursor(qs.cursor, { at: 'date', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('vpn_setup_keys').modify(q => {
      if (qs.networkId) q.where({ network_id: qs.networkId })
      if (after) q.whereRaw('(created_at, id) < (?, ?)', [after.at, after.id])
    }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(qs.limit + 1)) as KeyRow[]
    const now = vpn.ctx.clock.now()
    return page(rows.map(r => present(r, now)), qs.limit, r => ({ at: r.createdAt, id: r.id }))
  })

  app.post('/api/v1/vpn/setup-keys', {
    config: { permission: 'vpn.admin' },
    schema: {
      summary: 'Create a setup key; the answer holds the key, shown once', tags: ['vpn'],
      body: {
        type: 'object', additionalProperties: false, required: ['networkId', 'name'],
        properties: {
          networkId: uuid, name, reusable: { type: 'boolean', default: false },
          usageLimit: { type: ['integer', 'null'], minimum: 1, maximum: 100000, description: 'Reusable keys: how many peers it may add (null: no limit). One-off keys: 1' },
          expiresInHours: { type: 'integer', minimum: 1, maximum: 8760, default: 168 },
          autoGroupIds: { type: 'array', maxItems: 50, uniqueItems: true, items: uuid }
        }
      },
      response: { 201: setupKeySchema }
    }
  }, async (request, reply) => {
    const body = request.body as { networkId: string, name: string, reusable: boolean, usageLimit?: number | null, expiresInHours: number, autoGroupIds?: string[] }
    if (!body.reusable && body.usageLimit !== undefined && body.usageLimit !== 1 && body.usageLimit !== null) throw invalid('/usageLimit', 'a one-off key is used once; make it reusable for more')
    const tenantId = tenantOf(request)
    const secret = randomBytes(32).toString('base64url')
    const key = `mzvpn_${tenantId.replaceAll('-', '')}_${secret}`
    const now = vpn.ctx.clock.now()
    const row = await request.withTenant(async trx => {
      if (!await trx('vpn_networks').where({ id: body.networkId }).first('id')) throw invalid('/networkId', `no network ${body.networkId}`)
      await checkGroups(trx, body.networkId, body.autoGroupIds ?? [], '/autoGroupIds')
      const row = {
        id: randomUUID(), network_id: body.networkId, name: body.name.trim(), key_hash: hashKey(key), prefix: secret.slice(0, 6), reusable: body.reusable,
        usage_limit: body.reusable ? (body.usageLimit ?? null) : 1, used_count: 0, auto_group_ids: JSON.stringify(body.autoGroupIds ?? []),
        expires_at: new Date(now.getTime() + body.expiresInHours * 3_600_000), revoked_at: null, last_used_at: null, created_at: now
      }
      await trx('vpn_setup_keys').insert({ tenant_id: tenantId, ...row })
      return row
    })
    await vpn.ctx.audit.record({ tenantId, actor: `user:${request.auth!.userId}`, action: 'vpn.setup_key.create', target: row.id, details: { name: row.name, reusable: row.reusable } }).catch(() => {})
    return reply.code(201).send({ ...present(row as unknown as KeyRow, now), key })
  })

  app.post('/api/v1/vpn/setup-keys/:id/revoke', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Revoke a setup key: it adds no more peers (peers it added stay)', tags: ['vpn'], params: uuidParam, response: { 200: setupKeySchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const now = vpn.ctx.clock.now()
    const row = await request.withTenant(async trx => {
      const [row] = await trx('vpn_setup_keys').where({ id }).update({ revoked_at: trx.raw('coalesce(revoked_at, ?)', [now]) }).returning('*') as KeyRow[]
      return row
    })
    if (!row) throw notFound('setup key', id)
    const tenantId = tenantOf(request)
    await vpn.ctx.audit.record({ tenantId, actor: `user:${request.auth!.userId}`, action: 'vpn.setup_key.revoke', target: id, details: { name: row.name } }).catch(() => {})
    return present(row, now)
  })

  app.delete('/api/v1/vpn/setup-keys/:id', {
    config: { permission: 'vpn.admin' },
    schema: { summary: 'Delete a setup key', tags: ['vpn'], params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const deleted = await request.withTenant(trx => trx('vpn_setup_keys').where({ id }).del().returning('id'))
    if (deleted.length === 0) throw notFound('setup key', id)
    return reply.code(204).send()
  })

  // An appliance (with its device key) or an installer joins a network with a setup key.
  app.post('/api/v1/vpn/register', {
    config: { public: true },
    schema: {
      summary: 'Join a network with a setup key (public; optional X-Device-Key links the peer to the appliance). Send the public key only.', tags: ['vpn'],
      headers: { type: 'object', properties: { 'x-device-key': { type: 'string', maxLength: 200 } } },
      body: {
        type: 'object', additionalProperties: false, required: ['setupKey', 'publicKey', 'name'],
        properties: {
          setupKey: { type: 'string', maxLength: 200 }, publicKey: { type: 'string', pattern: WG_KEY_PATTERN }, name,
          endpoint: { type: 'string', maxLength: 261, pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$' }
        }
      }
    }
  }, async (request, reply) => {
    const body = request.body as { setupKey: string, publicKey: string, name: string, endpoint?: string }
    const refused = () => new VpnError('vpn_setup_key_invalid', 'Ask an administrator for a valid setup key')
    const tenantId = tenantOfKey(body.setupKey)
    if (!tenantId) throw refused()
    const deviceKey = request.headers['x-device-key']
    let deviceId: string | null = null
    if (deviceKey !== undefined) {
      const device = await vpn.devices().authenticate(deviceKey)
      if (!device) throw new ApiError('unauthorized', 'The device key is unknown or revoked')
      if (device.tenantId !== tenantId) throw refused()
      deviceId = device.deviceId
    }
    // Not telling a stranger whether a tenant exists or has the module: the same 401 as a wrong key.
    if (!await vpn.ctx.enabledFor(tenantId)) { request.log.warn({ tenantId }, 'vpn: setup key for a tenant without the VPN module'); throw refused() }
    const now = vpn.ctx.clock.now()
    const result = await vpn.ctx.db.withTenant(tenantId, async trx => {
      const key = await trx('vpn_setup_keys').where({ key_hash: hashKey(body.setupKey) }).forUpdate().first() as KeyRow | undefined
      if (!key || stateOf(key, now) !== 'valid') return null
      await trx('vpn_setup_keys').where({ id: key.id }).update({ used_count: Number(key.used_count) + 1, last_used_at: now })
      const peer = await createPeer(vpn, trx, tenantId, {
        networkId: key.network_id, name: body.name, kind: deviceId ? 'appliance' : 'user', publicKey: body.publicKey, deviceId,
        endpoint: body.endpoint ?? null, groupIds: json<string[]>(key.auto_group_ids), setupKeyId: key.id
      })
      await vpn.apply(trx, tenantId, key.network_id)
      const config = renderAll((await loadNetwork(trx, key.network_id))!, new Set([peer.id])).get(peer.id)!
      return { peer: presentPeer(peer, json<string[]>(key.auto_group_ids), vpn.ctx.config.keyRotationDays, now), config: config.config, keyName: key.name }
    })
    if (!result) {
      request.log.warn({ tenantId, deviceId }, 'vpn: setup key refused')
      throw refused()
    }
    request.log.info({ tenantId, peerId: result.peer.id, deviceId }, 'vpn: peer registered with a setup key')
    await vpn.ctx.audit.record({ tenantId, actor: deviceId ? `device:${deviceId}` : 'setup-key', action: 'vpn.peer.register', target: result.peer.id, details: { name: result.peer.name, setupKey: result.keyName } }).catch(() => {})
    return reply.code(201).send({ peer: result.peer, config: result.config })
  })
}
