import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import type { Registered } from './publish.ts'
import { acknowledge, claimDeliveries, dueWork, recordFailure, type ClaimedRow, type Due } from './store.ts'
import type { DomainEvent } from './types.ts'
import { createNap } from '../dispatch/nap.ts'
import { inSpan } from '../telemetry/tracing.ts'

export interface DispatcherOptions {
  pollMs: number
  /** Deliveries per transaction. */
  batchSize: number
  /** Tenant-and-handler pairs served at once (1 on the embedded database: it has one connection). */
  concurrency: number
}

const ROUND_PAIRS = 200
// A pair whose batches come back full keeps its worker this long, then the others get a turn.
const SLICE_MS = 250
// Pokes within this time of the last round wait for its end, so events committed meanwhile travel together.
const GAP_MS = 5
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 5 * 60_000
// A handler that has not returned by then fails its attempt, so one stuck handler cannot hold its
// instance's dispatcher (and its batch's locks) for ever.
const HANDLER_TIMEOUT_MS = 60_000

async function within (work: Promise<void> | void, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the handler did not finish within ${ms / 1000} s`)), ms) })
  try { await Promise.race([Promise.resolve(work), late]) } finally { clearTimeout(timer) }
}

export function backoffMs (attempt: number): number {
  const raw = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.9 + Math.random() * 0.2))
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000)

const eventOf = (r: ClaimedRow): DomainEvent => ({
  id: r.event_id,
  type: r.type,
  tenantId: r.tenant_id,
  subject: r.subject,
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  occurredAt: new Date(r.occurred_at),
  attempt: r.attempts + 1
})

class HandlerFailed extends Error {
  readonly index: number
  readonly row: ClaimedRow
  readonly error: unknown
  /** How many events the failing call held: more than one for a batch handler. */
  readonly size: number
  constructor (index: number, row: ClaimedRow, error: unknown, size = 1) {
    super(errorText(error))
    this.index = index
    this.row = row
    this.error = error
    this.size = size
  }
}

/**
 * Delivers pending events to the handlers registered in this instance. Per tenant and handler,
 * a batch is claimed, each event handed to the handler in publish order, and the batch
 * acknowledged, all in one tenant transaction: the handler's writes and the acknowledgement
 * commit together. When a handler throws, the batch rolls back; the events before the failing
 * one are delivered again in a batch of their own, and the failing one (then first in line) is
 * charged an attempt, backs off exponentially (1 s doubling, capped at 5 min) and after its
 * maxAttempts is dead-lettered (a batch handler's failing batch is halved until the failing
 * event stands alone). A handler whose plugin is switched off for the tenant is skipped:
 * its deliveries wait, attempts uncounted.
 */
export function createDispatcher (deps: { owner: Knex, db: Database, features: Features, handlers: Map<string, Registered>, log: FastifyBaseLogger, options: DispatcherOptions }) {
  const { owner, db, handlers, log, options } = deps
  let running = false
  let loop: Promise<void> = Promise.resolve()
  // Failures recorded: a drain goes on after one, since a dead-lettered event frees its subject.
  let failures = 0

  const nap = createNap(GAP_MS)

  /** One batch of one handler in one tenant, as one span; the number delivered. */
  function deliver (pair: Due, limit: number): Promise<number> {
    return inSpan(`event delivery ${pair.plugin}:${pair.handler}`, { 'monozu.tenant.id': pair.tenantId, 'monozu.plugin': pair.plugin }, () => deliverBatch(pair, limit))
  }
  async function deliverBatch (pair: Due, limit: number): Promise<number> {
    const registered = handlers.get(`${pair.plugin}:${pair.handler}`) as Registered
    try {
      return await db.withTenant(pair.tenantId, async trx => {
        const rows = await claimDeliveries(trx, pair.tenantId, pair.plugin, pair.handler, limit)
        if (registered.batch) {
          if (rows.length > 0) {
            try { await within(registered.batch(rows.map(eventOf), trx), HANDLER_TIMEOUT_MS) } catch (err) { throw new HandlerFailed(0, rows[0] as ClaimedRow, err, rows.length) }
          }
        } else {
          for (let i = 0; i < rows.length; i++) {
            const row = rows[i] as ClaimedRow
            try { await within(registered.fn(eventOf(row), trx), HANDLER_TIMEOUT_MS) } catch (err) { throw new HandlerFailed(i, row, err) }
          }
        }
        if (rows.length > 0) await acknowledge(trx, pair.tenantId, rows)
        return rows.length
      })
    } catch (err) {
      if (!(err instanceof HandlerFailed)) throw err
      // Those before it did nothing wrong: deliver them alone; the failing event is then first in line.
      if (err.index > 0) return deliver(pair, err.index)
      // A batch does not say which event broke it: halve it until the failing one stands alone.
      if (err.size > 1) return deliver(pair, Math.ceil(err.size / 2))
      const attempt = err.row.attempts + 1
      const retryAt = attempt < err.row.max_attempts ? new Date(Date.now() + backoffMs(attempt)) : null
      await db.withTenant(pair.tenantId, trx => recordFailure(trx, err.row.seq, errorText(err.error), retryAt))
      failures++
      const context = { plugin: pair.plugin, handler: pair.handler, tenantId: pair.tenantId, event: err.row.event_id, type: err.row.type, subject: err.row.subject, attempt, err: err.error }
      if (retryAt) log.warn({ ...context, retryAt }, 'event handler failed; the event will be retried')
      else log.error(context, 'event handler failed for the last time: the event is dead-lettered')
      return 0
    }
  }

  /** Serves one pair until its batches stop coming back full or its slice is used; true if more is waiting. */
  async function serve (pair: Due): Promise<{ moved: number, more: boolean }> {
    const started = Date.now()
    let moved = 0
    let n = 0
    do {
      n = await deliver(pair, options.batchSize)
      moved += n
    } while (n >= options.batchSize && Date.now() - started < SLICE_MS && running)
    return { moved, more: n >= options.batchSize }
  }

  /** Delivers what is due to the handlers registered here; `backlog`: more is waiting. */
  async function round (): Promise<{ moved: number, backlog: boolean, pairs: number }> {
    const due = await dueWork(owner, [...handlers.keys()], ROUND_PAIRS)
    const enabled = await Promise.all(due.map(p => deps.features.isEnabled(p.tenantId, p.plugin)))
    const work = due.filter((_, i) => enabled[i])
    let moved = 0
    let backlog = due.length >= ROUND_PAIRS
    let next = 0
    const worker = async () => {
      while (next < work.length) {
        const pair = work[next++] as Due
        try {
          const r = await serve(pair)
          moved += r.moved
          if (r.more) backlog = true
        } catch (err) {
          log.error({ err, plugin: pair.plugin, handler: pair.handler, tenantId: pair.tenantId }, 'event delivery failed; it will be retried')
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(options.concurrency, work.length) }, worker))
    return { moved, backlog, pairs: work.length }
  }

  // Rounds of this instance run one at a time (the loop's and deliverEvents'), so a drain never
  // skips rows its own loop holds and takes that for idleness.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn)
    chain = next.catch(() => {})
    return next
  }

  return {
    start (): void {
      if (running || handlers.size === 0) return
      running = true
      loop = (async () => {
        while (running) {
          let result = { moved: 0, backlog: false, pairs: 0 }
          try { result = await exclusive(round) } catch (err) { log.error({ err }, 'event dispatch round failed') }
          nap.roundEnded()
          if (!running) break
          if (result.moved > 0 && result.backlog) continue
          await nap.sleep(result.moved > 0 ? GAP_MS : options.pollMs)
        }
      })()
    },
    /** Look for due deliveries now (an event was just committed here or on another instance). */
    poke (): void { nap.wake() },
    /** Delivers everything due now (retries still backing off are not due), then resolves with the count. */
    async drain (): Promise<number> {
      let total = 0
      for (;;) {
        const before = failures
        const r = await exclusive(round)
        total += r.moved
        if (r.moved === 0 && failures === before) return total
      }
    },
    async stop (): Promise<void> {
      running = false
      nap.wake()
      await loop
    }
  }
}
