import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, type Transaction } from '@monozu/kernel'
import type { AuthenticatedDevice } from '@monozu/plugin-devices/service'
import type { Vpn } from '../context.ts'
import { WG_KEY_PATTERN } from '../net/keys.ts'
import { rotateKey } from '../api/peer-core.ts'
import { iso, notFound, uuidParam } from '../http.ts'
import type { PeerRow } from '../store.ts'

/** The WireGuard interface an appliance brings up for a network: stable, at most 15 characters. */
export const interfaceOf = (networkId: string) => `wg-mz-${networkId.replace(/-/g, '').slice(0, 8)}`

type ConfigRow = { peer_id: string, network_id: string, network_name: string, peer_name: string, public_key: string, address4: string, config: string, firewall: string, config_hash: string, rendered_at: Date, apply_state: string, apply_error: string | null }

/** The caller's device (X-Device-Key), in a tenant whose VPN module is on; otherwise 401 / 404. */
async function deviceOf (vpn: Vpn, request: FastifyRequest): Promise<AuthenticatedDevice> {
  const device = await vpn.devices().authenticate(request.headers['x-device-key'])
  if (!device) throw new ApiError('unauthorized', 'Send a valid device key in the X-Device-Key header', { headers: { 'www-authenticate': 'DeviceKey' } })
  if (!await vpn.ctx.enabledFor(device.tenantId)) throw new ApiError('not_found', 'The VPN module is not enabled for this device\'s tenant')
  return device
}

const configsOf = (trx: Transaction, deviceId: string, networkId?: string) =>
  trx('vpn_appliance_configs as c')
    .join('vpn_peers as p', function () { this.on('p.id', 'c.peer_id').andOn('p.tenant_id', 'c.tenant_id') })
    .join('vpn_networks as n', function () { this.on('n.id', 'p.network_id').andOn('n.tenant_id', 'p.tenant_id') })
    .where('c.device_id', deviceId).whereNull('p.revoked_at')
    .modify(q => { if (networkId) q.where('p.network_id', networkId) })
    .orderBy('n.name_key')
    .select('c.peer_id', 'p.network_id', 'n.name as network_name', 'p.name as peer_name', 'p.public_key', 'p.address4', 'c.config', 'c.firewall', 'c.config_hash', 'c.rendered_at', 'c.apply_state', 'c.apply_error') as Promise<ConfigRow[]>

/** A strong validator from the stored render's hash: no hashing per request. */
function sendTagged (request: FastifyRequest, reply: FastifyReply, etag: string, type: string, body: string) {
  reply.header('etag', etag).header('cache-control', 'no-cache')
  const header = request.headers['if-none-match']
  if (header && header.split(',').some(t => { const v = t.trim(); return v === '*' || v === etag || v === `W/${etag}` })) return reply.code(304).send()
  return reply.type(type).send(body)
}

const deviceHeaders = { type: 'object', properties: { 'x-device-key': { type: 'string', maxLength: 200 } } } as const

/**
 * The appliance's own VPN API (device key). An appliance in several networks brings up one
 * interface per network: it lists them here and fetches each config on its own (ETag/304), and
 * it rotates its own key per network. GET /api/v1/devices/self/vpn/config stays for appliances
 * in one network (there it concatenates). Another device's key finds nothing of this device.
 */
