/**
 * `npm run bench -- events`: durable domain events, publish to handler, on PostgreSQL.
 *
 * 1. A fresh database (dropped afterwards) is migrated once by an in-process kernel with the
 *    bench-events plugin (fixtures/bench-events: publishes bench-events.tick, and its handler
 *    inserts one row through the handler's transaction); it creates the tenants and stops.
 * 2. Baseline, raw SQL on one connection, no kernel: the rows an event costs, bare. INSERT N
 *    outbox rows and N delivery rows (copies of event_outbox and event_deliveries), PER_TX events
 *    per transaction, then DELETE them again, oldest first, 100 per transaction.
 * 3. Two kernel instances (events-worker.ts, one OS process each, settings from the environment
 *    as for `monozu start`; REDIS_URL passed on when set, so a commit on one wakes the other).
 * 4. Throughput: each instance publishes N/2 ticks through ctx.events.publish (PER_TX per tenant
 *    transaction, LANES transactions at once, round-robin over TENANTS tenants, many subjects);
 *    both dispatchers deliver. The clock runs from the first publish to the last handler row
 *    (database clock). Every event must arrive exactly once, and each subject in publish order.
 * 5. Latency: RATE events/s in total (RATE/2 per instance, 10 per transaction) for SECONDS s;
 *    latency = handler's insert (clock_timestamp) - occurredAt (the publishing transaction's
 *    start), p50/p99/max over all events.
 * 6. One JSON line: figure = throughput events/s; baseline = bare INSERT + DELETE events/s.
 *
 * Environment: DATABASE_URL (admin URL; required), REDIS_URL (optional), BENCH_EVENTS (N,
 * default 20000), BENCH_EVENT_TENANTS (default 4), BENCH_EVENT_SUBJECTS (per publishing lane,
 * default 50), BENCH_EVENT_PER_TX (default 100), BENCH_EVENT_LANES (per instance, default 4),
 * BENCH_EVENT_RATE (default 1000), BENCH_EVENT_SECONDS (default 15), BENCH_LOG_LEVEL (default warn),
 * BENCH_PROFILE=1 (both instances time every SQL statement shape in the throughput run; printed
 * with counts per event; adds overhead).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChildProcess } from 'node:child_process'
import knex, { type Knex } from 'knex'
import { createKernel } from '../src/kernel.ts'
import { freshDatabase } from '../src/testing/postgres.ts'
import { ask, cpuMs, defer, machineBusyMs, postgresCpu, postgresCpuSince, postgresUnreachable, redact, round, runBench, startChild } from './harness.ts'

const N = Number(process.env.BENCH_EVENTS ?? 20_000)
const TENANTS = Number(process.env.BENCH_EVENT_TENANTS ?? 4)
const SUBJECTS = Number(process.env.BENCH_EVENT_SUBJECTS ?? 50)
const PER_TX = Number(process.env.BENCH_EVENT_PER_TX ?? 100)
const LANES = Number(process.env.BENCH_EVENT_LANES ?? 4)
const RATE = Number(process.env.BENCH_EVENT_RATE ?? 1000)
const SECONDS = Number(process.env.BENCH_EVENT_SECONDS ?? 15)
const PROFILE = process.env.BENCH_PROFILE === '1'
const TARGET = 5000
const P99_TARGET_MS = 500
const TARGET_TEXT = '>=5000 events/s, p99<500ms at 1000/s'
const pluginDir = fileURLToPath(new URL('./fixtures/bench-events/', import.meta.url))
const workerScript = new URL('./events-worker.ts', import.meta.url)

interface Instance { child: ChildProcess, pid: number, stop: () => Promise<void> }
interface Published { ms: number, behindMs: number, error?: string }

/** Bare INSERT + DELETE of the rows N events make (one outbox and one delivery row each). */
async function baseline (db: Knex, tenants: string[]): Promise<{ eventsPerS: number, insertMs: number, deleteMs: number }> {
  await db.raw('create table bench_raw_outbox (like event_outbox including all)')
  await db.raw('create table bench_raw_deliveries (like event_deliveries including all)')
  const drop = defer(() => db.raw('drop table if exists bench_raw_outbox, bench_raw_deliveries'))
  const ids = Array.from({ length: N }, () => randomUUID())
  let t = performance.now()
  for (let i = 0; i < N; i += PER_TX) {
    const tenant = tenants[(i / PER_TX) % tenants.length] as string
    const slice = ids.slice(i, i + PER_TX)
    await db.transaction(async trx => {
      await trx('bench_raw_outbox').insert(slice.map((id, k) => ({ tenant_id: tenant, id, type: 'bench-events.tick', subject: `s${(i + k) % SUBJECTS}`, payload: JSON.stringify({ publisher: 0, n: i + k }) })))
      await trx('bench_raw_deliveries').insert(slice.map((id, k) => ({ tenant_id: tenant, event_id: id, plugin: 'bench-events', handler: 'record', subject: `s${(i + k) % SUBJECTS}`, max_attempts: 10 })))
    })
  }
  const insertMs = performance.now() - t
  await db.raw('analyze bench_raw_outbox, bench_raw_deliveries')
  t = performance.now()
  let deleted = 0
  for (;;) {
    const n = await db.transaction(async trx => {
      const { rows } = await trx.raw(`delete from bench_raw_deliveries where seq in (select seq from bench_raw_deliveries order by seq limit 100) returning tenant_id, event_id`)
      if (rows.length === 0) return 0
      await trx.raw('delete from bench_raw_outbox where id = any(?::uuid[])', [rows.map((r: { event_id: string }) => r.event_id)])
      return rows.length as number
    })
    if (n === 0) break
    deleted += n
  }
  const deleteMs = performance.now() - t
  if (deleted !== N) throw new Error(`baseline deleted ${deleted} deliveries, expected ${N}`)
  await drop()
  const eventsPerS = N / ((insertMs + deleteMs) / 1000)
  console.log(`baseline   raw SQL, 1 connection: INSERT ${N} outbox + ${N} delivery rows (${PER_TX} events per transaction) ${round(insertMs)} ms, ` +
    `DELETE them (100 per transaction) ${round(deleteMs)} ms = ${round(eventsPerS)} events/s`)
  return { eventsPerS, insertMs, deleteMs }
}

