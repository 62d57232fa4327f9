import type { FastifyBaseLogger } from 'fastify'
import { ApiError, type IngestEventInput, type PluginIngest } from '@monozu/kernel'

interface Waiting { tenantId: string, events: IngestEventInput[], resolve: (stored: boolean[]) => void, reject: (err: unknown) => void }

export interface GroupCommitOptions {
  /** How long the first request of a batch waits for others to join it. */
  windowMs: number
  /**
   * Events per commit (a larger request goes alone). A batch that reaches it starts at once, beside
   * a running commit if a slot is free: under steady load a turn never settles, and without the cap
   * the next batch waited for the running commit, so the slots took turns.
   */
  maxBatchEvents: number
  /** Events waiting for a commit beyond which new requests are refused (503). */
  maxQueuedEvents: number
  /**
   * Commits running at once (PostgreSQL pool). A batch goes at the end of the turn that brought
   * it; one beside a running commit only once it stopped growing (or is full).
   */
  concurrency: number
  /**
   * The events a batch needs before it starts beside a running commit. Every commit pays a fixed
   * cost (its WAL flush, about what 40 events cost): a small batch waits and grows instead of
   * paying it twice.
   */
  parallelMinEvents: number
}

export const overloaded = (detail: string, retryAfter = 1) => new ApiError('service_unavailable', detail, { headers: { 'retry-after': String(retryAfter) } })

/**
 * Group commit: concurrent requests share one transaction, whatever their tenants (the kernel
 * scopes each tenant's part to that tenant). A request is answered only after the transaction
 * holding its events has committed, so a 202 means stored.
 *
 * A batch goes when the event-loop turn that brought it ends, so it holds every request that turn
 * parsed (an embedded database runs on this thread: committing the first request at once would
 * make every batch one request). While a commit runs, the next batch also waits until it stops
 * growing, until a turn brought no new request, and then starts beside it (up to `concurrency`)
 * if it holds `parallelMinEvents`; a smaller one waits for the running commit. A batch that reaches
 * `maxBatchEvents` goes at once. Batches stay as large as the load makes them, up to that cap (each
 * commit has a fixed cost: its WAL flush), yet the database does not sit idle while the server has
 * a large batch to add. One queue for all tenants: with a commit per tenant, load spread over
 * many tenants made commits of about one event each.
 */
export function createGroupCommit (ingest: PluginIngest, log: FastifyBaseLogger, options: GroupCommitOptions) {
  const waiting: Waiting[] = []
  /** Events in `waiting`. */
  let waitingEvents = 0
  /** Events accepted and not yet answered (waiting or committing). */
  let queued = 0
  let running = 0
  /** The batch may go: at once (no window), its window passed, or it is full. */
  let ready = false
  let timer: NodeJS.Timeout | null = null
  let closed = false
  let arrivals = 0
  let probe: { arrivals: number } | null = null

  /**
   * Starts what may start: `turnEnded` (called from setImmediate, after the turn's I/O), and
   * `settled`: no request arrived during that turn.
   */
  function schedule (turnEnded = false, settled = false): void {
    while (ready && waiting.length > 0 && running < options.concurrency) {
      const canGoAtTurnEnd = running === 0 || waitingEvents >= options.parallelMinEvents
      const go = closed || waitingEvents >= options.maxBatchEvents || (canGoAtTurnEnd && (running === 0 ? turnEnded : settled))
      if (!go) {
        // A batch that waits only for a running commit needs no probe (probing would keep the
        // event loop polling for the whole commit): that commit's end, or the request that makes
        // the batch large enough, calls here again.
        if (canGoAtTurnEnd && probe === null) armProbe()
        return
      }
      void commit()
    }
  }

  function armProbe (): void {
    probe = { arrivals }
    setImmediate(() => {
      const settled = probe !== null && probe.arrivals === arrivals
      probe = null
      schedule(true, settled)
    })
  }

  function markReady (): void {
    if (timer) { clearTimeout(timer); timer = null }
    ready = true
    schedule()
  }

  /** The batch's events, one entry per tenant in the order the tenants first appear. */
  function byTenant (batch: Waiting[]): Map<string, IngestEventInput[]> {
    const tenants = new Map<string, IngestEventInput[]>()
    for (const w of batch) {
      let events = tenants.get(w.tenantId)
      if (!events) tenants.set(w.tenantId, events = [])
      for (const e of w.events) events.push(e)
    }
    return tenants
  }

  async function commit (): Promise<void> {
    // Counted first, then taken with one splice: a shift per request moves the whole array each
    // time once it is large, and a backlog of single-event requests as deep as maxQueuedEvents
    // allows (200,000) held the event loop for seconds while it drained.
    let taken = 0
    let count = 0
    while (taken < waiting.length) {
      const size = (waiting[taken] as Waiting).events.length
      if (taken > 0 && count + size > options.maxBatchEvents) break
      count += size
      taken++
    }
    const batch = waiting.splice(0, taken)
    waitingEvents -= count
    if (waiting.length === 0) ready = false
    running++
    const tenants = byTenant(batch)
    try {
      const stored = await ingest.commitTenants([...tenants].map(([tenantId, events]) => ({ tenantId, events })))
      // Each request's answers are the next ones of its tenant's part.
      const parts = new Map<string, { stored: boolean[], at: number }>()
      let i = 0
      for (const tenantId of tenants.keys()) parts.set(tenantId, { stored: stored[i++] as boolean[], at: 0 })
      for (const w of batch) {
        const part = parts.get(w.tenantId) as { stored: boolean[], at: number }
        w.resolve(part.stored.slice(part.at, part.at + w.events.length))
        part.at += w.events.length
      }
    } catch (err) {
      // Nothing of the batch was committed: every request in it may safely be retried.
      log.error({ err, tenants: tenants.size, requests: batch.length, events: count }, 'ingest commit failed')
      const error = overloaded('The events could not be stored right now; retry with the same event ids', 2)
      for (const w of batch) w.reject(error)
    } finally {
      queued -= count
      running--
      if (waiting.length > 0) markReady()
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
        waiting.push({ tenantId, events, resolve, reject })
        waitingEvents += events.length
        if (waitingEvents >= options.maxBatchEvents || options.windowMs === 0) markReady()
        else if (timer === null && !ready) timer = setTimeout(() => { timer = null; markReady() }, options.windowMs)
      })
    },
    /** Refuses new work and waits until everything accepted so far is committed (or failed). */
    async close (): Promise<void> {
      closed = true
      if (waiting.length > 0) markReady()
      while (queued > 0 || running > 0) await new Promise(resolve => setTimeout(resolve, 10))
    }
  }
}
