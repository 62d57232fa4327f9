/**
 * One kernel instance for `npm run bench -- events`: a real kernel process (createKernel, as the
 * CLI's `start` does) with only the bench-events plugin, its event dispatcher on. Settings come
 * from the environment as for `monozu start` (DATABASE_URL, DATA_DIR, EVENTS_POLL_MS, REDIS_URL...).
 *
 * IPC with the bench: { type: 'ready' } once it listens. { type: 'publish', ... } publishes
 * `count` ticks through ctx.events.publish (or, with `many`, one publishMany), `perTx` per tenant transaction, either as fast as it
 * can or paced at `rate` events/s; the answer says how long it took and how far behind the pace
 * it fell. { type: 'stats' } answers the SQL statements its pools ran since the last ask, by
 * shape (count and total ms), when BENCH_PROFILE=1. SIGTERM, SIGINT or a closed IPC channel stop
 * the kernel and exit.
 */
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Knex } from 'knex'
import type { PluginContext } from '@monozu/kernel'
import { createKernel } from '../src/kernel.ts'

const pluginDir = fileURLToPath(new URL('./fixtures/bench-events/', import.meta.url))
const CONTEXT = Symbol.for('monozu.bench-events.ctx')

interface Stat { count: number, totalMs: number }
let stats = new Map<string, Stat>()

/** BENCH_PROFILE=1: times every statement by its shape (uuids, numbers and bindings folded). */
function instrument (k: Knex, pool: string): void {
  const started = new Map<string, { key: string, t: number }>()
  const shape = (sql: string) => sql.replace(/\s+/g, ' ').replace(/'[0-9a-f-]{36}'/gi, "'<uuid>'").replace(/\$\d+(, \$\d+)*/g, '$n').replace(/\?(, \?)*/g, '?').trim().slice(0, 110)
  k.on('query', (q: { __knexQueryUid: string, sql: string }) => { started.set(q.__knexQueryUid, { key: `${pool}: ${shape(q.sql)}`, t: performance.now() }) })
  const done = (_: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid)
    if (!s) return
    started.delete(q.__knexQueryUid)
    const stat = stats.get(s.key) ?? { count: 0, totalMs: 0 }
    stat.count++
    stat.totalMs += performance.now() - s.t
    stats.set(s.key, stat)
  }
  k.on('query-response', done)
  k.on('query-error', done)
}

const kernel = await createKernel({ plugins: [pluginDir], seedDemo: false })
if (process.env.BENCH_PROFILE === '1') {
  instrument(kernel.conn.owner, 'owner')
  instrument(kernel.conn.app, 'app')
}
const url = await kernel.start()
const ctx = (globalThis as Record<symbol, PluginContext>)[CONTEXT] as PluginContext

interface Publish { publisher: number, tenants: string[], subjects: number, count: number, perTx: number, rate?: number, concurrency: number, /** publishMany per transaction instead of one publish per event */ many?: boolean }

/**
 * Transaction i carries ticks i*perTx.. of tenant i % tenants. Lane j of `concurrency` runs
 * transactions j, j + concurrency, ... one after another, and its subjects are its own
 * (`p<publisher>l<j>s<k>`), so each subject's publish order is its ticks' order: the bench checks
 * that handlers saw them in it. Paced: transaction i starts no earlier than i * perTx / rate s in.
 */
async function publish (p: Publish): Promise<{ ms: number, behindMs: number }> {
  const txs = Math.ceil(p.count / p.perTx)
  const t0 = performance.now()
  let behindMs = 0
  const lane = async (j: number) => {
    for (let i = j; i < txs; i += p.concurrency) {
      if (p.rate) {
        const wait = t0 + (i * p.perTx / p.rate) * 1000 - performance.now()
        if (wait > 0) await sleep(wait)
        else behindMs = Math.max(behindMs, -wait)
      }
      const tenant = p.tenants[i % p.tenants.length] as string
      await ctx.db.withTenant(tenant, async trx => {
        const ticks = Array.from({ length: Math.min(p.count, (i + 1) * p.perTx) - i * p.perTx }, (_, k) => i * p.perTx + k)
        const item = (n: number) => ({ payload: { publisher: p.publisher, n }, subject: `p${p.publisher}l${j}s${n % p.subjects}` })
        if (p.many) await ctx.events.publishMany(trx, 'bench-events.tick', ticks.map(item))
        else for (const n of ticks) { const { payload, subject } = item(n); await ctx.events.publish(trx, 'bench-events.tick', payload, { subject }) }
      })
    }
  }
  await Promise.all(Array.from({ length: p.concurrency }, (_, j) => lane(j)))
  return { ms: performance.now() - t0, behindMs }
}

let stopping: Promise<void> | undefined
const stop = () => {
  stopping ??= kernel.stop().then(() => process.exit(0), err => { console.error('events-worker: stop failed', err); process.exit(1) })
  return stopping
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.on('disconnect', stop)
process.on('message', (m: { type?: string } & Publish) => {
  if (m?.type === 'stats') {
    const statements = [...stats.entries()].map(([sql, st]) => ({ sql, ...st })).sort((a, b) => b.totalMs - a.totalMs)
    stats = new Map()
    process.send?.({ type: 'stats', statements })
    return
  }
  if (m?.type !== 'publish') return
  publish(m).then(r => process.send?.({ type: 'publish', ...r }), err => process.send?.({ type: 'publish', error: (err as Error).stack ?? String(err) }))
})
process.send?.({ type: 'ready', pid: process.pid, url })
