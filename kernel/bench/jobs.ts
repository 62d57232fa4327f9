/**
 * `npm run bench -- jobs`: how many jobs per second the durable queue runs on PostgreSQL.
 *
 * 1. A fresh database (dropped afterwards) is migrated once by an in-process kernel with the
 *    bench-jobs plugin (fixtures/bench-jobs) and its worker off; it creates the tenant and stops.
 * 2. Baseline, raw SQL on one connection, no kernel: INSERT N rows shaped like `jobs` into a copy
 *    of the table (500-row INSERTs), then DELETE ... RETURNING them in batches of 100 (the
 *    headline baseline), and the same N once more through the kernel's own claim statement
 *    (claimSql) plus a batched completion UPDATE (what the kernel must do at the least).
 * 3. Worker processes: jobs-worker.ts, a real kernel per OS process (createKernel + listen, the
 *    CLI's settings from the environment: DATABASE_URL, DATA_DIR shared, JOB_CONCURRENCY,
 *    JOB_POLL_MS, LOG_LEVEL=warn). Run 1: one worker; run 2: a second one joins.
 * 4. Each run: N tenant jobs are INSERTed straight into `jobs` with run_at a moment ahead (the
 *    pre-filled queue becomes due at once, after the insert has finished and the table is
 *    analysed); the clock starts at that run_at and stops at the last finished_at, once a poll
 *    sees all N `succeeded`. Every job must have succeeded on its first attempt.
 *    The handler does nothing (`noop`); with BENCH_JOBS_INSERT=1 (default) a third run uses
 *    the `insert` handler (one 1-row INSERT through job.withTenant) on 2 workers.
 * 5. Ends with one JSON line: the figure is 2-worker noop jobs/s; ratio = figure / baseline.
 *
 * Environment: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_JOBS (N, default 20000), BENCH_JOB_CONCURRENCY (JOB_CONCURRENCY per worker, default 64),
 * BENCH_JOB_POLL_MS (default 20), BENCH_JOBS_INSERT (0 to skip the insert-handler run),
 * BENCH_PROFILE=1 (each worker times every SQL statement shape; printed per run; adds overhead),
 * BENCH_LOG_LEVEL (workers' LOG_LEVEL, default warn).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import knex, { type Knex } from 'knex'
import { createKernel } from '../src/kernel.ts'
import { freshDatabase } from '../src/testing/postgres.ts'
import { claimSql } from '../src/jobs/queue.ts'
import { ADMIN_URL, ask, cpuMs, defer, machineBusyMs, postgresCpu, postgresCpuSince, postgresUnreachable, redact, round, runBench, startChild } from './harness.ts'

const N = Number(process.env.BENCH_JOBS ?? 20_000)
const CONCURRENCY = Number(process.env.BENCH_JOB_CONCURRENCY ?? 64)
const POLL_MS = Number(process.env.BENCH_JOB_POLL_MS ?? 20)
const INSERT_RUN = process.env.BENCH_JOBS_INSERT !== '0'
const PROFILE = process.env.BENCH_PROFILE === '1'
const TARGET = 3000
const PLUGIN = 'bench-jobs'
const pluginDir = fileURLToPath(new URL('./fixtures/bench-jobs/', import.meta.url))
const workerScript = new URL('./jobs-worker.ts', import.meta.url)

const INSERT_BATCH = 500
const CLAIM_BATCH = 100 // the kernel's worker claims at most 100 per statement
const LEAD_MS = 2000 // run_at is this far ahead of the start of the insert

interface Worker { child: ChildProcess, pid: number, stop: () => Promise<void> }
interface Run { label: string, handler: string, workers: number, jobsPerS: number, seconds: number, pollSeconds: number, insertMs: number, cpu: Record<string, number> }

function jobRows (n: number, tenant: string, name: string, runAt: Date, plugin = PLUGIN) {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(), plugin, name, tenant, payload: JSON.stringify({ n: i }), state: 'pending', attempts: 0, max_attempts: 5, run_at: runAt
  }))
}

async function insertRows (db: Knex, table: string, rows: Array<Record<string, unknown>>): Promise<number> {
  const t = performance.now()
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await db(table).insert(rows.slice(i, i + INSERT_BATCH))
  return performance.now() - t
}

/**
 * The kernel's claim (queue.ts claimSql) ORs "due" and "lease expired" and filters on
 * plugin || ':' || name, so PostgreSQL seq-scans and sorts every pending row on each claim:
 * O(queue depth) per claim. Split into two CTEs, each can walk the (state, run_at) index in
 * order and stop after `limit` rows. Same semantics; bindings: names, limit, names, limit,
 * limit, worker, leaseMs.
 */
