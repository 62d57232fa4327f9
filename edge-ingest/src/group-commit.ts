import type { FastifyBaseLogger } from 'fastify'
import { ApiError, type Database, type IngestEventInput, type PluginIngest } from '@monozu/kernel'

interface Waiting { events: IngestEventInput[], resolve: (stored: boolean[]) => void, reject: (err: unknown) => void }
interface TenantQueue { waiting: Waiting[], events: number, timer: NodeJS.Timeout | null }

export interface GroupCommitOptions {
  /** How long the first request of a batch waits for others to join it. */
  windowMs: number
  maxBatchEvents: number
  /** Events waiting for a commit beyond which new requests are refused (503). */
  maxQueuedEvents: number
  /** Commits running at once (PostgreSQL pool); further batches grow while they wait. */
  concurrency: number
}

export const overloaded = (detail: string, retryAfter = 1) => new ApiError('service_unavailable', detail, { headers: { 'retry-after': String(retryAfter) } })

/**
 * Group commit: concurrent requests of a tenant share one transaction. A request is answered
 * only after the transaction holding its events has committed, so a 202 means stored. While all
 * commit slots are busy, new requests join the next batch instead of queueing one by one.
 */
export function createGroupCommit (db: Database, ingest: PluginIngest, log: FastifyBaseLogger, options: GroupCommitOptions) {
  const queues = new Map<string, TenantQueue>()
  const ready: string[] = []
  let queued = 0
  let running = 0
  let closed = false

  function schedule (): void {
    while (running < options.concurrency && ready.length > 0) {
      const tenantId = ready.shift() as string
      const queue = queues.get(tenantId)
      if (!queue || queue.waiting.length === 0) continue
      void commit(tenantId, queue)
    }
  }

  function markReady (tenantId: string, queue: TenantQueue): void {
    if (queue.timer) { clearTimeout(queue.timer); queue.timer = null }
    if (!ready.includes(tenantId)) ready.push(tenantId)
    schedule()
  }

  async function commit (tenantId: string, queue: TenantQueue): Promise<void> {
    const batch: Waiting[] = []
    let count = 0
    while (queue.waiting.length > 0 && (batch.length === 0 || count + (queue.waiting[0] as Waiting).events.length <= options.maxBatchEvents)) {
      const w = queue.waiting.shift() as Waiting
      batch.push(w)
      count += w.events.length
    }
    queue.events -= count
    running++
    try {
      const stored = await db.withTenant(tenantId, trx => ingest.store(trx, tenantId, batch.flatMap(w => w.events)))
      let offset = 0
      for (const w of batch) {
        w.resolve(stored.slice(offset, offset + w.events.length))
        offset += w.events.length
      }
    } catch (err) {
      // Nothing of the batch was committed: every request in it may safely be retried.
      log.error({ err, tenantId, requests: batch.length, events: count }, 'ingest commit failed')
      const error = overloaded('The events could not be stored right now; retry with the same event ids', 2)
      for (const w of batch) w.reject(error)
    } finally {
      queued -= count
      running--
      if (queue.waiting.length > 0) markReady(tenantId, queue)
      // Only this queue: a newer one for the tenant may already hold waiting requests.
      else if (queue.timer === null && queues.get(tenantId) === queue) queues.delete(tenantId)
      schedule()
    }
  }

  return {
    /** Resolves with, per event, true when stored and false when a duplicate, after the commit. */
    submit (tenantId: string, events: IngestEventInput[]): Promise<boolean[]> {
      if (closed) return Promise.reject(overloaded('The ingest service is shutting down'))
      if (events.length === 0) return Promise.resolve([])
      if (queued + events.length > options.maxQueuedEvents) return Promise.reject(overloaded('Too many events are waiting to be stored; retry shortly'))
      queued += events.length
      return new Promise((resolve, reject) => {
        let queue = queues.get(tenantId)
        if (!queue) queues.set(tenantId, queue = { waiting: [], events: 0, timer: null })
        queue.waiting.push({ events, resolve, reject })
        queue.events += events.length
        const q = queue
        if (q.events >= options.maxBatchEvents || options.windowMs === 0) markReady(tenantId, q)
        else if (q.timer === null && !ready.includes(tenantId)) q.timer = setTimeout(() => { q.timer = null; markReady(tenantId, q) }, options.windowMs)
      })
    },
    /** Refuses new work and waits until everything accepted so far is committed (or failed). */
    async close (): Promise<void> {
      closed = true
      for (const [tenantId, q] of queues) if (q.waiting.length > 0) markReady(tenantId, q)
      while (queued > 0 || running > 0) await new Promise(resolve => setTimeout(resolve, 10))
    }
  }
}
