import { randomUUID } from 'node:crypto'
import type { IngestedEvent, Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { rateBetween } from './rates.ts'

/** One peer as an appliance's `wg show <if> dump` reports it (ingest kind vpn_status). */
export interface ReportedPeer { publicKey: string, latestHandshake: number, rxBytes: number, txBytes: number, endpoint?: string }

type StatusRow = { peer_id: string, status: string, last_handshake_at: Date | null, flapping: boolean, changed_at: Date }
type PeerRef = { id: string, network_id: string, name: string }

/**
 * Records one status change of a peer: the history interval opens or closes, the status row
 * changes, the change goes out as the domain event vpn.peer_status_changed and live on channel
 * vpn, and a peer with flapTransitions changes within flapWindowMinutes becomes flapping.
 */
async function transition (vpn: Vpn, trx: Transaction, tenantId: string, peer: PeerRef, previous: StatusRow | undefined, status: 'connected' | 'disconnected', at: Date, lastHandshakeAt: Date | null, now: Date): Promise<void> {
  if (status === 'connected') {
    await trx('vpn_peer_sessions').insert({ tenant_id: tenantId, id: randomUUID(), peer_id: peer.id, connected_at: at, disconnected_at: null })
  } else {
    await trx('vpn_peer_sessions').where({ peer_id: peer.id }).whereNull('disconnected_at').update({ disconnected_at: at })
  }
  await vpn.ctx.events.publish(trx, 'vpn.peer_status_changed', {
    peerId: peer.id, networkId: peer.network_id, name: peer.name, status, previous: previous ? previous.status as 'connected' | 'disconnected' : 'never',
    at: at.toISOString(), lastHandshakeAt: lastHandshakeAt?.toISOString() ?? null
  }, { subject: peer.id })
  vpn.liveAfter(trx, tenantId, 'peer.status', { id: peer.id, networkId: peer.network_id, status, at: at.toISOString() })

  const transitions = await countTransitions(vpn, trx, peer.id, now)
  if (!previous?.flapping && transitions >= vpn.ctx.config.flapTransitions) {
    // Conditional: `previous` may be stale (several changes of one peer in a batch, or the sweep
    // and an ingest batch at once on PostgreSQL); only the flip that changes the row is announced.
    const flipped = await trx('vpn_peer_status').where({ peer_id: peer.id, flapping: false }).update({ flapping: true, flapping_since: now }, ['peer_id'])
    if (flipped.length === 0) return
    await vpn.ctx.events.publish(trx, 'vpn.peer_flapping', { peerId: peer.id, networkId: peer.network_id, name: peer.name, flapping: true, transitions, windowMinutes: vpn.ctx.config.flapWindowMinutes }, { subject: peer.id })
    vpn.liveAfter(trx, tenantId, 'peer.flapping', { id: peer.id, networkId: peer.network_id, flapping: true, transitions })
  }
}

/** Status changes of a peer within the flap window: connections opened and closed in it. */
async function countTransitions (vpn: Vpn, trx: Transaction, peerId: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - vpn.ctx.config.flapWindowMinutes * 60_000)
  const [opened, closed] = await Promise.all([
    trx('vpn_peer_sessions').where({ peer_id: peerId }).where('connected_at', '>', since).count('* as n').first(),
    trx('vpn_peer_sessions').where({ peer_id: peerId }).where('disconnected_at', '>', since).count('* as n').first()
  ])
  return Number(opened?.n ?? 0) + Number(closed?.n ?? 0)
}

/**
 * Consumes a batch of vpn_status reports of one tenant. A peer is connected while its newest
 * handshake seen by any appliance is at most handshakeTimeoutSeconds older than the report.
 * Reports name peers by public key; keys this tenant does not know are ignored.
 */