export const proposedClaimSql = `
  with due as (
    select id from jobs
     where state = 'pending' and run_at <= now() and (plugin || ':' || name) = any(?::text[])
     order by run_at limit ? for update skip locked
  ), expired as (
    select id from jobs
     where state = 'running' and lease_until < now() and (plugin || ':' || name) = any(?::text[])
     order by run_at limit ? for update skip locked
  ), picked as (select id from due union all select id from expired limit ?)
  update jobs j
     set state = 'running', attempts = j.attempts + 1, locked_by = ?,
         lease_until = now() + (? * interval '1 millisecond')
    from picked where j.id = picked.id
  returning j.*`

async function baseline (db: Knex, tenant: string): Promise<{ insertRowsPerS: number, deleteRowsPerS: number, claimCompleteRowsPerS: number, proposedClaimCompleteRowsPerS: number }> {
  await db.raw('create table bench_raw_jobs (like jobs including all)')
  const table = defer(() => db.raw('drop table if exists bench_raw_jobs'))

  // INSERT then DELETE ... RETURNING in batches: the row lifecycle of a queue, nothing else.
  const insertMs = await insertRows(db, 'bench_raw_jobs', jobRows(N, tenant, 'noop', new Date(Date.now() - 1000)))
  await db.raw('analyze bench_raw_jobs')
  let t = performance.now()
  let deleted = 0
  for (;;) {
    const { rows } = await db.raw(`delete from bench_raw_jobs where id in (
      select id from bench_raw_jobs where state = 'pending' and run_at <= now() order by run_at limit ? for update skip locked) returning *`, [CLAIM_BATCH])
    if (rows.length === 0) break
    deleted += rows.length
  }
  const deleteMs = performance.now() - t
  if (deleted !== N) throw new Error(`baseline deleted ${deleted} rows, expected ${N}`)

  // The same N through the kernel's claim statement and a completion UPDATE per batch; then
  // through the claim rewritten as two index-ordered CTEs (the fix proposed in the report).
  const claimComplete = async (claim: string, bindings: unknown[]): Promise<number> => {
    await db.raw('truncate bench_raw_jobs')
    await insertRows(db, 'bench_raw_jobs', jobRows(N, tenant, 'noop', new Date(Date.now() - 1000)))
    await db.raw('analyze bench_raw_jobs')
    const t0 = performance.now()
    let done = 0
    for (;;) {
      const { rows } = await db.raw(claim, bindings as Knex.RawBinding[])
      if (rows.length === 0) break
      await db('bench_raw_jobs').whereIn('id', rows.map((r: { id: string }) => r.id)).where({ locked_by: 'baseline', state: 'running' })
        .update({ state: 'succeeded', lease_until: null, finished_at: db.fn.now(), last_error: null })
      done += rows.length
    }
    if (done !== N) throw new Error(`claim baseline completed ${done} rows, expected ${N}`)
    return performance.now() - t0
  }
  const names = [`${PLUGIN}:noop`]
  const claimMs = await claimComplete(claimSql.replace(/\bjobs\b/g, 'bench_raw_jobs'), [names, [CLAIM_BATCH], names, CLAIM_BATCH, 'baseline', 30_000])
  const proposedMs = await claimComplete(proposedClaimSql.replace(/\bjobs\b/g, 'bench_raw_jobs'), [names, CLAIM_BATCH, names, CLAIM_BATCH, CLAIM_BATCH, 'baseline', 30_000])
  await table()

  const r = { insertRowsPerS: N / (insertMs / 1000), deleteRowsPerS: N / (deleteMs / 1000), claimCompleteRowsPerS: N / (claimMs / 1000), proposedClaimCompleteRowsPerS: N / (proposedMs / 1000) }
  console.log(`baseline   raw SQL, 1 connection: INSERT ${N} rows in ${INSERT_BATCH}-row statements ${round(insertMs)} ms (${round(r.insertRowsPerS)} rows/s)`)
  console.log(`baseline   DELETE ... RETURNING in batches of ${CLAIM_BATCH} (skip locked): ${round(deleteMs)} ms = ${round(r.deleteRowsPerS)} rows/s`)
  console.log(`baseline   kernel claim statement + completion UPDATE per batch of ${CLAIM_BATCH}: ${round(claimMs)} ms = ${round(r.claimCompleteRowsPerS)} rows/s`)
  console.log(`baseline   proposed claim (two index-ordered CTEs) + the same UPDATE: ${round(proposedMs)} ms = ${round(r.proposedClaimCompleteRowsPerS)} rows/s`)
  return r
}

