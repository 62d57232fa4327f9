/**
 * `npm run bench -- ingest`: durable ingest throughput against a bare route, in one run.
 *
 * For PostgreSQL (a fresh database, dropped afterwards) and PGlite (in memory):
 * 1. a kernel with the devices and edge-ingest plugins and one enrolled device. On PostgreSQL it
 *    is an ingest tier without the dispatcher (consumers run in a second kernel on the same
 *    database, started after the measurement to drain the inbox); PGlite is one process, so there
 *    the consumers share the measured kernel;
 * 2. a bare Fastify route beside it that parses the same JSON body and answers 202;
 * 3. autocannon (in a worker thread) at 64 connections posting telemetry with event ids unique per
 *    request, 1 event per request and 100 events per request, after a warm-up, in slices whose
 *    order of sides rotates (bare, ingest; then ingest, bare; ...), with the CPU the server
 *    thread, PostgreSQL and the machine spent per 1000 requests (and, for single events on
 *    PostgreSQL, the number of commits and their mean size);
 * 4. every 202 from ingest means the events were committed; at the end the bench waits (up to 300 s,
 *    with progress every 10 s) until the consumers drained the inbox, compares what was stored with
 *    what was acknowledged, and checks that each stored event reached the consumer once;
 * 5. for 1 event per request on PostgreSQL, a third side in the same slices: the durable floor
 *    (floor.ts), about the least a single-event ingest with a durable 202 can do, so a run shows
 *    how much of the gap to the bare route is durability on this machine and how much is the route;
 * 6. with BENCH_TENANTS=N, for 1 event per request one more side: the same route with the load
 *    spread over N tenants (one device each, their keys in turn), as an MSP's many small tenants.
 * Ends with two JSON lines: ingest-1 (single-event req/s vs the bare route, target >= 0.5x; with
 * the floor's req/s and ratio beside it) and ingest-100 (batched events/s on PostgreSQL, target >=
 * 100,000).
 *
 * Rate limits are switched off (one device sends everything). Environment: DATABASE_URL,
 * BENCH_DURATION (s per side and mode, default 10), BENCH_WARMUP (s, default 2), BENCH_SLICES
 * (default 2), BENCH_CONNECTIONS (default 64), BENCH_DB (postgres or pglite only), BENCH_ONLY
 * (1 or 100: one mode only), BENCH_INGEST_CONFIG (JSON merged into edge-ingest's config),
 * BENCH_TENANTS (default 0: no many-tenant side).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { createKernel, type KernelConfig } from '@monozu/kernel/host'
import { freshDatabase, testKitFor } from '@monozu/kernel/testing'
import { ADMIN_URL, defer, machineBusyMs, postgresCpu, postgresCpuSince, postgresUnreachable, redact, round, runBench, summarize, type LoadResult, type RawResult } from '@monozu/kernel/testing/bench'
import { Worker } from 'node:worker_threads'
import { startFloor } from './floor.ts'

type Db = 'postgres' | 'pglite'
const label = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL')
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const SLICES = Math.max(1, Number(process.env.BENCH_SLICES ?? 2))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const TENANTS = Math.max(0, Number(process.env.BENCH_TENANTS ?? 0))
const plugins = ['plugins/devices', 'edge-ingest'].map(p => fileURLToPath(new URL(`../../${p}`, import.meta.url)))

interface Load { url: string, connections: number, headers: Record<string, string>, per: number, keys?: string[] }

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

interface Side { result: LoadResult, events: number, cpu: { serverMs: number, postgresMs: number, machineMs: number }, commits?: number }
interface Mode { bare: Side, ingest: Side, floor?: Side, tenants?: Side }
type Which = keyof Mode

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
    config: { dataDir, host: '127.0.0.1', port: 0, ...(db === 'postgres' ? { jobWorker: false } : {}), logLevel: (process.env.BENCH_LOG_LEVEL ?? 'silent') as KernelConfig['logLevel'], ...(databaseUrl ? { databaseUrl } : {}) },
    plugins,
    pluginConfig: { 'edge-ingest': { deviceRate: 0, tenantRate: 0, ...JSON.parse(process.env.BENCH_INGEST_CONFIG ?? '{}') } },
    seedDemo: false,
    ...(db === 'pglite' ? { pglite: { memory: true } } : {})
  })
  release.push(() => kernel.stop())
  const kit = testKitFor(kernel)
  const inject = async (method: 'POST' | 'GET', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await kernel.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  /** A licensed tenant with one enrolled device: its id, the device's id and key. */
  const enrolled = async (slug: string) => {
    const tenant = await kit.createTenant({ slug, name: `Bench ${slug}` })
    await kit.grantLicense(tenant, ['devices', 'ingest'], { seats: 10, days: 1 })
    const password = 'bench-ingest-password'
    await kit.createUser(tenant, { email: `admin@${slug}.example`, name: 'Bench', password, roles: ['tenant-admin'] })
    const { accessToken } = await inject('POST', '/api/v1/auth/login', { email: `admin@${slug}.example`, password })
    const { token } = await inject('POST', '/api/v1/devices/enrollment-tokens', {}, { authorization: `Bearer ${accessToken}` })
    const device = await inject('POST', '/api/v1/devices/register', { hostname: 'bench-edge', os: 'Linux', agentVersion: '1.0', hardwareId: 'bench-hw' }, { 'x-enrollment-token': token })
    return { tenant, deviceId: device.deviceId as string, deviceKey: device.deviceKey as string }
  }
  const { tenant, ...device } = await enrolled('bench-ingest')
  const manyKeys: string[] = []
  for (let i = 0; i < TENANTS; i++) manyKeys.push((await enrolled(`bench-ingest-${i}`)).deviceKey)
  const kernelUrl = await kernel.app.listen({ host: '127.0.0.1', port: 0 })

  // The baseline: the same JSON parsed by Fastify, 202 at once; nothing stored.
  const bare = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 })
  bare.post('/v1/ingest', async (request, reply) => {
    const events = (request.body as { events: unknown[] }).events
    return reply.code(202).send({ accepted: events.length, duplicates: 0, rejected: [] })
  })
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
  release.push(() => bare.close())
  const floor = databaseUrl ? await startFloor(databaseUrl, { tenantId: tenant.id, deviceId: device.deviceId, key: device.deviceKey }) : undefined
  if (floor) release.push(() => floor.close())

  const rowsOf = (table: string) => kit.owner(table).count({ n: '*' }).first().then(r => Number((r as { n: number | string }).n))
  const counts = async () => {
    const [seen, metrics] = await Promise.all(['ingest_seen', 'device_metrics'].map(rowsOf))
    return { seen: seen as number, metrics: metrics as number }
  }
  // On PostgreSQL the measured kernel is an ingest tier (no dispatcher), as in a scale-out with
  // `--profile ingest`; consumers run in a second kernel on the same database, started after the
  // measurement to drain the inbox. PGlite is one process: there they share the kernel.
  const startConsumers = async () => {
    if (!databaseUrl) return
    const cloudDir = mkdtempSync(join(tmpdir(), 'monozu-bench-cloud-'))
    release.push(() => rmSync(cloudDir, { recursive: true, force: true }))
    const cloud = await createKernel({ env: {}, config: { dataDir: cloudDir, port: 0, logLevel: 'silent', databaseUrl, jobPollMs: 100 }, plugins, seedDemo: false })
    release.push(() => cloud.stop())
  }
  return { db, kernelUrl, bareUrl, floorUrl: floor?.url, key: device.deviceKey, manyKeys, counts, inboxRows: () => rowsOf('ingest_inbox'), startConsumers, release: releaseAll }
}

