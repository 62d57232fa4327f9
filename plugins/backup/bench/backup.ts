/**
 * `npm run bench -- backup`: protection status at fleet scale, on PostgreSQL.
 *
 * 1. A fresh database (dropped afterwards) and a kernel with backup, devices and edge-ingest,
 *    listening on 127.0.0.1. One tenant gets BENCH_DEVICES devices (default 10,000) with
 *    BENCH_JOBS jobs each (default 20) and BENCH_DAYS daily runs per job (default 365: 73 M runs),
 *    written with INSERT ... SELECT generate_series on the owner connection (the runs are history
 *    the overview must not read; the status columns are what it reads). A second tenant gets 10 %
 *    as noise. VACUUM ANALYZE.
 * 2. Overview latency over HTTP (signed in, one request at a time, after a warm-up): the headline
 *    is GET /protection?status=<status>&q=<name prefix matching ~10 %>&limit=50 (p99, target < 100 ms). Baseline:
 *    the unfiltered first page.
 * 3. The dead-man sweep over every job of the tenant, all due at once (the worst case: half of
 *    them have run out of RPO and become at risk, which publishes their events in publishMany
 *    batches and one summary notification per batch). Target < 5 s.
 *
 * Environment: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DEVICES, BENCH_JOBS, BENCH_DAYS, BENCH_REQUESTS (default 500), BENCH_DB=pglite.
 */
import { fileURLToPath } from 'node:url'
import type { TestKernel } from '@monozu/kernel/testing'
import { ADMIN_URL, redact, round, runBench, startBenchKernel, timeGets } from '@monozu/kernel/testing/bench'
import type { Ctx } from '../src/context.ts'
import { sweepTenant } from '../src/sweep.ts'

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000)
const JOBS = Number(process.env.BENCH_JOBS ?? 20)
const DAYS = Number(process.env.BENCH_DAYS ?? 365)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500)
const WARMUP = 50
const LIST_TARGET_MS = 100
const SWEEP_TARGET_MS = 5000
const plugins = ['..', '../../cmdb/', '../../devices/', '../../../edge-ingest/'].map(p => fileURLToPath(new URL(p, import.meta.url)))
const STATUSES = ['protected', 'untested', 'at_risk', 'unprotected']

/** Devices, jobs and runs of one tenant, generated in SQL (the owner connection sets tenant_id itself). */
async function fill (k: TestKernel, tenantId: string, devices: number): Promise<void> {
  const q = (sql: string, bindings: unknown[] = []) => k.owner.raw(sql, bindings as never)
  await q(`insert into backup_devices (tenant_id, device_id, name, name_key, status, reason, jobs, status_changed_at)
    select ?::uuid, gen_random_uuid(), 'dev-' || lpad(i::text, 6, '0'), 'dev-' || lpad(i::text, 6, '0'),
      (array['protected','untested','at_risk','unprotected'])[1 + i % 4], 'ok', ?::int, now()
    from generate_series(1, ?::int) as i`, [tenantId, JOBS, devices])
  await q(`insert into backup_jobs (tenant_id, id, device_id, external_id, name, name_key, source, rpo_minutes, restore_test_days,
      enabled, status, reason, status_changed_at, status_due_at, last_run_at, last_run_state, last_success_at, created_at, updated_at)
    select d.tenant_id, gen_random_uuid(), d.device_id, 'job-' || j, 'Job ' || j, 'job ' || j, 'event', 1560, 90,
      true, 'untested', 'no_restore_test', now(), now() - interval '1 minute',
      now() - case when (hashtext(d.name_key || j) & 1) = 0 then interval '30 hours' else interval '2 hours' end,
      'succeeded',
      now() - case when (hashtext(d.name_key || j) & 1) = 0 then interval '30 hours' else interval '2 hours' end, now(), now()
    from backup_devices d cross join generate_series(1, ?::int) as j where d.tenant_id = ?::uuid`, [JOBS, tenantId])
  // A run's id is its job's id with the day in the three hex digits after the version nibble:
  // unique per job and day, and far cheaper than gen_random_uuid() per row (which was most of the
  // fill's time here). Days and timestamps by arithmetic, not by parsing text per row.
  for (let day = 0; day < DAYS; day += 30) {
    const span = Math.min(30, DAYS - day)
    await q(`insert into backup_runs (tenant_id, id, job_id, run_id, type, state, started_at, ended_at, sort_at, bytes, files, created_at, updated_at)
      select j.tenant_id, overlay(j.id::text placing lpad(to_hex(dd), 3, '0') from 16 for 3)::uuid, j.id, 'r' || dd, 'backup', 'succeeded',
        n.t0 - dd * interval '1 day' - interval '40 minutes', n.t0 - dd * interval '1 day', n.t0 - dd * interval '1 day' - interval '40 minutes',
        5000000000, 120000, n.t0, n.t0
      from (select now() as t0) n cross join backup_jobs j cross join generate_series(?::int, ?::int) as dd where j.tenant_id = ?::uuid`, [day, day + span - 1, tenantId])
  }
}

