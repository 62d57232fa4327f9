import type { Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'

export type ApplyState = 'pending' | 'applied' | 'failed'

/** The devices plugin's command states, as an appliance's apply state (and why it failed). */
export function applyStateOf (state: string, exitCode?: number | null): { state: ApplyState, error: string | null } {
  if (state === 'succeeded') return { state: 'applied', error: null }
  if (state === 'failed') return { state: 'failed', error: exitCode == null ? 'failed' : `failed with exit code ${exitCode}` }
  if (state === 'timed_out') return { state: 'failed', error: 'timed out: the appliance reported no result in time' }
  if (state === 'expired') return { state: 'failed', error: 'expired: the appliance did not fetch the command in time' }
  if (state === 'cancelled') return { state: 'failed', error: 'cancelled' }
  return { state: 'pending', error: null }
}

interface CommandFinished { commandId: string, deviceId: string, type: string, state: string, exitCode?: number | null, finishedAt: string }

/**
 * Tracks vpn.apply results from `devices.command_finished` (plugin.json `subscribes`). Only the
 * appliance's current command counts: a late result of a command for an older config matches no
 * row and is dropped, so "applied" always means the config served now.
 */
export function trackApplyResults (vpn: Vpn): void {
  vpn.ctx.events.handle<CommandFinished>('onCommandFinished', async (event, trx) => {
    const p = event.payload
    if (p.type !== 'vpn.apply') return
    const { state, error } = applyStateOf(p.state, p.exitCode)
    const rows = await trx('vpn_appliance_configs').where({ command_id: p.commandId, device_id: p.deviceId })
      .update({ apply_state: state, apply_error: error, apply_finished_at: new Date(p.finishedAt) }, ['peer_id'])
    for (const r of rows as Array<{ peer_id: string }>) vpn.liveAfter(trx, event.tenantId, 'peer.apply', { id: r.peer_id, state, error })
  })
}

export interface ApplyStatus { state: ApplyState, error: string | null, configHash: string, renderedAt: string | null, finishedAt: string | null, commandId: string | null }

/** The apply status of these appliance peers (absent: no config, e.g. revoked or a user device). */
export async function applyStatuses (trx: Transaction, peerIds: string[]): Promise<Map<string, ApplyStatus>> {
  if (peerIds.length === 0) return new Map()
  const rows = await trx('vpn_appliance_configs').whereIn('peer_id', peerIds)
    .select('peer_id', 'apply_state', 'apply_error', 'config_hash', 'rendered_at', 'apply_finished_at', 'command_id') as Array<Record<string, unknown>>
  const iso = (d: unknown) => d == null ? null : new Date(d as string).toISOString()
  return new Map(rows.map(r => [r.peer_id as string, {
    state: r.apply_state as ApplyState, error: (r.apply_error as string | null) ?? null, configHash: r.config_hash as string,
    renderedAt: iso(r.rendered_at), finishedAt: iso(r.apply_finished_at), commandId: (r.command_id as string | null) ?? null
  }]))
}
