import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../clock/clock.ts'
import type { Database } from '../db/database.ts'
import type { JobQueue, JobRow } from './queue.ts'
import type { JobDefinition } from './types.ts'
import { inSpan } from '../telemetry/tracing.ts'

export interface WorkerOptions {
  id: string
  leaseMs: number
  pollMs: number
  concurrency: number
  shutdownMs: number
}

interface Active { row: JobRow, abort: AbortController, done: Promise<void> }

export function backoffMs (def: Pick<JobDefinition, 'backoff'>, attempt: number): number {
  const raw = Math.min(def.backoff.maxMs, def.backoff.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.9 + Math.random() * 0.2))
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000)

/**
 * Claims due jobs in batches, runs them under a lease it keeps extending, and records the
 * outcome. Completions are batched into one UPDATE; a lost lease means another worker owns the
 * job, and the guarded UPDATEs then change nothing.
 */
export function createWorker (deps: {
  queue: JobQueue
  db: Database
  definitions: Map<string, JobDefinition>
  /** False when the job's plugin is switched off for its tenant: the job waits instead of running. */
  allowed: (row: JobRow) => Promise<boolean>
  log: FastifyBaseLogger
  /** Decides retry and lease times; polling and job timeouts stay in real time. */
  clock: Clock
  options: WorkerOptions
}) {
  const { queue, definitions, options, log, clock } = deps
  const active = new Map<string, Active>()
  let running = false
  let wakeUp: (() => void) | null = null
  let loopDone: Promise<void> = Promise.resolve()
  let completed: string[] = []
  let flushing: Promise<void> | null = null
  let stopHeartbeat: (() => void) | undefined
  // Callers of poll(): resolved once a claim that began after their call has finished.
  let rounds: Array<() => void> = []
  let flushTimer: NodeJS.Timeout | undefined
  let lastPoll = 0
  const pollDue = () => Date.now() - lastPoll >= options.pollMs

  const notify = () => { wakeUp?.(); wakeUp = null }
  const sleep = (ms: number) => new Promise<void>(resolve => {
    const timer = setTimeout(() => { wakeUp = null; resolve() }, ms)
    wakeUp = () => { clearTimeout(timer); resolve() }
  })

  function flush (): Promise<void> {
    if (flushing || completed.length === 0) return flushing ?? Promise.resolve()
    const ids = completed
    completed = []
    flushing = queue.complete(options.id, ids)
      .catch(err => log.error({ err, jobs: ids.length }, 'could not record finished jobs; their leases will expire and they will run again'))
      .finally(() => { flushing = null; if (completed.length > 0) void flush() })
    return flushing
  }

  async function run (row: JobRow, abort: AbortController): Promise<void> {
    const def = definitions.get(`${row.plugin}:${row.name}`)
    const jobLog = log.child({ job: row.id, jobName: `${row.plugin}:${row.name}`, tenantId: row.tenant, attempt: row.attempts })
    if (!def) return queue.release(options.id, [row.id])
    if (row.attempts > row.max_attempts) return queue.fail(options.id, row.id, row.last_error ?? 'the lease of its last attempt expired', null)
    if (!(await deps.allowed(row))) return queue.release(options.id, [row.id], new Date(clock.nowMs() + options.pollMs * 10))
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${def.timeoutMs} ms`)), def.timeoutMs)
    const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }))
    aborted.catch(() => {})
    try {
      const tenant = row.tenant
      const work = inSpan(`job ${row.plugin}:${row.name}`, { 'monozu.job.id': row.id, 'monozu.job.attempt': row.attempts, 'monozu.tenant.id': tenant ?? 'platform' }, () => Promise.resolve(def.handler({
        id: row.id, name: row.name, payload: JSON.parse(row.payload), tenantId: tenant, attempt: row.attempts, signal: abort.signal, log: jobLog,
        withTenant: fn => tenant ? deps.db.withTenant(tenant, fn) : Promise.reject(new Error(`${row.plugin}:${row.name} is a platform job; use ctx.db.withTenant(tenantId, ...)`))
      })))
      await Promise.race([work, aborted])
      completed.push(row.id)
      // Completions are written together: at 100 ids, or 5 ms after the first.
      if (completed.length >= 100) void flush()
      else flushTimer ??= setTimeout(() => { flushTimer = undefined; void flush() }, 5)
    } catch (err) {
      if (!running && abort.signal.aborted) return // shutdown: released below
      const retryAt = row.attempts < row.max_attempts ? new Date(clock.nowMs() + backoffMs(def, row.attempts)) : null
      jobLog.warn({ err: errorText(err), retryAt }, retryAt ? 'job failed; will retry' : 'job failed for the last time: dead')
      await queue.fail(options.id, row.id, errorText(err), retryAt)
    } finally {
      clearTimeout(timer)
    }
  }

  function start (row: JobRow): void {
    const abort = new AbortController()
    const entry: Active = { row, abort, done: Promise.resolve() }
    entry.done = run(row, abort).catch(err => log.error({ err, job: row.id }, 'job bookkeeping failed')).finally(() => { active.delete(row.id); notify() })
    active.set(row.id, entry)
  }

  /** Free slots per job name: its own concurrency left, within the instance's. */
  function freeSlots (): Map<string, number> {
    const running = new Map<string, number>()
    for (const a of active.values()) running.set(`${a.row.plugin}:${a.row.name}`, (running.get(`${a.row.plugin}:${a.row.name}`) ?? 0) + 1)
    const free = Math.min(options.concurrency - active.size, 100)
    const slots = new Map<string, number>()
    if (free <= 0) return slots
    for (const d of definitions.values()) {
      const key = `${d.plugin}:${d.name}`
      const n = Math.min(free, d.concurrency - (running.get(key) ?? 0))
      if (n > 0) slots.set(key, n)
    }
    return slots
  }

  async function loop (): Promise<void> {
    while (running) {
      const slots = freeSlots()
      // Claim in batches: wait until a quarter of the capacity is free (or the poll passes).
      const free = options.concurrency - active.size
      const asked = rounds.length > 0
      if (!asked && (slots.size === 0 || (free < Math.max(1, options.concurrency / 4) && active.size > 0 && !pollDue()))) { await sleep(options.pollMs); continue }
      lastPoll = Date.now()
      const waiting = rounds
      rounds = []
      let claimed: JobRow[] = []
      try {
        claimed = await queue.claim(options.id, slots, options.leaseMs)
      } catch (err) {
        log.error({ err }, 'claiming jobs failed; retrying')
        for (const done of waiting) done()
        await sleep(options.pollMs * 4)
        continue
      }
      for (const row of claimed) start(row)
      for (const done of waiting) done()
      if (claimed.length === 0 && rounds.length === 0) await sleep(options.pollMs)
    }
  }

  return {
    start (): void {
      if (running || definitions.size === 0) return
      running = true
      // On the kernel clock, so a test's advance past a lease extends it before the next claim.
      stopHeartbeat = clock.every(Math.max(250, Math.floor(options.leaseMs / 3)), () =>
        queue.extend(options.id, [...active.keys()], options.leaseMs).catch(err => log.warn({ err }, 'could not extend job leases')))
      loopDone = loop()
    },
    /** Something was enqueued here: look for work now instead of at the next poll. */
    notify,
    /** Claims now, and resolves once that claim has finished and started what it took (at once when not running). */
    poll (): Promise<void> {
      if (!running) return Promise.resolve()
      const done = new Promise<void>(resolve => rounds.push(resolve))
      notify()
      return done
    },
    /** Stops claiming, waits for running jobs up to shutdownMs, then releases what is left. */
    async stop (): Promise<void> {
      if (!running) return
      running = false
      notify()
      await loopDone
      const waiting = [...active.values()]
      const deadline = new Promise<void>(resolve => setTimeout(resolve, options.shutdownMs).unref())
      await Promise.race([Promise.all(waiting.map(a => a.done)), deadline])
      const left = [...active.values()]
      for (const a of left) a.abort.abort(new Error('instance shutting down'))
      stopHeartbeat?.()
      for (const done of rounds.splice(0)) done()
      clearTimeout(flushTimer)
      await flush()
      if (left.length > 0) {
        await queue.release(options.id, left.map(a => a.row.id))
        log.warn({ jobs: left.length }, 'released running jobs at shutdown; another instance will run them')
      }
    }
  }
}
