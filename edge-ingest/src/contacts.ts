import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '@monozu/kernel'
import type { DevicesService } from '@monozu/plugin-devices/service'

const DATING_WINDOW_MS = 5000

/** Device id to the time (ms) of its latest request, for one tenant. */
type Seen = Map<string, number>

/**
 * Last contact per device, written once a second per tenant instead of in every ingest commit:
 * concurrent commits then never wait on each other's device-row locks. A write that fails is
 * kept and tried again on the next flush with the times the requests came, so a database outage
 * neither loses a contact nor dates it more than 5 s later than it happened. Only a crash (the last
 * second's contacts) or a shutdown while the database is away (logged) loses contacts, never an event.
 */
export function createContacts (db: Database, devices: Pick<DevicesService, 'touch'>, log: FastifyBaseLogger, options: { everyMs?: number, concurrency?: number } = {}) {
  const everyMs = options.everyMs ?? 1000
  // Two tenants at a time: one by one, a flush over thousands of active tenants would take
  // longer than its interval; all at once, it would take the pool from ingest commits.
  const concurrency = options.concurrency ?? 2
  let pending = new Map<string, Seen>()
  let running: Promise<void> | null = null

  function keep (tenantId: string, seen: Seen): void {
    const now = pending.get(tenantId)
    if (!now) return void pending.set(tenantId, seen)
    for (const [deviceId, at] of seen) {
      const known = now.get(deviceId)
      if (known === undefined || known < at) now.set(deviceId, at)
    }
  }

  /** Writes one tenant's contacts; on failure keeps them and returns the error. */
  async function write (tenantId: string, seen: Seen): Promise<unknown> {
    // One update per 5 s window of contact times, each dated at its window's latest request:
    // after a retry a device keeps (within 5 s) its own time. Whole seconds would cost most
    // flushes two updates, since a flush's second of contacts nearly always spans two of them.
    const windows = new Map<number, { ids: string[], at: number }>()
    for (const [deviceId, at] of seen) {
      const slot = Math.floor(at / DATING_WINDOW_MS)
      const group = windows.get(slot)
      if (!group) windows.set(slot, { ids: [deviceId], at })
      else { group.ids.push(deviceId); if (at > group.at) group.at = at }
    }
    try {
      await db.withTenant(tenantId, async trx => {
        for (const { ids, at } of windows.values()) await devices.touch(trx, ids, new Date(at))
      })
      return null
    } catch (err) {
      keep(tenantId, seen)
      return err
    }
  }

  async function flush (): Promise<void> {
    const batch = [...pending]
    pending = new Map()
    let next = 0
    let failed = 0
    let firstError: unknown = null
    const worker = async () => {
      while (next < batch.length) {
        const [tenantId, seen] = batch[next++]!
        const err = await write(tenantId, seen)
        if (err !== null && failed++ === 0) firstError = err
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker))
    // One line per flush, not per tenant: an outage would otherwise log every active tenant each second.
    if (failed > 0) log.warn({ err: firstError, tenants: failed, of: batch.length }, 'could not record device contacts; trying again on the next flush')
  }

  /** Starts a flush unless one runs: a slow flush is never stacked on, the next one takes all. */
  function tick (): Promise<void> {
    running ??= flush().finally(() => { running = null })
    return running
  }
  const timer = setInterval(tick, everyMs)
  timer.unref()

  return {
    seen (tenantId: string, deviceId: string): void {
      let seen = pending.get(tenantId)
      if (!seen) pending.set(tenantId, seen = new Map())
      seen.set(deviceId, Date.now())
    },
    async stop (): Promise<void> {
      clearInterval(timer)
      await running
      await tick()
      if (pending.size > 0) log.warn({ tenants: pending.size }, 'device contacts not recorded at shutdown')
    }
  }
}
