/**
 * `npm run bench -- ingest`: durable ingest throughput against a bare route, in one run.
 *
 * For PostgreSQL (a fresh database, dropped afterwards) and PGlite (in memory):
 * 1. a kernel with the devices and edge-ingest plugins, one enrolled device;
 * 2. a bare Fastify route beside it that parses the same JSON body and answers 202;
 * 3. autocannon (in a worker thread) at 64 connections posting telemetry with unique event ids
 *    (`[<id>]` replaced per request), 1 event per request and 100 events per request, after a
 *    warm-up, in alternating slices (bare, ingest, ingest, bare, ...);
 * 4. every 202 from ingest means the events were committed; the bench checks at the end that the
 *    inbox and the consumer hold exactly the events acknowledged.
 * Ends with two JSON lines: ingest-1 (single-event req/s vs the bare route, target >= 0.5x) and
 * ingest-100 (batched events/s on PostgreSQL, target >= 100,000).
 *
 * Rate limits are switched off for the bench (one device sends everything). Environment:
 * DATABASE_URL, BENCH_DURATION (s per side and mode, default 10), BENCH_WARMUP (s, default 2),
 * BENCH_SLICES (default 2), BENCH_CONNECTIONS (default 64).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { createKernel, type KernelConfig } from '@monozu/kernel'
import { freshDatabase } from '../../kernel/src/testing/postgres.ts'
import { ADMIN_URL, defer, postgresUnreachable, redact, round, runBench } from '../../kernel/bench/harness.ts'
import { Worker } from 'node:worker_threads'
import { summarize, type LoadResult, type RawResult } from '../../kernel/bench/load.ts'

type Db = 'postgres' | 'pglite'
const label = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL')
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const SLICES = Math.max(1, Number(process.env.BENCH_SLICES ?? 2))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const plugins = ['plugins/devices', 'edge-ingest'].map(p => fileURLToPath(new URL(`../../${p}`, import.meta.url)))

interface Load { url: string, connections: number, headers: Record<string, string>, per: number }

/** One autocannon run in a worker thread, each request with fresh event ids. */
function loadRaw (options: Load & { duration: number }): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: { ...options, timeout: 10 } })
    let done = false
    worker.once('message', (result: RawResult) => { done = true; resolve(result) })
    worker.once('error', reject)
    worker.once('exit', code => { if (!done) reject(new Error(`load worker exited with ${code} before reporting`)) })
  })
}

interface Side { result: LoadResult, events: number }
interface Mode { bare: Side, ingest: Side }

async function setUp (db: Db) {
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-bench-ingest-'))
  const release: Array<() => Promise<unknown> | unknown> = [() => rmSync(dataDir, { recursive: true, force: true })]
  const releaseAll = defer(async () => { while (release.length > 0) await (release.pop() as () => unknown)() })
  let databaseUrl: string | undefined
  if (db === 'postgres') {
    const fresh = await freshDatabase(ADMIN_URL)
    release.push(() => fresh.drop())
    databaseUrl = fresh.url
  }
  const kernel = await createKernel({
    env: {},
    config: { dataDir, host: '127.0.0.1', port: 0, logLevel: (process.env.BENCH_LOG_LEVEL ?? 'silent') as KernelConfig['logLevel'], ...(databaseUrl ? { databaseUrl } : {}) },
    plugins,
    pluginConfig: { 'edge-ingest': { deviceRate: 0, tenantRate: 0 } },
    seedDemo: false,
    ...(db === 'pglite' ? { pglite: { memory: true } } : {})
  })
  release.push(() => kernel.stop())
  const tenant = await kernel.tenancy.createTenant({ slug: 'bench-ingest', name: 'Bench Ingest' })
  const { issueLicense } = await import('../../kernel/src/licensing/license.ts')
  await kernel.services.features.installLicense(tenant.id, await issueLicense(kernel.services.licenseKeys.devSign!, { tid: tenant.id, features: ['devices', 'ingest'], seats: 10, days: 1 }), { actor: 'bench' })
  const password = 'bench-ingest-password'
  await kernel.tenancy.createUser(tenant.id, { email: 'admin@bench-ingest.example', name: 'Bench', password, roles: ['tenant-admin'] })
  const inject = async (method: 'POST' | 'GET', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await kernel.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const { accessToken } = await inject('POST', '/api/v1/auth/login', { email: 'admin@bench-ingest.example', password })
  const { token } = await inject('POST', '/api/v1/devices/enrollment-tokens', {}, { authorization: `Bearer ${accessToken}` })
  const device = await inject('POST', '/api/v1/devices/register', { hostname: 'bench-edge', os: 'Linux', agentVersion: '1.0', hardwareId: 'bench-hw' }, { 'x-enrollment-token': token })
  const kernelUrl = await kernel.app.listen({ host: '127.0.0.1', port: 0 })

  // The baseline: the same JSON parsed by Fastify, 202 at once; nothing stored.
  const bare = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 })
  bare.post('/v1/ingest', async (request, reply) => {
    const events = (request.body as { events: unknown[] }).events
    return reply.code(202).send({ accepted: events.length, duplicates: 0, rejected: [] })
  })
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
  release.push(() => bare.close())

  const counts = async () => {
    const [inbox, seen, metrics] = await Promise.all(['ingest_inbox', 'ingest_seen', 'device_metrics'].map(table =>
      kernel.conn.owner(table).count({ n: '*' }).first().then(r => Number((r as { n: number | string }).n))))
    return { inbox: inbox as number, seen: seen as number, metrics: metrics as number }
  }
  return { db, kernelUrl, bareUrl, key: device.deviceKey as string, counts, release: releaseAll }
}