async function startWorker (env: Record<string, string>, name: string): Promise<Worker> {
  const t = performance.now()
  const { child, ready, stop } = await startChild(workerScript, { env, name })
  console.log(`${name}: pid ${ready.pid}, ready in ${round(performance.now() - t)} ms (${ready.url})`)
  return { child, pid: ready.pid as number, stop }
}

type Stats = { pid: number, eventLoopUtilization: number, statements: Array<{ sql: string, count: number, totalMs: number, maxMs: number }> }

async function runOnce (db: Knex, tenant: string, workers: Worker[], handler: 'noop' | 'insert'): Promise<Run> {
  await db.raw('truncate jobs')
  if (handler === 'insert') await db.raw('truncate bench_job_runs')
  for (const w of workers) await ask<Stats>(w.child, 'stats') // reset the workers' counters

  const runAt = new Date(Date.now() + LEAD_MS)
  const insertMs = await insertRows(db, 'jobs', jobRows(N, tenant, handler, runAt))
  await db.raw('analyze jobs')
  const lead = runAt.getTime() - Date.now()
  if (lead < 100) console.log(`WARNING: the queue was filled only ${-lead} ms after run_at; the figure is pessimistic`)
  await new Promise(resolve => setTimeout(resolve, Math.max(0, lead)))

  const cpu0 = { machine: machineBusyMs(), postgres: postgresCpu(), workers: workers.map(w => cpuMs(w.pid)), wall: performance.now() }
  let seen: { ok: number, dead: number, retried: number, last: Date | null } = { ok: 0, dead: 0, retried: 0, last: null }
  const deadline = Date.now() + 90_000
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 200))
    const { rows } = await db.raw(`select count(*) filter (where state = 'succeeded') as ok, count(*) filter (where state = 'dead') as dead,
      count(*) filter (where attempts > 1) as retried, max(finished_at) as last from jobs where plugin = ? and name = ?`, [PLUGIN, handler])
    seen = { ok: Number(rows[0].ok), dead: Number(rows[0].dead), retried: Number(rows[0].retried), last: rows[0].last }
    if (seen.ok + seen.dead >= N) break
    if (Date.now() > deadline) throw new Error(`only ${seen.ok} of ${N} jobs succeeded within 90 s`)
  }
  const pollSeconds = (Date.now() - runAt.getTime()) / 1000
  const wallMs = performance.now() - cpu0.wall
  const cpu: Record<string, number> = { machine: round((machineBusyMs() - cpu0.machine) / wallMs * 100), postgres: round(postgresCpuSince(cpu0.postgres) / wallMs * 100) }
  workers.forEach((w, i) => { cpu[`worker${i + 1}`] = round((cpuMs(w.pid) - (cpu0.workers[i] as number)) / wallMs * 100) })
  if (seen.dead > 0 || seen.retried > 0) throw new Error(`${seen.dead} jobs dead, ${seen.retried} ran more than once`)
  if (handler === 'insert') {
    const { rows } = await db.raw('select count(*) as n from bench_job_runs')
    if (Number(rows[0].n) !== N) throw new Error(`the insert handler wrote ${rows[0].n} rows, expected ${N}`)
  }
  const seconds = ((seen.last as Date).getTime() - runAt.getTime()) / 1000
  const run: Run = { label: `${workers.length} worker${workers.length > 1 ? 's' : ''}`, handler, workers: workers.length, jobsPerS: N / seconds, seconds, pollSeconds, insertMs, cpu }
  console.log(`kernel     ${run.label}, ${handler} handler: ${N} jobs in ${round(seconds, 2)} s = ${round(run.jobsPerS)} jobs/s ` +
    `(filled in ${round(insertMs)} ms; CPU % of one core (machine: all busy CPUs, max ${availableParallelism() * 100}): ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')})`)

  const stats = await Promise.all(workers.map(w => ask<Stats>(w.child, 'stats')))
  stats.forEach((s, i) => {
    console.log(`           worker${i + 1} event-loop utilisation ${round(s.eventLoopUtilization * 100)}% (includes time waiting for a CPU when the machine is saturated)`)
    if (!PROFILE) return
    for (const st of s.statements.slice(0, 8)) {
      console.log(`             ${String(st.count).padStart(6)} x ${round(st.totalMs / st.count, 2).toFixed(2).padStart(7)} ms avg, ${round(st.maxMs).toString().padStart(5)} max, ${round(st.totalMs).toString().padStart(7)} ms total  ${st.sql}`)
    }
  })
  return run
}

