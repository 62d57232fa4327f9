import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import { describe, retryAfterMs, sleep } from './http.ts'
import type { Log } from './log.ts'
import type { Stats } from './stats.ts'

const gzip = promisify(gzipCallback)

/** An event with its envelope: `kind`, `id` (kept across retries, so the server de-duplicates), `ts`. */
export interface IngestEvent { kind: string, id: string, ts: string, [field: string]: unknown }

export interface SenderOptions {
  url: string
  hostname: string
  key: () => string
  format: 'json' | 'ndjson'
  gzip: boolean
  /** Events per request (the server takes at most 10,000). */
  maxBatch: number
  /** Events a device keeps while the server is slow or away; beyond it, new ones are skipped. */
  maxBuffer: number
  stats: Stats
  log: Log
}

// The server caps a request at 5 MiB decompressed; stay well under it.
const MAX_BODY = 4 * 1024 * 1024
const MAX_BACKOFF = 30_000
// After the stop deadline, how long a request already on the wire may still take to be answered:
// cutting it at once would leave its events neither confirmed nor safely unsent.
const IN_FLIGHT_GRACE = 3000

/**
 * One device's ingest queue: one request in flight at a time, retried with the same events
 * (and so the same ids) until the server has committed them, so nothing is lost or doubled.
 */
export class IngestSender {
  private pending: IngestEvent[] = []
  private inFlight = 0
  private loop: Promise<void> | null = null
  /** Stop: no new attempt, no more waiting between attempts. */
  private abort = new AbortController()
  /** A request still in flight this long after the stop is given up: its outcome is unknown. */
  private cut = new AbortController()
  private warnedKinds = new Set<string>()
  /** Why the device stopped sending (its key was refused), or null. */
  halted: string | null = null
  readonly options: SenderOptions

  constructor (options: SenderOptions) {
    this.options = options
  }

  get buffered (): number { return this.pending.length + this.inFlight }
  /** How many more events fit in the buffer. */
  get room (): number { return this.halted ? 0 : Math.max(0, this.options.maxBuffer - this.buffered) }

  /** Queues events and starts sending; returns how many fit in the buffer. */
  push (events: IngestEvent[]): number {
    if (this.halted) return 0
    const taken = events.length <= this.room ? events : events.slice(0, this.room)
    this.options.stats.events.skipped += events.length - taken.length
    this.options.stats.events.queued += taken.length
    // A loop, not push(...taken): a large tick would overflow the argument stack.
    for (const event of taken) this.pending.push(event)
    this.kick()
    return taken.length
  }

  private kick (): void {
    if (this.loop) return
    this.loop = this.drain()
      .catch(err => this.options.log.warn(`${this.options.hostname}: ingest sender failed: ${describe(err)}`))
      .finally(() => {
        this.loop = null
        // Events pushed while the last request was finishing still need a loop.
        if (this.pending.length > 0 && !this.halted && !this.abort.signal.aborted) this.kick()
      })
  }

  /** Waits until everything queued is committed, or gives up at `deadline` (ms since epoch). */
  async flush (deadline: number): Promise<void> {
    const left = Math.max(0, deadline - Date.now())
    const timers = [setTimeout(() => this.abort.abort(), left), setTimeout(() => this.cut.abort(), left + IN_FLIGHT_GRACE)]
    try { while (this.loop) await this.loop } finally { for (const t of timers) clearTimeout(t) }
  }

  private async drain (): Promise<void> {
    while (this.pending.length > 0 && !this.halted && !this.abort.signal.aborted) {
      const batch = this.take()
      this.inFlight = batch.events.length
      const undelivered = await this.send(batch.events, batch.lines)
      this.inFlight = 0
      // Given up only when stopping: put the events back so the summary counts them as buffered.
      if (undelivered > 0) { this.pending.unshift(...batch.events.slice(-undelivered)); return }
    }
  }

  /** The next batch: one kind for JSON bodies, any mix for NDJSON; within the count and size caps. */
  private take (): { events: IngestEvent[], lines: string[] } {
    const kind = this.pending[0]!.kind
    const events: IngestEvent[] = []
    const lines: string[] = []
    const rest: IngestEvent[] = []
    let size = 0
    for (const event of this.pending) {
      const fits = events.length < this.options.maxBatch && size < MAX_BODY && (this.options.format === 'ndjson' || event.kind === kind)
      if (!fits) { rest.push(event); continue }
      const line = JSON.stringify(this.options.format === 'json' ? { ...event, kind: undefined } : event)
      events.push(event)
      lines.push(line)
      size += line.length + 1
    }
    this.pending = rest
    return { events, lines }
  }

  private async body (events: IngestEvent[], lines: string[]): Promise<{ body: Uint8Array | string, headers: Record<string, string> }> {
    const json = this.options.format === 'json'
    const text = json ? `{"kind":${JSON.stringify(events[0]!.kind)},"events":[${lines.join(',')}]}` : lines.join('\n') + '\n'
    const headers: Record<string, string> = { 'content-type': json ? 'application/json' : 'application/x-ndjson' }
    if (!this.options.gzip) return { body: text, headers }
    return { body: new Uint8Array(await gzip(text)), headers: { ...headers, 'content-encoding': 'gzip' } }
  }