export async function trackStatus (vpn: Vpn, events: IngestedEvent[], trx: Transaction): Promise<void> {
  const tenantId = events[0]!.tenantId
  const timeoutMs = vpn.ctx.config.handshakeTimeoutSeconds * 1000
  // Newest handshake per key across the batch, with the counters of that report.
  const best = new Map<string, { handshake: number, rx: number, tx: number, endpoint: string | null, reportedAt: Date }>()
  for (const e of events) {
    const reportedAt = new Date(e.ts)
    for (const p of (e.data as { peers: ReportedPeer[] }).peers) {
      const seen = best.get(p.publicKey)
      if (!seen || p.latestHandshake * 1000 > seen.handshake || (p.latestHandshake * 1000 === seen.handshake && reportedAt > seen.reportedAt)) {
        best.set(p.publicKey, { handshake: p.latestHandshake * 1000, rx: p.rxBytes, tx: p.txBytes, endpoint: p.endpoint ?? null, reportedAt })
      }
    }
  }
  if (best.size === 0) return
  const peers = await trx('vpn_peers').whereIn('public_key', [...best.keys()]).whereNull('revoked_at').select('id', 'network_id', 'name', 'public_key') as Array<PeerRef & { public_key: string }>
  const statuses = new Map((await trx('vpn_peer_status').whereIn('peer_id', peers.map(p => p.id)) as StatusRow[]).map(s => [s.peer_id, s]))
  const now = vpn.ctx.clock.now()
  for (const peer of peers) {
    const r = best.get(peer.public_key)!
    const previous = statuses.get(peer.id)
    const storedHandshake = previous?.last_handshake_at ? new Date(previous.last_handshake_at).getTime() : 0
    const handshake = Math.max(storedHandshake, r.handshake)
    const lastHandshakeAt = handshake > 0 ? new Date(handshake) : null
    const fresh = handshake > 0 && r.reportedAt.getTime() - handshake <= timeoutMs
    const status = fresh ? 'connected' : 'disconnected'
    const changed = previous?.status !== status && !(previous === undefined && status === 'disconnected')
    const at = status === 'connected' ? new Date(handshake) : new Date(Math.min(r.reportedAt.getTime(), handshake > 0 ? handshake + timeoutMs : r.reportedAt.getTime()))
    await trx('vpn_peer_status').insert({
      tenant_id: tenantId, peer_id: peer.id, status, last_handshake_at: lastHandshakeAt, rx_bytes: r.rx, tx_bytes: r.tx, endpoint: r.endpoint,
      changed_at: changed || !previous ? at : previous.changed_at, reported_at: r.reportedAt, flapping: previous?.flapping ?? false
    }).onConflict(['tenant_id', 'peer_id']).merge(['status', 'last_handshake_at', 'rx_bytes', 'tx_bytes', 'endpoint', 'changed_at', 'reported_at'])
    await trx('vpn_peer_traffic').insert({ tenant_id: tenantId, peer_id: peer.id, at: r.reportedAt, rx_bytes: r.rx, tx_bytes: r.tx }).onConflict(['tenant_id', 'peer_id', 'at']).ignore()
    if (changed) await transition(vpn, trx, tenantId, peer, previous, status, at, lastHandshakeAt, now)
    else {
      const prev = previous as (StatusRow & { rx_bytes?: string | number, tx_bytes?: string | number, reported_at?: Date }) | undefined
      const rate = prev?.reported_at ? rateBetween({ at: new Date(prev.reported_at), rxBytes: Number(prev.rx_bytes), txBytes: Number(prev.tx_bytes) }, { at: r.reportedAt, rxBytes: r.rx, txBytes: r.tx }) : null
      vpn.liveAfter(trx, tenantId, 'peer.traffic', { id: peer.id, rxBytes: r.rx, txBytes: r.tx, at: r.reportedAt.toISOString(), rxRate: rate?.rxRate ?? null, txRate: rate?.txRate ?? null })
    }
  }
}

/**
 * The periodic sweep (job `sweep`): a connected peer whose newest handshake grew older than the
 * timeout without a report saying so is disconnected (its appliance went quiet); a flapping peer
 * with at most one status change in the window is stable again. Old history is deleted.
 */
export async function sweep (vpn: Vpn, trx: Transaction, tenantId: string): Promise<void> {
  const now = vpn.ctx.clock.now()
  const timeoutMs = vpn.ctx.config.handshakeTimeoutSeconds * 1000
  const stale = await trx('vpn_peer_status as s').join('vpn_peers as p', function () { this.on('p.id', 's.peer_id').andOn('p.tenant_id', 's.tenant_id') })
    .where('s.status', 'connected').where('s.last_handshake_at', '<', new Date(now.getTime() - timeoutMs))
    .select('s.*', 'p.network_id', 'p.name') as Array<StatusRow & { network_id: string, name: string }>
  for (const s of stale) {
    const at = new Date(new Date(s.last_handshake_at!).getTime() + timeoutMs)
    await trx('vpn_peer_status').where({ peer_id: s.peer_id }).update({ status: 'disconnected', changed_at: at })
    await transition(vpn, trx, tenantId, { id: s.peer_id, network_id: s.network_id, name: s.name }, s, 'disconnected', at, new Date(s.last_handshake_at!), now)
  }
  const flapping = await trx('vpn_peer_status as s').join('vpn_peers as p', function () { this.on('p.id', 's.peer_id').andOn('p.tenant_id', 's.tenant_id') })
    .where('s.flapping', true).select('s.peer_id', 'p.network_id', 'p.name') as Array<{ peer_id: string, network_id: string, name: string }>
  for (const f of flapping) {
    const transitions = await countTransitions(vpn, trx, f.peer_id, now)
    if (transitions > 1) continue
    const cleared = await trx('vpn_peer_status').where({ peer_id: f.peer_id, flapping: true }).update({ flapping: false, flapping_since: null }, ['peer_id'])
    if (cleared.length === 0) continue
    await vpn.ctx.events.publish(trx, 'vpn.peer_flapping', { peerId: f.peer_id, networkId: f.network_id, name: f.name, flapping: false, transitions, windowMinutes: vpn.ctx.config.flapWindowMinutes }, { subject: f.peer_id })
    vpn.liveAfter(trx, tenantId, 'peer.flapping', { id: f.peer_id, networkId: f.network_id, flapping: false, transitions })
  }
  const horizon = new Date(now.getTime() - vpn.ctx.config.historyDays * 86_400_000)
  await trx('vpn_peer_sessions').whereNotNull('disconnected_at').where('disconnected_at', '<', horizon).del()
  await trx('vpn_peer_traffic').where('at', '<', horizon).del()
}
