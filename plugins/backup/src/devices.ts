import type { Transaction } from '@monozu/kernel'
import { devicesService, type DevicesService } from '@monozu/plugin-devices/service'
import type { Ctx } from './context.ts'
import { ensureDevices } from './device-status.ts'

export interface Devices {
  service: DevicesService
  /** Which of these ids are the tenant's devices. */
  known (trx: Transaction, ids: string[]): Promise<Set<string>>
  /** Makes sure backup knows these devices, named by their hostnames. */
  ensure (trx: Transaction, tenantId: string, ids: string[], now: Date): Promise<void>
}

export function devicesOf (ctx: Ctx): Devices {
  const service = ctx.service(devicesService)
  return {
    service,
    async known (trx, ids) {
      return new Set((await service.getDevices(trx, ids)).map(d => d.id))
    },
    async ensure (trx, tenantId, ids, now) {
      if (ids.length === 0) return
      const have = new Set<string>((await trx('backup_devices').whereIn('device_id', ids).select('device_id')).map((r: { device_id: string }) => r.device_id))
      const missing = ids.filter(id => !have.has(id))
      if (missing.length === 0) return
      const named = await service.getDevices(trx, missing)
      await ensureDevices(trx, tenantId, named.map(d => ({ id: d.id, name: d.name })), now)
    }
  }
}
