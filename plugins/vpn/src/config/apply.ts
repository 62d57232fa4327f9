import { createHash } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from '@monozu/kernel'
import type { DevicesService } from '@monozu/plugin-devices/service'
import { compile } from '../policy/compile.ts'
import { loadNetwork, renderNetwork, renderPeer, type NetworkState } from '../store.ts'
import { renderFirewall, renderWgQuick } from './render.ts'
import { applyStateOf, type ApplyState } from './results.ts'

export interface ApplyDeps { devices: () => DevicesService, log: FastifyBaseLogger, now: () => Date }

/** The rendered config and firewall of each (non-revoked) peer of a loaded network. */
export function renderAll (state: NetworkState, only?: ReadonlySet<string>): Map<string, { config: string, firewall: string }> {
  const plans = compile(state.input, only)
  const net = renderNetwork(state.network)
  const byId = new Map(state.peers.map(p => [p.id, renderPeer(p)]))
  const out = new Map<string, { config: string, firewall: string }>()
  for (const [peerId, plan] of plans) {
    const self = byId.get(peerId)!
    out.set(peerId, { config: renderWgQuick(net, self, plan, byId), firewall: renderFirewall(self, plan) })
  }
  return out
}

/**
 * After any change to a network (peers, groups, policies, routes, settings), inside the change's
 * transaction: re-renders every appliance's config, stores those that changed (what appliances
 * fetch) and queues one `vpn.apply` command for each such appliance, so it fetches the new config.
 * Appliances whose config did not change hear nothing. Returns the peers that were told.
 */
export async function applyNetwork (deps: ApplyDeps, trx: Transaction, tenantId: string, networkId: string): Promise<string[]> {
  const state = await loadNetwork(trx, networkId)
  if (!state) return []
  const appliances = state.peers.filter(p => p.kind === 'appliance' && p.device_id && p.revoked_at === null)
  const rendered = renderAll(state, new Set(appliances.map(p => p.id)))
  const stored = new Map((await trx('vpn_appliance_configs').whereIn('peer_id', appliances.map(p => p.id)).select('peer_id', 'config_hash', 'command_id'))
    .map((r: { peer_id: string, config_hash: string, command_id: string | null }) => [r.peer_id, r]))
  const told: string[] = []
  const now = deps.now()
  for (const peer of appliances) {
    const r = rendered.get(peer.id)!
    const hash = createHash('sha256').update(r.config).update('\n').update(r.firewall).digest('hex')
    const before = stored.get(peer.id)
    if (before?.config_hash === hash) continue
    let commandId: string | null = null
    let apply: { state: ApplyState, error: string | null } = { state: 'pending', error: null }
    try {
      const cmd = await deps.devices().sendCommand(trx, {
        deviceId: peer.device_id!, type: 'vpn.apply', payload: { networkId, resource: 'vpn/config', configHash: hash },
        ttlSeconds: 3600, timeoutSeconds: 120, idempotencyKey: `vpn.apply:${peer.id}:${hash}:after:${before?.command_id ?? 'none'}`
      })
      commandId = cmd.id
      // Keyed by the command it follows, so a config going A -> B -> A is sent again (the agent
      // applied B); a repeat of the same step returns the first command, possibly finished already.
      if (!cmd.created) apply = applyStateOf(cmd.state)
      told.push(peer.id)
    } catch (err) {
      // A revoked or deleted device cannot take commands; its config is still stored for when it returns.
      deps.log.warn({ err, peerId: peer.id, deviceId: peer.device_id }, 'vpn: vpn.apply not queued')
      apply = { state: 'failed', error: `not sent: ${(err as Error).message}`.slice(0, 500) }
    }
    await trx('vpn_appliance_configs').insert({
      tenant_id: tenantId, peer_id: peer.id, device_id: peer.device_id, config: r.config, firewall: r.firewall, config_hash: hash, command_id: commandId, rendered_at: now,
      apply_state: apply.state, apply_error: apply.error, apply_finished_at: null
    }).onConflict(['tenant_id', 'peer_id']).merge(['device_id', 'config', 'firewall', 'config_hash', 'command_id', 'rendered_at', 'apply_state', 'apply_error', 'apply_finished_at'])
  }
  // Revoked appliances get no config: they are out of the network.
  const revoked = state.peers.filter(p => p.revoked_at !== null).map(p => p.id)
  if (revoked.length > 0) await trx('vpn_appliance_configs').whereIn('peer_id', revoked).del()
  return told
}