export function selfRoutes (app: FastifyInstance, vpn: Vpn): void {
  const resource = (what: 'config' | 'firewall') => async (request: FastifyRequest, reply: FastifyReply) => {
    const device = await deviceOf(vpn, request)
    const { id } = request.params as { id: string }
    let found = vpn.configs.get(device.deviceId, id)
    if (found === undefined) {
      const [row] = await vpn.ctx.db.withTenant(device.tenantId, trx => configsOf(trx, device.deviceId, id))
      found = row ? { peerId: row.peer_id, networkId: row.network_id, config: row.config, firewall: row.firewall, configHash: row.config_hash } : null
      vpn.configs.set(device.deviceId, id, found)
    }
    if (!found) throw notFound('network of this appliance', id)
    // The ETag is the config hash vpn.apply names: the agent can tell it has what it was told to apply.
    return what === 'config'
      ? sendTagged(request, reply, `"${found.configHash}"`, 'text/plain; charset=utf-8', found.config)
      : sendTagged(request, reply, `"${found.configHash}.fw"`, 'application/json', found.firewall)
  }

  app.get('/api/v1/vpn/self/networks', {
    config: { public: true },
    schema: { summary: 'The calling appliance\'s networks (device key): one WireGuard interface each, with its config hash and apply state', tags: ['vpn'], headers: deviceHeaders }
  }, async (request, reply) => {
    const device = await deviceOf(vpn, request)
    const rows = await vpn.ctx.db.withTenant(device.tenantId, trx => configsOf(trx, device.deviceId))
    const body = JSON.stringify({
      items: rows.map(r => ({
        networkId: r.network_id, network: r.network_name, peerId: r.peer_id, name: r.peer_name, interface: interfaceOf(r.network_id),
        publicKey: r.public_key, address4: r.address4, configHash: r.config_hash, renderedAt: iso(r.rendered_at),
        apply: { state: r.apply_state, error: r.apply_error },
        config: `/api/v1/vpn/self/networks/${r.network_id}/config`, firewall: `/api/v1/vpn/self/networks/${r.network_id}/firewall`
      }))
    })
    return sendTagged(request, reply, `"${createHash('sha256').update(body).digest('base64url')}"`, 'application/json', body)
  })

  app.get('/api/v1/vpn/self/networks/:id/config', {
    config: { public: true },
    schema: { summary: 'The calling appliance\'s wg-quick config for one network (device key); ETag and If-None-Match', tags: ['vpn'], params: uuidParam, headers: deviceHeaders }
  }, resource('config'))

  app.get('/api/v1/vpn/self/networks/:id/firewall', {
    config: { public: true },
    schema: { summary: 'The calling appliance\'s firewall rules for one network (device key); ETag and If-None-Match', tags: ['vpn'], params: uuidParam, headers: deviceHeaders }
  }, resource('firewall'))

  app.put('/api/v1/vpn/self/networks/:id/key', {
    config: { public: true },
    schema: {
      summary: 'The calling appliance rotates its own WireGuard public key in one network (device key); peers get it on their next apply', tags: ['vpn'],
      params: uuidParam, headers: deviceHeaders,
      body: { type: 'object', additionalProperties: false, required: ['publicKey'], properties: { publicKey: { type: 'string', pattern: WG_KEY_PATTERN } } }
    }
  }, async request => {
    const device = await deviceOf(vpn, request)
    const { id } = request.params as { id: string }
    const { publicKey } = request.body as { publicKey: string }
    const peer = await vpn.ctx.db.withTenant(device.tenantId, async trx => {
      // Only this device's own peer: another device's key finds nothing here (404, never 403, so it learns nothing).
      const current = await trx('vpn_peers').where({ network_id: id, device_id: device.deviceId }).first() as PeerRow | undefined
      if (!current) throw notFound('network of this appliance', id)
      return rotateKey(vpn, trx, device.tenantId, current, publicKey)
    })
    request.log.info({ tenantId: device.tenantId, deviceId: device.deviceId, peerId: peer.id }, 'vpn: appliance rotated its key')
    await vpn.ctx.audit.record({ tenantId: device.tenantId, actor: `device:${device.deviceId}`, action: 'vpn.peer.rotate_key', target: peer.id, details: { name: peer.name } })
      .catch(err => request.log.warn({ err }, 'vpn: audit not recorded'))
    return { peerId: peer.id, networkId: peer.network_id, publicKey: peer.public_key, keyCreatedAt: iso(peer.key_created_at) }
  })
}
