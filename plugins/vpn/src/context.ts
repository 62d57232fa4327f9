import type { PluginContext, Transaction } from '@monozu/kernel'
import { devicesService, type DevicesService } from '@monozu/plugin-devices/service'
import { applyNetwork } from './config/apply.ts'
import { ConfigCache } from './config/cache.ts'

export type VpnConfig = {
  handshakeTimeoutSeconds: number
  flapTransitions: number
  flapWindowMinutes: number
  keyRotationDays: number
  historyDays: number
  configCacheSeconds: number
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
  /** The appliances' per-network configs in memory (the self routes); apply drops a network's on commit. */
  configs: ConfigCache
}

// One cache per plugin context: start() and the demo seed build their Vpn from the same ctx.
const caches = new WeakMap<object, ConfigCache>()

export function vpnOf (ctx: PluginContext<VpnConfig>): Vpn {
  let devices: DevicesService | undefined
  const getDevices = () => (devices ??= ctx.service(devicesService))
  const live = (tenantId: string, event: string, data: Record<string, unknown>) => {
    ctx.channels.publish(tenantId, 'vpn', event, data).catch(err => ctx.log.warn({ err, event }, 'vpn: live event not published'))
  }
  let configs = caches.get(ctx)
  if (!configs) caches.set(ctx, configs = new ConfigCache((ctx.config.configCacheSeconds ?? 2) * 1000, () => Date.now()))
  const cache = configs
  return {
    ctx,
    devices: getDevices,
    configs: cache,
    async apply (trx, tenantId, networkId) {
      const told = await applyNetwork({ devices: getDevices, log: ctx.log, now: () => ctx.clock.now() }, trx, tenantId, networkId)
      ;(trx as Transaction & { executionPromise: Promise<unknown> }).executionPromise.then(() => cache.dropNetwork(networkId), () => {})
      return told
    },
    live,
    liveAfter (trx, tenantId, event, data) {
      (trx as Transaction & { executionPromise: Promise<unknown> }).executionPromise.then(() => live(tenantId, event, data), () => {})
    }
  }
}