function show (db: Db, name: string, side: Side, per: number): void {
  const r = side.result
  const bad = r.non2xx + r.errors + r.timeouts
  console.log(`${label(db).padEnd(10)} ${name.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s ${(r.rps * per).toFixed(0).padStart(8)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests in ${r.duration.toFixed(1)} s${bad ? `; ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ''})`)
  if (bad) console.log(`WARNING: ${label(db)} ${name} had failed requests; its figure is not trustworthy`)
}

async function drive (s: Awaited<ReturnType<typeof setUp>>, per: number): Promise<Mode> {
  const common = { connections: CONNECTIONS, per }
  const ingest = { ...common, url: s.kernelUrl + '/v1/ingest', headers: { 'content-type': 'application/json', 'x-device-key': s.key } }
  const bare = { ...common, url: s.bareUrl + '/v1/ingest', headers: { 'content-type': 'application/json' } }
  const slice = Math.max(1, Math.round(DURATION / SLICES))
  console.log(`${label(s.db)}: ${per} telemetry event(s) with unique ids per request, ${CONNECTIONS} connections; warm-up ${WARMUP} s each, then ${slice * SLICES} s each in ${SLICES} alternating slices`)
  if (WARMUP > 0) {
    await loadRaw({ ...bare, duration: WARMUP })
    await loadRaw({ ...ingest, duration: WARMUP })
  }
  const runs: { bare: RawResult[], ingest: RawResult[] } = { bare: [], ingest: [] }
  for (let i = 0; i < SLICES; i++) {
    const order = i % 2 === 0 ? ['bare', 'ingest'] as const : ['ingest', 'bare'] as const
    for (const which of order) runs[which].push(await loadRaw({ ...(which === 'bare' ? bare : ingest), duration: slice }))
  }
  const mode = { bare: { result: summarize(runs.bare, bare), events: per }, ingest: { result: summarize(runs.ingest, ingest), events: per } }
  show(s.db, `bare x${per}`, mode.bare, per)
  show(s.db, `ingest x${per}`, mode.ingest, per)
  return mode
}

async function main (): Promise<void> {
  const unreachable = await postgresUnreachable(ADMIN_URL)
  if (unreachable) console.log(`PostgreSQL at ${redact(ADMIN_URL)} is unreachable (${unreachable}): the PostgreSQL part is skipped`)
  const order: Db[] = unreachable ? ['pglite'] : ['postgres', 'pglite']
  const results: Partial<Record<Db, { single: Mode, batched: Mode }>> = {}
  for (const db of order) {
    const s = await setUp(db)
    console.log(`${label(db)}: kernel and bare route listening${db === 'postgres' ? ` (fresh database on ${redact(ADMIN_URL)})` : ' (in memory)'}`)
    const before = await s.counts()
    const single = await drive(s, 1)
    const batched = await drive(s, 100)
    // Every acknowledged event is in the inbox or already with its consumer, once.
    const until = Date.now() + 120_000
    let after = await s.counts()
    while (after.inbox > 0 && Date.now() < until) { await new Promise(resolve => setTimeout(resolve, 500)); after = await s.counts() }
    const acknowledged = (single.ingest.result.total - single.ingest.result.non2xx) + (batched.ingest.result.total - batched.ingest.result.non2xx) * 100
    console.log(`${label(db)}: consumers drained the inbox (${after.inbox} left); ${after.seen - before.seen} event ids stored, ${(after.metrics - before.metrics) / 4} telemetry events stored, plus warm-up`)
    results[db] = { single, batched }
    if (after.seen - before.seen < acknowledged) console.log(`WARNING: ${label(db)}: fewer ids stored (${after.seen - before.seen}) than events acknowledged in the measured slices (${acknowledged})`)
    await s.release()
  }
  const head: Db = results.postgres ? 'postgres' : 'pglite'
  const h = results[head]!
  const ratio = round(h.single.ingest.result.rps / h.single.bare.result.rps, 2)
  const others = (db: Db) => {
    const r = results[db]
    if (!r || db === head) return {}
    return { [db]: { singleRps: Math.round(r.single.ingest.result.rps), singleBareRps: Math.round(r.single.bare.result.rps), singleRatio: round(r.single.ingest.result.rps / r.single.bare.result.rps, 2), batchedEventsPerS: Math.round(r.batched.ingest.result.rps * 100), batchedBareEventsPerS: Math.round(r.batched.bare.result.rps * 100), batchedP99Ms: r.batched.ingest.result.p99 } }
  }
  console.log(JSON.stringify({ bench: 'ingest-1', figure: Math.round(h.single.ingest.result.rps), unit: 'req/s', baseline: Math.round(h.single.bare.result.rps), ratio, target: 'ratio >= 0.5 (1 event per request, 202 after commit)', meets: ratio >= 0.5, database: head, p50Ms: h.single.ingest.result.p50, p99Ms: h.single.ingest.result.p99, baselineP99Ms: h.single.bare.result.p99, connections: CONNECTIONS, ...others('pglite') }))
  const events = Math.round(h.batched.ingest.result.rps * 100)
  const bareEvents = Math.round(h.batched.bare.result.rps * 100)
  console.log(JSON.stringify({ bench: 'ingest-100', figure: events, unit: 'events/s', baseline: bareEvents, ratio: round(events / bareEvents, 2), target: '>= 100000 events/s on PostgreSQL (100 events per request)', meets: head === 'postgres' && events >= 100_000, database: head, p50Ms: h.batched.ingest.result.p50, p99Ms: h.batched.ingest.result.p99, baselineP99Ms: h.batched.bare.result.p99, connections: CONNECTIONS }))
}

await runBench(main)
