import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '@monozu/kernel'
import type { DevicesService } from './devices.ts'

/**
 * Last contact per device, written once a second per tenant instead of in every ingest commit:
 * concurrent commits then never wait on each other's device-row locks. A crash loses at most the
 * last second of contact times, never an event.
 */
export function createContacts (db: Database, devices: Pick<DevicesService, 'touch'>, log: FastifyBaseLogger, everyMs = 1000) {
  let pending = new Map<string, Set<string>>()
  let flushing: Promise<void> = Promise.resolve()

  async function flush (): Promise<void> {
    const batch = pending
    pending = new Map()
    for (const [tenantId, ids] of batch) {
      try { await db.withTenant(tenantId, trx => devices.touch(trx, [...ids])) } catch (err) { log.warn({ err, tenantId, devices: ids.size }, 'could not record device contact; it will be recorded on the next request') }
    }
  }
  const timer = setInterval(() => { flushing = flushing.then(flush) }, everyMs)
  timer.unref()

  return {
    seen (tenantId: string, deviceId: string): void {
      let ids = pending.get(tenantId)
      if (!ids) pending.set(tenantId, ids = new Set())
      ids.add(deviceId)
    },
    async stop (): Promise<void> {
      clearInterval(timer)
      flushing = flushing.then(flush)
      await flushing
    }
  }
}