function show (db: Db, name: string, side: Side, per: number): void {
  const r = side.result
  const bad = r.non2xx + r.errors + r.timeouts
  console.log(`${label(db).padEnd(10)} ${name.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s ${(r.rps * per).toFixed(0).padStart(8)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests in ${r.duration.toFixed(1)} s${bad ? `; ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ''})`)
  if (bad) console.log(`WARNING: ${label(db)} ${name} had failed requests; its figure is not trustworthy`)
  const per1k = (ms: number) => (ms / Math.max(1, r.total) * 1000).toFixed(1)
  const commits = side.commits ? `; ${side.commits} commits of ${(r.total * per / side.commits).toFixed(1)} events` : ''
  console.log(`${''.padEnd(10)} ${''.padEnd(14)} CPU per 1000 requests: server thread ${per1k(side.cpu.serverMs)} ms, PostgreSQL ${per1k(side.cpu.postgresMs)} ms, machine ${per1k(side.cpu.machineMs)} ms${commits}`)
}

async function drive (s: Awaited<ReturnType<typeof setUp>>, per: number): Promise<Mode> {
  const common = { connections: CONNECTIONS, per }
  const json = { 'content-type': 'application/json' }
  const device = { ...json, 'x-device-key': s.key }
  const targets: Partial<Record<Which, Load>> = {
    bare: { ...common, url: s.bareUrl + '/v1/ingest', headers: json },
    ingest: { ...common, url: s.kernelUrl + '/v1/ingest', headers: device }
  }
  if (per === 1 && s.floorUrl) targets.floor = { ...common, url: s.floorUrl + '/v1/ingest', headers: device }
  if (per === 1 && s.manyKeys.length > 0) targets.tenants = { ...common, url: s.kernelUrl + '/v1/ingest', headers: device, keys: s.manyKeys }
  const sides = Object.keys(targets) as Which[]
  const slice = Math.max(1, Math.round(DURATION / SLICES))
  console.log(`${label(s.db)}: ${per} telemetry event(s) with unique ids per request, ${CONNECTIONS} connections; warm-up ${WARMUP} s each, then ${slice * SLICES} s each in ${SLICES} slices, the order of sides rotating (${sides.join(', ')})`)
  if (WARMUP > 0) for (const which of sides) await loadRaw({ ...targets[which]!, duration: WARMUP })
  const runs: Partial<Record<Which, RawResult[]>> = {}
  // CPU the server thread (this one), PostgreSQL and the whole machine spent per side.
  const cpu: Partial<Record<Which, Side['cpu']>> = {}
  // Commits per side, counted as inbox rows: one per commit for single events on PostgreSQL, where
  // no consumer drains the inbox meanwhile and a commit holds at most one event per connection (up
  // to 128 connections that stays below the 32 KiB at which store.ts starts a second row). Not for
  // the many-tenant side: there a commit writes a row per tenant.
  const commits: Partial<Record<Which, number>> = {}
  const countCommits = per === 1 && s.db === 'postgres' && CONNECTIONS <= 128
  for (let i = 0; i < SLICES; i++) {
    // Each slice starts with the next side, so no side always runs right after the same one.
    const order = sides.map((_, k) => sides[(i + k) % sides.length] as Which)
    for (const which of order) {
      const counted = countCommits && (which === 'ingest' || which === 'floor')
      const rows = counted ? await s.inboxRows() : 0
      const before = { thread: process.threadCpuUsage(), pg: postgresCpu(), machine: machineBusyMs() }
      ;(runs[which] ??= []).push(await loadRaw({ ...targets[which]!, duration: slice }))
      const thread = process.threadCpuUsage(before.thread)
      const c = (cpu[which] ??= { serverMs: 0, postgresMs: 0, machineMs: 0 })
      c.serverMs += (thread.user + thread.system) / 1000
      c.postgresMs += postgresCpuSince(before.pg)
      c.machineMs += machineBusyMs() - before.machine
      if (counted) commits[which] = (commits[which] ?? 0) + await s.inboxRows() - rows
    }
  }
  const side = (which: Which): Side => ({ result: summarize(runs[which]!, targets[which]!), events: per, cpu: cpu[which]!, ...(commits[which] ? { commits: commits[which] } : {}) })
  const mode: Mode = { bare: side('bare'), ingest: side('ingest'), ...(targets.floor ? { floor: side('floor') } : {}), ...(targets.tenants ? { tenants: side('tenants') } : {}) }
  for (const which of sides) show(s.db, which === 'tenants' ? `${TENANTS} tenants x${per}` : `${which} x${per}`, mode[which]!, per)
  return mode
}

const DRAIN_S = 300

/**
 * Waits until the consumers emptied the inbox, printing what is left every 10 s. Only the inbox is
 * polled: counting ingest_seen and device_metrics (millions of rows) every half second took enough
 * CPU from the consumers that a drain of 4 million events once outlasted the wait.
 */
async function drainInbox (db: Db, inboxRows: () => Promise<number>): Promise<{ left: number, seconds: number }> {
  const started = Date.now()
  let told = started
  let left = await inboxRows()
  while (left > 0 && Date.now() - started < DRAIN_S * 1000) {
    await new Promise(resolve => setTimeout(resolve, 500))
    left = await inboxRows()
    if (Date.now() - told >= 10_000) { told = Date.now(); console.log(`${label(db)}: draining the inbox, ${left} rows left`) }
  }
  return { left, seconds: round((Date.now() - started) / 1000, 1) }
}

async function main (): Promise<void> {
  const unreachable = await postgresUnreachable(ADMIN_URL)
  if (unreachable) console.log(`PostgreSQL at ${redact(ADMIN_URL)} is unreachable (${unreachable}): the PostgreSQL part is skipped`)
  const order: Db[] = (unreachable ? ['pglite'] as Db[] : ['postgres', 'pglite'] as Db[]).filter(db => !process.env.BENCH_DB || process.env.BENCH_DB === db)
  const results: Partial<Record<Db, { single?: Mode, batched?: Mode }>> = {}
  for (const db of order) {
    const s = await setUp(db)
    console.log(`${label(db)}: kernel and bare route listening${db === 'postgres' ? ` (fresh database on ${redact(ADMIN_URL)})` : ' (in memory)'}`)
    const before = await s.counts()
    const skip = process.env.BENCH_ONLY
    const single = skip === '100' ? undefined : await drive(s, 1)
    const batched = skip === '1' ? undefined : await drive(s, 100)
    // Every acknowledged event is in the inbox or already with its consumer, once.
    await s.startConsumers()
    const drain = await drainInbox(db, s.inboxRows)
    const after = await s.counts()
    const acked = (side: Side | undefined, per: number) => (side ? (side.result.total - side.result.non2xx) * per : 0)
    const acknowledged = acked(single?.ingest, 1) + acked(single?.floor, 1) + acked(single?.tenants, 1) + acked(batched?.ingest, 100)
    const stored = after.seen - before.seen
    const consumed = (after.metrics - before.metrics) / 4
    const totals = `${stored} event ids stored, ${consumed} telemetry events with the consumer (measured slices plus warm-ups, the floor's included)`
    if (drain.left === 0) console.log(`${label(db)}: consumers drained the inbox in ${drain.seconds} s${db === 'postgres' && drain.seconds > 0 ? ` (${Math.round(consumed / drain.seconds)} events/s: consumers start after the measurement here)` : ''}; ${totals}`)
    else console.log(`WARNING: ${label(db)}: the consumers left ${drain.left} inbox rows after ${drain.seconds} s; ${totals}`)
    results[db] = { ...(single ? { single } : {}), ...(batched ? { batched } : {}) }
    if (stored < acknowledged) console.log(`WARNING: ${label(db)}: fewer ids stored (${stored}) than events acknowledged in the measured slices (${acknowledged})`)
    if (drain.left === 0 && consumed !== stored) console.log(`WARNING: ${label(db)}: ${consumed} events reached the consumer but ${stored} ids were stored; each should reach it once`)
    await s.release()
  }
  // A mode left out with BENCH_ONLY prints no line: a figure is only ever a measurement of its own mode.
  const head: Db = results.postgres ? 'postgres' : 'pglite'
  const h = results[head]!
  const others = (db: Db) => {
    const r = results[db]
    if (!r || db === head) return {}
    return {
      [db]: {
        ...(r.single ? { singleRps: Math.round(r.single.ingest.result.rps), singleBareRps: Math.round(r.single.bare.result.rps), singleRatio: round(r.single.ingest.result.rps / r.single.bare.result.rps, 2) } : {}),
        ...(r.batched ? { batchedEventsPerS: Math.round(r.batched.ingest.result.rps * 100), batchedBareEventsPerS: Math.round(r.batched.bare.result.rps * 100), batchedP99Ms: r.batched.ingest.result.p99 } : {})
      }
    }
  }
  if (h.single) {
    // `meets` is judged on the measured ratio, not the printed one: 0.496 prints as 0.5 but misses.
    const exact = h.single.ingest.result.rps / h.single.bare.result.rps
    const floor = h.single.floor?.result.rps
    const floorFields = floor === undefined ? {} : { floorRps: Math.round(floor), floorRatio: round(floor / h.single.bare.result.rps, 3), ofFloor: round(h.single.ingest.result.rps / floor, 3) }
    const many = h.single.tenants?.result.rps
    const tenantFields = many === undefined ? {} : { tenants: TENANTS, tenantsRps: Math.round(many), tenantsRatio: round(many / h.single.bare.result.rps, 3) }
    console.log(JSON.stringify({ bench: 'ingest-1', figure: Math.round(h.single.ingest.result.rps), unit: 'req/s', baseline: Math.round(h.single.bare.result.rps), ratio: round(exact, 3), target: 'ratio >= 0.5 (1 event per request, 202 after commit)', meets: exact >= 0.5, database: head, p50Ms: h.single.ingest.result.p50, p99Ms: h.single.ingest.result.p99, baselineP99Ms: h.single.bare.result.p99, connections: CONNECTIONS, ...floorFields, ...tenantFields, ...others('pglite') }))
  }
  if (h.batched) {
    const events = Math.round(h.batched.ingest.result.rps * 100)
    const bareEvents = Math.round(h.batched.bare.result.rps * 100)
    console.log(JSON.stringify({ bench: 'ingest-100', figure: events, unit: 'events/s', baseline: bareEvents, ratio: round(events / bareEvents, 2), target: '>= 100000 events/s on PostgreSQL (100 events per request)', meets: head === 'postgres' && events >= 100_000, database: head, p50Ms: h.batched.ingest.result.p50, p99Ms: h.batched.ingest.result.p99, baselineP99Ms: h.batched.bare.result.p99, connections: CONNECTIONS }))
  }
}

await runBench(main)