  /**
   * Sends until the server has answered for the batch (accepted, or refused for good). Returns
   * how many events at its end were not delivered: non-zero only when stopping cut it short.
   */
  private async send (events: IngestEvent[], lines: string[]): Promise<number> {
    const { stats, log, hostname } = this.options
    const { body, headers } = await this.body(events, lines)
    let backoff = 500
    let refused = 0
    for (let attempt = 0; ; attempt++) {
      if (this.abort.signal.aborted) return events.length
      if (attempt > 0) stats.retries++
      let res: Response
      try {
        res = await fetch(new URL('/v1/ingest', this.options.url), {
          method: 'POST',
          headers: { ...headers, 'x-device-key': this.options.key() },
          body,
          signal: AbortSignal.any([this.cut.signal, AbortSignal.timeout(30_000)])
        })
      } catch (err) {
        if (this.cut.signal.aborted) return this.unconfirmed(events)
        if (this.abort.signal.aborted) return events.length
        log.warnThrottled('ingest-network', `ingest: ${describe(err)}; retrying with backoff`)
        await sleep(jitter(backoff), this.abort.signal)
        backoff = Math.min(backoff * 2, MAX_BACKOFF)
        continue
      }
      stats.requests++
      const text = await res.text().catch(() => null)
      if (text === null && this.cut.signal.aborted) return this.unconfirmed(events)
      if (res.status === 202) {
        this.count(events, parse(text ?? ''))
        return 0
      }
      if (res.status === 429 || res.status === 503) {
        log.warnThrottled(`ingest-${res.status}`, `ingest: ${res.status} from the server; backing off as Retry-After says`)
        await sleep(jitter(retryAfterMs(res.headers, 1000)), this.abort.signal)
        // A batch that grew while the server was away may cost more than the rate limit's burst
        // ever allows: after three refusals, send it in halves.
        if (res.status === 429 && ++refused >= 3 && events.length > 1) return await this.halves(events, lines)
        continue
      }
      const problem = parse(text ?? '')
      const what = `${res.status} ${problem?.code ?? ''} ${problem?.detail ?? ''}`.trim()
      if (res.status === 413 && events.length > 1) return await this.halves(events, lines)
      if (res.status === 401 || res.status === 403) {
        this.halted = what
        stats.events.dropped += events.length + this.pending.length
        this.pending = []
        log.warn(`${hostname}: ingest refused the device key (${what}); this device stops sending`)
        return 0
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 404 && res.status !== 408) {
        stats.events.dropped += events.length
        log.warnThrottled(`ingest-${res.status}`, `ingest: ${what}; ${events.length} events dropped`)
        return 0
      }
      log.warnThrottled(`ingest-${res.status}`, `ingest: ${what}; retrying with backoff`)
      await sleep(jitter(backoff), this.abort.signal)
      backoff = Math.min(backoff * 2, MAX_BACKOFF)
    }
  }

  /** Sent, but the answer was cut off by the stop: the server may or may not have stored them. */
  private unconfirmed (events: IngestEvent[]): number {
    this.options.stats.events.unconfirmed += events.length
    this.options.log.warn(`${this.options.hostname}: stopped while ${events.length} events were on the wire; the server may or may not have stored them`)
    return 0
  }

  /** Each half keeps its events' ids, so a half the server already took comes back as duplicates. */
  private async halves (events: IngestEvent[], lines: string[]): Promise<number> {
    const half = Math.ceil(events.length / 2)
    const first = await this.send(events.slice(0, half), lines.slice(0, half))
    if (first > 0) return first + (events.length - half)
    return this.send(events.slice(half), lines.slice(half))
  }

  private count (events: IngestEvent[], answer: any): void {
    const { stats, log } = this.options
    stats.events.sent += events.length
    stats.events.accepted += Number(answer?.accepted ?? 0)
    stats.events.duplicates += Number(answer?.duplicates ?? 0)
    const rejected: Array<{ index: number, code: string, detail?: string }> = Array.isArray(answer?.rejected) ? answer.rejected : []
    stats.events.rejected += rejected.length
    for (const r of rejected) {
      stats.rejectedByCode[r.code] = (stats.rejectedByCode[r.code] ?? 0) + 1
      const kind = events[r.index]?.kind ?? '?'
      if (r.code === 'kind_not_enabled') {
        // Expected when the consuming plugin is not installed or licensed: say so once, carry on.
        if (!this.warnedKinds.has(kind)) log.warnThrottled(`not-enabled-${kind}`, `ingest: "${kind}" events are rejected with kind_not_enabled (is the plugin that consumes them installed and licensed?); continuing`)
        this.warnedKinds.add(kind)
      } else {
        log.warnThrottled(`rejected-${r.code}`, `ingest: a "${kind}" event was rejected: ${r.code}${r.detail ? ` (${r.detail})` : ''}`)
      }
    }
  }
}

const jitter = (ms: number) => ms + Math.random() * Math.min(250, ms * 0.2)

function parse (text: string): any {
  try { return JSON.parse(text) } catch { return null }
}
