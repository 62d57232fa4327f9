import type { PluginContext, Transaction } from '@monozu/kernel'
import { devicesService, type DevicesService } from '@monozu/plugin-devices/service'
import { applyNetwork } from './config/apply.ts'

export type VpnConfig = {
  handshakeTimeoutSeconds: number
  flapTransitions: number
  flapWindowMinutes: number
  keyRotationDays: number
  historyDays: number
}

/** What the module's parts share: the plugin context, the devices service and the apply step. */
export interface Vpn {
  ctx: PluginContext<VpnConfig>
  devices (): DevicesService
  /** Re-renders the network's appliance configs in `trx` and queues vpn.apply where they changed. */
  apply (trx: Transaction, tenantId: string, networkId: string): Promise<string[]>
  /** A live event on channel `vpn` once `trx` commits (never if it rolls back). */
  liveAfter (trx: Transaction, tenantId: string, event: string, data: Record<string, unknown>): void
  live (tenantId: string, event: string, data: Record<string, unknown>): void
}

export function vpnOf (ctx: PluginContext<VpnConfig>): Vpn {
  let devices: DevicesService | undefined
  const getDevices = () => (devices ??= ctx.service(devicesService))
  const live = (tenantId: string, event: string, data: Record<string, unknown>) => {
    ctx.channels.publish(tenantId, 'vpn', event, data).catch(err => ctx.log.warn({ err, event }, 'vpn: live event not published'))
  }
  return {
    ctx,
    devices: getDevices,
    apply: (trx, tenantId, networkId) => applyNetwork({ devices: getDevices, log: ctx.log, now: () => ctx.clock.now() }, trx, tenantId, networkId),
    live,
    liveAfter (trx, tenantId, event, data) {
      (trx as Transaction & { executionPromise: Promise<unknown> }).executionPromise.then(() => live(tenantId, event, data), () => {})
    }
  }
}
