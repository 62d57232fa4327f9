/**
 * One job-worker instance for `npm run bench -- jobs`: a real kernel process (createKernel, as
 * the CLI's `start` does, listening on PORT) with only the bench-jobs plugin. Its settings come
 * from the environment exactly as for `monozu start`: DATABASE_URL, DATA_DIR, JOB_CONCURRENCY,
 * JOB_POLL_MS, LOG_LEVEL, ...
 *
 * IPC with the bench: sends { type: 'ready' } once it listens; answers { type: 'stats' } with
 * the SQL statements its two knex pools ran since the last ask (count, total and max ms per
 * statement shape, when BENCH_PROFILE=1) and its event-loop utilisation. SIGTERM, SIGINT or a
 * closed IPC channel stop the kernel (the jobs worker releases what it holds) and exit.
 */
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import type { Knex } from 'knex'
import { createKernel } from '../src/kernel.ts'

const pluginDir = fileURLToPath(new URL('./fixtures/bench-jobs/', import.meta.url))
const profile = process.env.BENCH_PROFILE === '1'

interface Stat { pool: string, count: number, totalMs: number, maxMs: number }
let stats = new Map<string, Stat>()

/** Times every statement by its shape (uuids, numbers and bindings folded). */
function instrument (k: Knex, pool: string): void {
  const started = new Map<string, { key: string, t: number }>()
  const shape = (sql: string) => sql.replace(/\s+/g, ' ').replace(/'[0-9a-f-]{36}'/gi, "'<uuid>'").replace(/\$\d+(, \$\d+)*/g, '$n').replace(/\?(, \?)*/g, '?').trim().slice(0, 110)
  k.on('query', (q: { __knexQueryUid: string, sql: string }) => { started.set(q.__knexQueryUid, { key: shape(q.sql), t: performance.now() }) })
  const done = (_: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid)
    if (!s) return
    started.delete(q.__knexQueryUid)
    const ms = performance.now() - s.t
    const key = `${pool}: ${s.key}`
    const stat = stats.get(key) ?? { pool, count: 0, totalMs: 0, maxMs: 0 }
    stat.count++
    stat.totalMs += ms
    stat.maxMs = Math.max(stat.maxMs, ms)
    stats.set(key, stat)
  }
  k.on('query-response', done)
  k.on('query-error', done)
}

const kernel = await createKernel({ plugins: [pluginDir], seedDemo: false })
if (profile) {
  instrument(kernel.conn.owner, 'owner')
  instrument(kernel.conn.app, 'app')
}
const url = await kernel.start()

let elu = performance.eventLoopUtilization()
let stopping: Promise<void> | undefined
const stop = () => {
  stopping ??= kernel.stop().then(() => process.exit(0), err => { console.error('jobs-worker: stop failed', err); process.exit(1) })
  return stopping
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.on('disconnect', stop)
process.on('message', (m: { type?: string }) => {
  if (m?.type !== 'stats') return
  const now = performance.eventLoopUtilization()
  const utilization = performance.eventLoopUtilization(now, elu).utilization
  elu = now
  const list = [...stats.entries()].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.totalMs - a.totalMs)
  stats = new Map()
  process.send?.({ type: 'stats', pid: process.pid, eventLoopUtilization: utilization, statements: list })
})
process.send?.({ type: 'ready', pid: process.pid, url, workerId: kernel.services.jobs.workerId })