async function dbNow (db: Knex): Promise<Date> {
  const { rows } = await db.raw('select clock_timestamp() as t')
  return new Date(rows[0].t)
}

async function received (db: Knex): Promise<number> {
  const { rows } = await db.raw('select count(*)::int as n from bench_events_received')
  return rows[0].n as number
}

/** Waits until `n` rows arrived (or nothing new for 30 s); throws with what is missing. */
async function allArrived (db: Knex, n: number): Promise<void> {
  let last = -1
  let since = Date.now()
  for (;;) {
    const got = await received(db)
    if (got >= n) return
    if (got !== last) { last = got; since = Date.now() }
    if (Date.now() - since > 30_000) throw new Error(`only ${got} of ${n} events reached the handler (nothing new for 30 s)`)
    await sleep(100)
  }
}

/** Exactly once, and per subject in publish order (ticks of a subject are published in n order). */
async function checkDelivery (db: Knex, n: number): Promise<{ pids: Record<string, number> }> {
  const { rows: [dup] } = await db.raw('select count(*)::int as total, count(distinct event_id)::int as distinct_events from bench_events_received')
  if (dup.total !== n || dup.distinct_events !== n) throw new Error(`expected ${n} events once each, got ${dup.total} rows of ${dup.distinct_events} events`)
  const { rows: [order] } = await db.raw(`select count(*)::int as n from (
    select n, lag(n) over (partition by tenant_id, subject order by id) as prev from bench_events_received) x where prev is not null and n < prev`)
  if (order.n !== 0) throw new Error(`${order.n} events reached the handler before an earlier event of their subject`)
  const { rows } = await db.raw('select pid, count(*)::int as n from bench_events_received group by pid')
  return { pids: Object.fromEntries(rows.map((r: { pid: number, n: number }) => [String(r.pid), r.n])) }
}

function cpuReading (instances: Instance[]) {
  const t0 = { machine: machineBusyMs(), postgres: postgresCpu(), workers: instances.map(w => cpuMs(w.pid)), wall: performance.now() }
  return () => {
    const wall = performance.now() - t0.wall
    const cpu: Record<string, number> = { machine: round((machineBusyMs() - t0.machine) / wall * 100), postgres: round(postgresCpuSince(t0.postgres) / wall * 100) }
    instances.forEach((w, i) => { cpu[`instance${i + 1}`] = round((cpuMs(w.pid) - (t0.workers[i] as number)) / wall * 100) })
    return cpu
  }
}

