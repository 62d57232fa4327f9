import { randomUUID } from 'node:crypto'
import { ApiError, type Transaction } from '@monozu/kernel'
import { address4At, address6At, freeIndexes, parseNet4 } from '../net/addresses.ts'
import { isWireGuardKey } from '../net/keys.ts'
import type { Vpn } from '../context.ts'
import { VpnError } from '../errors.ts'
import { invalid, iso, notFound, uniqueViolation } from '../http.ts'
import type { NetworkRow, PeerRow } from '../store.ts'

export interface NewPeer {
  networkId: string
  name: string
  kind: 'appliance' | 'user'
  publicKey: string
  deviceId?: string | null
  userId?: string | null
  endpoint?: string | null
  keepalive?: number | null
  groupIds?: string[]
  setupKeyId?: string | null
}

const ATTEMPTS = 40

/** The peer as the API shows it (status joined in by the caller when it has it). */
export function presentPeer (r: PeerRow, groupIds: string[], keyRotationDays: number, now: Date) {
  const keyAgeDays = Math.floor((now.getTime() - new Date(r.key_created_at).getTime()) / 86_400_000)
  return {
    id: r.id, networkId: r.network_id, name: r.name, kind: r.kind, deviceId: r.device_id, userId: r.user_id,
    publicKey: r.public_key, address4: r.address4, address6: r.address6, endpoint: r.endpoint, keepalive: r.keepalive,
    groupIds, keyCreatedAt: iso(r.key_created_at), keyAgeDays, keyRotationDue: keyAgeDays >= keyRotationDays,
    revokedAt: iso(r.revoked_at), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at)
  }
}

/** Checks that every group belongs to the network (another network's or tenant's group is a 400). */
export async function checkGroups (trx: Transaction, networkId: string, groupIds: string[], pointer: string): Promise<void> {
  if (groupIds.length === 0) return
  const found = new Set((await trx('vpn_groups').where({ network_id: networkId }).whereIn('id', groupIds).select('id')).map((r: { id: string }) => r.id))
  const missing = groupIds.findIndex(g => !found.has(g))
  if (missing >= 0) throw invalid(`${pointer}/${missing}`, `no group ${groupIds[missing]} in this network`)
}

/**
 * Creates a peer with the next free address. Concurrent creations may pick the same address: the
 * unique constraint (tenant, network, host index) refuses all but one, and the others retry with a
 * fresh look at the used addresses, each attempt in a savepoint so the caller's transaction lives
 * on. Candidates are drawn at random among the first free addresses to keep collisions rare.
 */
