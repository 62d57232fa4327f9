import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import { claimEvents, deferEvents, dueWork, startOfInbox, type DueCursor } from './inbox.ts'
import type { IngestConsumer } from './types.ts'
import { createNap } from '../dispatch/nap.ts'
import { inSpan } from '../telemetry/tracing.ts'

export interface Consumer { pluginId: string, handler: IngestConsumer, batchSize: number }

const MAX_ATTEMPTS = 10
const backoffMs = (attempt: number) => Math.min(300_000, 1000 * 2 ** (attempt - 1))
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err))
// A commit pokes the dispatcher; pokes within this time of the last round wait for its end, so
// events committed meanwhile travel together. Without it, an embedded database (one connection,
// run on the server's own thread) spent most of its time on rounds of one event each.
const GAP_MS = 20
// A tenant and kind whose batches come back full keep the dispatcher this long per round, so a
// deep backlog does not wait for a search of due work between batches; the others still get
// their turn in the same round.
const SLICE_MS = 250
// Tenants and kinds per round in each lane (fresh, retries); with more due, the next round goes on
// where this one stopped.
const ROUND_PAIRS = 100

/**
 * Moves events from the inbox to their consumers: per tenant and kind, a batch is claimed,
 * handed over and deleted in one tenant transaction. A failed batch is retried with backoff,
 * one event at a time, and parked after 10 attempts (kept with its error for an operator).
 */
export function createDispatcher (deps: { owner: Knex, db: Database, consumers: Map<string, Consumer>, log: FastifyBaseLogger, pollMs: number }) {
  const { owner, db, consumers, log } = deps
  let running = false
  let loop: Promise<void> = Promise.resolve()
  let after: DueCursor = startOfInbox
  const nap = createNap(GAP_MS)

  function deliver (tenantId: string, kind: string, retries: boolean): Promise<number> {
    return inSpan(`ingest delivery ${kind}`, { 'monozu.tenant.id': tenantId, 'monozu.ingest.kind': kind }, () => deliverBatch(tenantId, kind, retries))
  }
  async function deliverBatch (tenantId: string, kind: string, retries: boolean): Promise<number> {
    const consumer = consumers.get(kind) as Consumer
    let seqs: string[] = []
    try {
      return await db.withTenant(tenantId, async trx => {
        const { rows, events } = await claimEvents(trx, tenantId, kind, consumer.batchSize, retries)
        seqs = rows.map(r => r.seq)
        if (events.length > 0) await consumer.handler(events, trx)
        return events.length
      })
    } catch (err) {
      if (seqs.length === 0) throw err
      const parked = await deferEvents(owner, seqs, errorText(err), MAX_ATTEMPTS, backoffMs)
      log.error({ err, plugin: consumer.pluginId, kind, tenantId, rows: seqs.length, parked }, parked > 0 ? 'ingest consumer failed; events parked after repeated failures' : 'ingest consumer failed; events will be retried')
      return 0
    }
  }

  /**
   * Delivers what is due, each tenant and kind in turn for up to SLICE_MS while its batches come
   * back full; `backlog`: one still did, or more were due than a round takes, so more is waiting.
   */
  async function round (): Promise<{ moved: number, backlog: boolean }> {
    const { work, next } = await dueWork(owner, [...consumers.keys()], ROUND_PAIRS, after)
    after = next
    let moved = 0
    let backlog = next.fresh !== null || next.retries !== null
    for (const { tenantId, kind, retries } of work) {
      const full = retries ? 1 : (consumers.get(kind) as Consumer).batchSize
      const started = Date.now()
      let n = 0
      do {
        if (!running) return { moved, backlog }
        n = await deliver(tenantId, kind, retries)
        moved += n
      } while (n >= full && Date.now() - started < SLICE_MS)
      if (n >= full) backlog = true
    }
    return { moved, backlog }
  }

  return {
    start (): void {
      if (running || consumers.size === 0) return
      running = true
      loop = (async () => {
        while (running) {
          let result = { moved: 0, backlog: false }
          try { result = await round() } catch (err) { log.error({ err }, 'ingest dispatch round failed') }
          nap.roundEnded()
          if (result.backlog || !running) continue
          await nap.sleep(result.moved > 0 ? GAP_MS : deps.pollMs)
        }
      })()
    },
    /** Another round soon (an ingest endpoint in this process just committed events): at once, or GAP_MS after the last. */
    poke (): void { nap.wake() },
    async stop (): Promise<void> {
      running = false
      nap.wake()
      await loop
    }
  }
}
