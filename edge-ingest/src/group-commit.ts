import type { FastifyBaseLogger } from 'fastify'
import { ApiError, type IngestEventInput, type PluginIngest } from '@monozu/kernel'

interface Waiting { events: IngestEventInput[], resolve: (stored: boolean[]) => void, reject: (err: unknown) => void }
interface TenantQueue { waiting: Waiting[], events: number, timer: NodeJS.Timeout | null, running: number }

export interface GroupCommitOptions {
  /** How long the first request of a batch waits for others to join it. */
  windowMs: number
  maxBatchEvents: number
  /** Events waiting for a commit beyond which new requests are refused (503). */
  maxQueuedEvents: number
  /**
   * Commits running at once (PostgreSQL pool). A tenant's batch goes at the end of the turn that
   * brought it; one beside a running commit of the same tenant only once it stopped growing (or is full).
   */
  concurrency: number
  /**
   * The events a tenant's batch needs before it starts beside the tenant's running commit. Every
   * commit pays a fixed cost (its WAL flush, about what 40 events cost): a small batch waits and
   * grows instead of paying it twice.
   */
  parallelMinEvents: number
}

export const overloaded = (detail: string, retryAfter = 1) => new ApiError('service_unavailable', detail, { headers: { 'retry-after': String(retryAfter) } })

/**
 * Group commit: concurrent requests of a tenant share one transaction. A request is answered
 * only after the transaction holding its events has committed, so a 202 means stored.
 *
 * A tenant's batch goes when the event-loop turn that brought it ends, so it holds every request
 * that turn parsed (an embedded database runs on this thread: committing the first request at
 * once would make every batch one request). While a commit of the tenant runs, the next batch
 * also waits until it stops growing, until a turn brought no new request, and then starts beside
 * it (up to `concurrency`) if it holds `parallelMinEvents`; a smaller one waits for the running
 * commit. Batches stay as large as the load makes them (each commit has a fixed cost: its WAL
 * flush), yet the database does not sit idle while the server has a large batch to add.
 */
export function createGroupCommit (ingest: PluginIngest, log: FastifyBaseLogger, options: GroupCommitOptions) {
  const queues = new Map<string, TenantQueue>()
  const ready: string[] = []
  let queued = 0
  let running = 0
  let closed = false
  let arrivals = 0
  let probe: { arrivals: number } | null = null

  /**
   * Starts what may start: `turnEnded` (called from setImmediate, after the turn's I/O), and
   * `settled`: no request arrived during that turn.
   */
  function schedule (turnEnded = false, settled = false): void {
    // Whether a batch left waiting may go at the end of a turn. One that waits only for its
    // tenant's running commit needs no probe (probing would keep the event loop polling for the
    // whole commit): that commit's end or the request that makes it large enough calls here again.
    let turnMatters = false
    for (let i = 0; i < ready.length && running < options.concurrency;) {
      const tenantId = ready[i] as string
      const queue = queues.get(tenantId)
      if (!queue || queue.waiting.length === 0) { ready.splice(i, 1); continue }
      const canGoAtTurnEnd = queue.running === 0 || queue.events >= options.parallelMinEvents
      const go = closed || queue.events >= options.maxBatchEvents || (canGoAtTurnEnd && (queue.running === 0 ? turnEnded : settled))
      if (!go) { turnMatters ||= canGoAtTurnEnd; i++; continue }
      ready.splice(i, 1)
      void commit(tenantId, queue)
    }
    if (turnMatters && running < options.concurrency && probe === null) armProbe()
  }

  function armProbe (): void {
    probe = { arrivals }
    setImmediate(() => {
      const settled = probe !== null && probe.arrivals === arrivals
      probe = null
      schedule(true, settled)
    })
  }

  function markReady (tenantId: string, queue: TenantQueue): void {
    if (queue.timer) { clearTimeout(queue.timer); queue.timer = null }
    if (!ready.includes(tenantId)) ready.push(tenantId)
    schedule()
  }

  async function commit (tenantId: string, queue: TenantQueue): Promise<void> {
    // Counted first, then taken with one splice: a shift per request moves the whole array each
    // time once it is large, and a backlog of single-event requests as deep as maxQueuedEvents
    // allows (200,000) held the event loop for seconds while it drained.
    let taken = 0
    let count = 0
    while (taken < queue.waiting.length) {
      const size = (queue.waiting[taken] as Waiting).events.length
      if (taken > 0 && count + size > options.maxBatchEvents) break
      count += size
      taken++
    }
    const batch = queue.waiting.splice(0, taken)
    queue.events -= count
    queue.running++
    running++
    try {
      const stored = await ingest.commit(tenantId, batch.flatMap(w => w.events))
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
      queue.running--
      running--
      if (queue.waiting.length > 0) markReady(tenantId, queue)
      // Only this queue: a newer one for the tenant may already hold waiting requests.
      else if (queue.timer === null && queue.running === 0 && queues.get(tenantId) === queue) queues.delete(tenantId)
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
      arrivals++
      return new Promise((resolve, reject) => {
        let queue = queues.get(tenantId)
        if (!queue) queues.set(tenantId, queue = { waiting: [], events: 0, timer: null, running: 0 })
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