export async function createPeer (vpn: Vpn, trx: Transaction, tenantId: string, input: NewPeer): Promise<PeerRow> {
  if (!isWireGuardKey(input.publicKey)) throw invalid('/publicKey', 'not a WireGuard public key (32 bytes, base64)')
  const network = await trx('vpn_networks').where({ id: input.networkId }).first() as NetworkRow | undefined
  if (!network) throw invalid('/networkId', `no network ${input.networkId}`)
  const net = parseNet4(network.cidr4)
  if (!net.ok) throw new ApiError('internal_error', 'stored network CIDR is invalid')
  const groupIds = [...new Set(input.groupIds ?? [])]
  await checkGroups(trx, input.networkId, groupIds, '/groupIds')
  if (input.kind === 'appliance') {
    if (!input.deviceId) throw invalid('/deviceId', 'an appliance peer names its device')
    const [device] = await vpn.devices().getDevices(trx, [input.deviceId])
    if (!device) throw invalid('/deviceId', `no device ${input.deviceId}`)
    if (device.revoked) throw new ApiError('invalid_state', `Device ${device.name} is revoked`)
  }
  const taken = await trx('vpn_peers').where({ public_key: input.publicKey }).first('id')
  if (taken) throw new VpnError('vpn_key_in_use', 'Generate a new key pair for this peer: keys are never shared')

  const now = vpn.ctx.clock.now()
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const used = (await trx('vpn_peers').where({ network_id: input.networkId }).select('host_index')).map((r: { host_index: string | number }) => Number(r.host_index))
    const free = freeIndexes(net.value, used, 16)
    if (free.length === 0) throw new VpnError('vpn_network_full', `All ${net.value.size - 2} addresses of ${network.cidr4} are taken`)
    const index = free[Math.floor(Math.random() * free.length)]!
    const row = {
      tenant_id: tenantId, id: randomUUID(), network_id: input.networkId, name: input.name.trim(), kind: input.kind,
      device_id: input.deviceId ?? null, user_id: input.userId ?? null, public_key: input.publicKey,
      address4: address4At(net.value, index), host_index: index, address6: network.prefix6 ? address6At(network.prefix6, index) : null,
      endpoint: input.endpoint ?? null, keepalive: input.keepalive ?? null, key_created_at: now, revoked_at: null,
      setup_key_id: input.setupKeyId ?? null, created_at: now, updated_at: now
    }
    try {
      await trx.transaction(async sp => { await sp('vpn_peers').insert(row) })
    } catch (err) {
      const which = uniqueViolation(err)
      if (which === null) throw err
      if (which.includes('host_index')) continue
      if (which.includes('public_key')) throw new VpnError('vpn_key_in_use', 'Generate a new key pair for this peer: keys are never shared')
      if (which.includes('device_id')) throw new ApiError('conflict', 'This device is a peer of the network already')
      throw err
    }
    if (groupIds.length > 0) await trx('vpn_group_members').insert(groupIds.map(g => ({ tenant_id: tenantId, group_id: g, peer_id: row.id })))
    await vpn.ctx.events.publish(trx, 'vpn.peer_changed', { peerId: row.id, networkId: row.network_id, name: row.name, change: 'created' }, { subject: row.id })
    vpn.liveAfter(trx, tenantId, 'peer.changed', { id: row.id, networkId: row.network_id, change: 'created' })
    return row as unknown as PeerRow
  }
  throw new ApiError('service_unavailable', 'Too many peers are being added to this network at once; try again', { headers: { 'retry-after': '1' } })
}

export async function groupsOfPeers (trx: Transaction, peerIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>()
  if (peerIds.length === 0) return map
  for (const r of await trx('vpn_group_members').whereIn('peer_id', peerIds).select('peer_id', 'group_id') as Array<{ peer_id: string, group_id: string }>) {
    let l = map.get(r.peer_id)
    if (!l) map.set(r.peer_id, l = [])
    l.push(r.group_id)
  }
  return map
}

export async function peerOr404 (trx: Transaction, id: string): Promise<PeerRow> {
  const row = await trx('vpn_peers').where({ id }).first() as PeerRow | undefined
  if (!row) throw notFound('peer', id)
  return row
}

/**
 * Replaces a peer's public key (an admin through PUT /peers/:id/key, or the appliance itself
 * through PUT /self/networks/:id/key) and re-applies the network in `trx`: the old key leaves
 * every other peer's config, and status reports under it no longer match the peer.
 */
export async function rotateKey (vpn: Vpn, trx: Transaction, tenantId: string, current: PeerRow, key: string): Promise<PeerRow> {
  if (!isWireGuardKey(key)) throw invalid('/publicKey', 'not a WireGuard public key (32 bytes, base64)')
  if (current.revoked_at) throw new ApiError('invalid_state', 'The peer is revoked: add a new peer instead')
  if (current.public_key === key) throw new VpnError('vpn_key_in_use', 'That is the peer\'s current key: generate a new pair')
  const now = vpn.ctx.clock.now()
  let row: PeerRow | undefined
  try {
    // A savepoint: a key another peer holds fails here without aborting the caller's transaction on PostgreSQL.
    [row] = await trx.transaction(sp => sp('vpn_peers').where({ id: current.id }).update({ public_key: key, key_created_at: now, updated_at: now }).returning('*')) as PeerRow[]
  } catch (err) {
    if (uniqueViolation(err) !== null) throw new VpnError('vpn_key_in_use', 'Generate a new key pair for this peer: keys are never shared')
    throw err
  }
  await vpn.ctx.events.publish(trx, 'vpn.peer_changed', { peerId: current.id, networkId: current.network_id, name: current.name, change: 'key_rotated' }, { subject: current.id })
  await vpn.apply(trx, tenantId, current.network_id)
  vpn.liveAfter(trx, tenantId, 'peer.changed', { id: current.id, networkId: current.network_id, change: 'key_rotated' })
  return row!
}