const describeCpu = (cpu: Record<string, number>) => Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')

async function publishOnBoth (instances: Instance[], tenants: string[], per: Record<string, unknown>): Promise<Published[]> {
  const answers = await Promise.all(instances.map((w, i) => ask<Published>(w.child, 'publish', { publisher: i, tenants, subjects: SUBJECTS, ...per }, 300_000)))
  for (const a of answers) if (a.error) throw new Error(`publishing failed: ${a.error}`)
  return answers
}

async function throughput (db: Knex, instances: Instance[], tenants: string[]) {
  await db.raw('truncate bench_events_received')
  const cpu = cpuReading(instances)
  const start = await dbNow(db)
  const published = await publishOnBoth(instances, tenants, { count: N / 2, perTx: PER_TX, concurrency: LANES, many: true })
  await allArrived(db, N)
  const { rows: [end] } = await db.raw('select max(handled_at) as t from bench_events_received')
  const seconds = (new Date(end.t).getTime() - start.getTime()) / 1000
  const usage = cpu()
  const { pids } = await checkDelivery(db, N)
  const eventsPerS = N / seconds
  const publishPerS = N / (Math.max(...published.map(p => p.ms)) / 1000)
  console.log(`kernel     throughput, 2 instances: ${N} events published with publishMany, ${PER_TX} per transaction (${round(publishPerS)} events/s) and handled in ${round(seconds, 2)} s = ${round(eventsPerS)} events/s; ` +
    `handled per instance ${JSON.stringify(Object.values(pids))}; exactly once and in order per subject`)
  console.log(`           CPU % of one core: ${describeCpu(usage)}`)
  return { eventsPerS, publishPerS, seconds, cpu: usage, perInstance: Object.values(pids) }
}

async function latency (db: Knex, instances: Instance[], tenants: string[]) {
  await db.raw('truncate bench_events_received')
  const cpu = cpuReading(instances)
  const perInstance = Math.round(RATE * SECONDS / 2)
  const published = await publishOnBoth(instances, tenants, { count: perInstance, perTx: 10, concurrency: 2, rate: RATE / 2 })
  await allArrived(db, perInstance * 2)
  const usage = cpu()
  await checkDelivery(db, perInstance * 2)
  const { rows: [l] } = await db.raw(`select
    percentile_disc(0.5) within group (order by ms) as p50, percentile_disc(0.99) within group (order by ms) as p99, max(ms) as max
    from (select extract(epoch from handled_at - occurred_at) * 1000 as ms from bench_events_received) x`)
  // Publishers that cannot keep the pace publish slower: the rate the latencies were taken at.
  const achieved = (perInstance * 2) / (Math.max(...published.map(p => p.ms)) / 1000)
  const r = { p50: round(Number(l.p50), 1), p99: round(Number(l.p99), 1), max: round(Number(l.max), 1), behindMs: round(Math.max(...published.map(p => p.behindMs))), achieved: round(achieved), cpu: usage }
  console.log(`kernel     latency at ${RATE} events/s for ${SECONDS} s (10 per transaction, 2 instances): p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms ` +
    `(achieved ${r.achieved} events/s; publishers fell behind the pace by at most ${r.behindMs} ms)`)
  if (achieved < RATE * 0.95) console.log(`WARNING: the publishers reached only ${r.achieved} of ${RATE} events/s: the latencies are not at the target rate`)
  console.log(`           CPU % of one core: ${describeCpu(usage)}`)
  return r
}

type Stats = { statements: Array<{ sql: string, count: number, totalMs: number }> }

/** BENCH_PROFILE=1: the statements both instances ran in the throughput run, per event. */
async function printProfile (instances: Instance[], events: number): Promise<void> {
  const merged = new Map<string, { count: number, totalMs: number }>()
  for (const w of instances) {
    for (const st of (await ask<Stats>(w.child, 'stats')).statements) {
      const m = merged.get(st.sql) ?? { count: 0, totalMs: 0 }
      m.count += st.count
      m.totalMs += st.totalMs
      merged.set(st.sql, m)
    }
  }
  const list = [...merged.entries()].sort((a, b) => b[1].totalMs - a[1].totalMs)
  const total = list.reduce((n, [, s]) => n + s.count, 0)
  console.log(`profile    throughput run, both instances: ${total} statements = ${round(total / events, 2)} per event`)
  for (const [sql, st] of list.slice(0, 12)) {
    console.log(`  ${String(st.count).padStart(7)} x ${round(st.totalMs / st.count, 2).toFixed(2).padStart(6)} ms = ${String(round(st.totalMs)).padStart(7)} ms (${round(st.count / events, 2)}/event)  ${sql}`)
  }
}