/**
 * The run history is what makes the database a year old, but neither measured path reads or
 * writes it. So it is written the way a restore would be: the table unlogged (no WAL for ~12 GB of
 * history in a database dropped afterwards), its foreign-key trigger off and its indexes and
 * constraints dropped during the fill and built once afterwards, which is much faster than
 * 73 M random-key btree inserts. Returns a function that rebuilds them.
 */
async function prepareRuns (k: TestKernel): Promise<() => Promise<void>> {
  const q = (sql: string) => k.owner.raw(sql)
  const constraints = (await q(`select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'backup_runs'::regclass and contype in ('p', 'u')`)).rows as Array<{ conname: string, def: string }>
  const indexes = (await q(`select indexname, indexdef from pg_indexes where tablename = 'backup_runs'
    and indexname not in (select conname from pg_constraint where conrelid = 'backup_runs'::regclass)`)).rows as Array<{ indexname: string, indexdef: string }>
  for (const i of indexes) await q(`drop index "${i.indexname}"`)
  for (const c of constraints) await q(`alter table backup_runs drop constraint "${c.conname}"`)
  await q('alter table backup_runs set unlogged')
  await q('alter table backup_runs disable trigger all')
  return async () => {
    await q('alter table backup_runs enable trigger all')
    // Each build in its own transaction, so the session setting reaches the connection that builds.
    const build = (sql: string) => k.owner.transaction(async trx => { await trx.raw("set local maintenance_work_mem = '1GB'"); await trx.raw(sql) })
    for (const c of constraints) await build(`alter table backup_runs add constraint "${c.conname}" ${c.def}`)
    for (const i of indexes) await build(i.indexdef)
  }
}

async function main (): Promise<void> {
  // No job worker or scheduler: the tenant's own `deadman` cron (every 5 minutes) would otherwise
  // sweep the jobs while the fill runs, and the measured sweep would find nothing due.
  const { k, url, db } = await startBenchKernel({ plugins, config: { jobWorker: false } })
  const a = await k.createTenant({ slug: 'bench-a', name: 'Bench A' })
  const b = await k.createTenant({ slug: 'bench-b', name: 'Bench B' })
  for (const t of [a, b]) await k.grantLicense(t, ['backup', 'devices', 'ingest'])
  const token = (await k.signIn(a, ['tenant-admin'])).token

  console.log(`${db === 'postgres' ? `PostgreSQL (fresh database on ${redact(ADMIN_URL)})` : 'PGlite (in memory)'}: ${DEVICES} devices × ${JOBS} jobs × ${DAYS} days of runs`)
  const t0 = performance.now()
  const rebuild = db === 'postgres' ? await prepareRuns(k) : async () => {}
  await fill(k, a.id, DEVICES)
  await fill(k, b.id, Math.max(1, Math.round(DEVICES / 10)))
  const t1 = performance.now()
  await rebuild()
  const t2 = performance.now()
  // The tables the measured paths read are vacuumed; the history is only analyzed (a vacuum would
  // read and rewrite all of it for hint bits the measurement never needs).
  if (db === 'postgres') for (const sql of ['vacuum analyze backup_devices, backup_jobs', 'analyze backup_runs']) await k.owner.raw(sql)
  console.log(`filled in ${round((t1 - t0) / 1000, 1)} s, runs indexed in ${round((t2 - t1) / 1000, 1)} s, analyzed in ${round((performance.now() - t2) / 1000, 1)} s`)

  const base = `${url}/api/v1/backup/protection`
  const baseline = await timeGets(() => `${base}?limit=50`, token, { requests: REQUESTS, warmup: WARMUP })
  // Names are dev-000001..: `dev-00<d>` matches about a tenth of them, so every request has rows to page.
  const filtered = await timeGets(i => `${base}?status=${STATUSES[i % 4]}&q=dev-00${String(i % 10)}&limit=50`, token, { requests: REQUESTS, warmup: WARMUP })
  console.log(`GET /protection?limit=50: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms`)
  console.log(`GET /protection?status=..&q=..&limit=50: p50 ${filtered.p50} ms, p99 ${filtered.p99} ms`)

  const ctx = k.pluginContext('backup') as unknown as Ctx
  const s0 = performance.now()
  const swept = await sweepTenant(ctx, a.id, fn => k.db.withTenant(a.id, fn))
  const sweepMs = performance.now() - s0
  console.log(`dead-man sweep: ${swept.evaluated} jobs, ${swept.transitions} transitions in ${round(sweepMs)} ms`)

  console.log(JSON.stringify({
    bench: 'backup', metric: 'overview-p99', figure: filtered.p99, unit: 'ms', baseline: baseline.p99, ratio: round(filtered.p99 / baseline.p99, 2),
    target: `p99 < ${LIST_TARGET_MS} ms (${DEVICES} devices × ${JOBS} jobs × ${DAYS} days)`, meets: filtered.p99 < LIST_TARGET_MS, database: db, p50: filtered.p50, requests: REQUESTS
  }))
  console.log(JSON.stringify({
    bench: 'backup', metric: 'deadman-sweep', figure: round(sweepMs), unit: 'ms', baseline: null, ratio: null,
    target: `< ${SWEEP_TARGET_MS} ms for ${DEVICES * JOBS} jobs`, meets: sweepMs < SWEEP_TARGET_MS, database: db, jobs: swept.evaluated, transitions: swept.transitions
  }))
}

await runBench(main)