async function main (): Promise<void> {
  const unreachable = await postgresUnreachable(ADMIN_URL)
  if (unreachable) {
    console.log(`PostgreSQL at ${redact(ADMIN_URL)} is unreachable (${unreachable}): nothing to measure`)
    console.log(JSON.stringify({ bench: 'jobs', figure: null, unit: 'jobs/s', baseline: null, ratio: null, target: 'at least 3,000 jobs/s with 2 workers', meets: false, error: 'postgres unreachable' }))
    process.exitCode = 1
    return
  }
  const fresh = await freshDatabase(ADMIN_URL)
  defer(() => fresh.drop())
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-bench-jobs-'))
  defer(() => rmSync(dataDir, { recursive: true, force: true }))
  console.log(`jobs bench: N=${N} jobs per run, JOB_CONCURRENCY=${CONCURRENCY}, JOB_POLL_MS=${POLL_MS}, fresh database on ${redact(ADMIN_URL)}`)

  // Migrate once, here, so that worker processes never race each other's migrations.
  const setup = await createKernel({
    env: {},
    config: { dataDir, databaseUrl: fresh.url, jobWorker: false, logLevel: 'silent' },
    plugins: [pluginDir],
    seedDemo: false,
  })
  const stopSetup = defer(() => setup.stop())
  const tenant = await setup.tenancy.createTenant({ slug: 'bench-jobs', name: 'Bench jobs' })
  await stopSetup()

  // The bench's own connection: the owner (admin) URL of the fresh database.
  const db = knex({ client: 'pg', connection: fresh.url, pool: { min: 1, max: 2 } })
  defer(() => db.destroy())

  const base = await baseline(db, tenant.id)

  const env = {
    DATABASE_URL: fresh.url,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    JOB_CONCURRENCY: String(CONCURRENCY),
    JOB_POLL_MS: String(POLL_MS),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    MONOZU_DEMO_PASSWORD: `bench-${randomUUID()}`,
    BENCH_PROFILE: PROFILE ? '1' : '0'
  }
  const w1 = await startWorker(env, 'worker1')
  const one = await runOnce(db, tenant.id, [w1], 'noop')
  const w2 = await startWorker(env, 'worker2')
  const two = await runOnce(db, tenant.id, [w1, w2], 'noop')
  const insert = INSERT_RUN ? await runOnce(db, tenant.id, [w1, w2], 'insert') : undefined
  await Promise.all([w1.stop(), w2.stop()])

  const figure = round(two.jobsPerS)
  const ratio = round(two.jobsPerS / base.deleteRowsPerS, 2)
  console.log(`kernel     2 workers / 1 worker: ${round(two.jobsPerS / one.jobsPerS, 2)}x; 2 workers / raw DELETE baseline: ${ratio}; ` +
    `2 workers / claim+complete baseline: ${round(two.jobsPerS / base.claimCompleteRowsPerS, 2)}`)
  console.log(JSON.stringify({
    bench: 'jobs',
    figure,
    unit: 'jobs/s',
    baseline: round(base.deleteRowsPerS),
    ratio,
    target: 'at least 3,000 jobs/s with 2 workers',
    meets: two.jobsPerS >= TARGET,
    handler: 'noop',
    jobs: N,
    oneWorker: round(one.jobsPerS),
    twoWorkers: figure,
    ...(insert ? { twoWorkersInsertHandler: round(insert.jobsPerS) } : {}),
    baselineClaimComplete: round(base.claimCompleteRowsPerS),
    baselineProposedClaimComplete: round(base.proposedClaimCompleteRowsPerS),
    baselineInsert: round(base.insertRowsPerS),
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    cpuPercent: { oneWorker: one.cpu, twoWorkers: two.cpu, ...(insert ? { twoWorkersInsertHandler: insert.cpu } : {}) },
    profiled: PROFILE
  }))
}

await runBench(main)