async function main (): Promise<void> {
  const adminUrl = process.env.DATABASE_URL
  if (!adminUrl) {
    console.error('events bench: set DATABASE_URL to a PostgreSQL admin URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); ' +
      'it measures two kernel instances sharing one PostgreSQL database, which the embedded database cannot do. Nothing measured.')
    process.exitCode = 2
    return
  }
  const unreachable = await postgresUnreachable(adminUrl)
  if (unreachable) {
    console.log(`PostgreSQL at ${redact(adminUrl)} is unreachable (${unreachable}): nothing to measure`)
    console.log(JSON.stringify({ bench: 'events', figure: null, unit: 'events/s', baseline: null, ratio: null, target: TARGET_TEXT, meets: false, error: 'postgres unreachable' }))
    process.exitCode = 1
    return
  }
  const fresh = await freshDatabase(adminUrl)
  defer(() => fresh.drop())
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-bench-events-'))
  defer(() => rmSync(dataDir, { recursive: true, force: true }))
  console.log(`events bench: N=${N}, ${TENANTS} tenants, ${PER_TX} events per publishing transaction, ${LANES} lanes per instance, ` +
    `latency at ${RATE}/s for ${SECONDS} s, fresh database on ${redact(adminUrl)}${process.env.REDIS_URL ? ', Redis bus' : ', no REDIS_URL (instances wake each other only by polling)'}`)

  const setup = await createKernel({ env: {}, config: { dataDir, databaseUrl: fresh.url, jobWorker: false, logLevel: 'silent' }, plugins: [pluginDir], seedDemo: false })
  const stopSetup = defer(() => setup.stop())
  const tenants: string[] = []
  for (let i = 0; i < TENANTS; i++) tenants.push((await setup.tenancy.createTenant({ slug: `bench-events-${i}`, name: `Bench events ${i}` })).id)
  await stopSetup()

  const db = knex({ client: 'pg', connection: fresh.url, pool: { min: 1, max: 2 } })
  defer(() => db.destroy())
  const base = await baseline(db, tenants)

  const env: Record<string, string> = {
    BENCH_PROFILE: PROFILE ? '1' : '0',
    DATABASE_URL: fresh.url,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    MONOZU_DEMO_PASSWORD: `bench-${randomUUID()}`
  }
  const instances: Instance[] = []
  for (const name of ['instance1', 'instance2']) {
    const { child, ready, stop } = await startChild(workerScript, { env, name })
    console.log(`${name}: pid ${ready.pid} (${ready.url})`)
    instances.push({ child, pid: ready.pid as number, stop })
  }

  if (PROFILE) for (const w of instances) await ask(w.child, 'stats') // only the throughput run
  const tp = await throughput(db, instances, tenants)
  if (PROFILE) await printProfile(instances, N)
  const lat = await latency(db, instances, tenants)
  await Promise.all(instances.map(w => w.stop()))

  const figure = round(tp.eventsPerS)
  const meets = tp.eventsPerS >= TARGET && lat.p99 < P99_TARGET_MS && lat.achieved >= RATE * 0.95
  console.log(`kernel     throughput / bare INSERT + DELETE baseline: ${round(tp.eventsPerS / base.eventsPerS, 2)}`)
  console.log(JSON.stringify({
    bench: 'events',
    figure,
    unit: 'events/s',
    baseline: round(base.eventsPerS),
    ratio: round(tp.eventsPerS / base.eventsPerS, 2),
    target: TARGET_TEXT,
    meets,
    p50Ms: lat.p50,
    p99Ms: lat.p99,
    maxMs: lat.max,
    rate: RATE,
    achievedRate: lat.achieved,
    seconds: SECONDS,
    events: N,
    instances: 2,
    perInstance: tp.perInstance,
    publishEventsPerS: round(tp.publishPerS),
    perTx: PER_TX,
    tenants: TENANTS,
    redis: Boolean(process.env.REDIS_URL),
    profiled: PROFILE,
    cpuPercent: { throughput: tp.cpu, latency: lat.cpu }
  }))
}

await runBench(main)
