/**
 * `npm run bench -- kernel`: what the kernel costs per request.
 *
 * 1. Time to ready of createKernel on PostgreSQL (a fresh database, dropped afterwards) and on
 *    PGlite (in memory).
 * 2. An authenticated, tenant-scoped plugin route returning 50 rows (fixtures/bench-rows) against
 * 3. a bare Fastify route running the same query through plain knex on the same database,
 * 4. both driven by autocannon (in a worker thread) after a warm-up, in alternating slices.
 * 5. Ends with one JSON line; the figure is PostgreSQL's when reachable, else PGlite's.
 *
 * Environment: DATABASE_URL (admin URL of a PostgreSQL server; default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION (s, default 10), BENCH_WARMUP
 * (s, default 2), BENCH_SLICES (default 5: the duration is split into alternating slices),
 * BENCH_CONNECTIONS (default 10), BENCH_PGLITE_LOAD=0 to time PGlite's start only.
 */
import { loadRaw, summarize, type LoadResult, type RawResult } from './load.ts'
import { ADMIN_URL, label, postgresUnreachable, redact, ROUTE, runBench, setUp, type Db, type Setup } from './setup.ts'
import { ROWS } from './rows.ts'

const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const SLICES = Math.max(1, Number(process.env.BENCH_SLICES ?? 5))
const PGLITE_LOAD = process.env.BENCH_PGLITE_LOAD !== '0'

/** `ratio` as measured; it is rounded only where printed, so `meets` never judges a rounded figure. */
interface Pair { figure: LoadResult, baseline: LoadResult, ratio: number }

const round2 = (n: number) => Math.round(n * 100) / 100

function show (db: Db, name: string, r: LoadResult): void {
  const bad = r.non2xx + r.errors + r.timeouts
  console.log(`${label(db).padEnd(10)} ${name.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests in ${r.duration.toFixed(1)} s${bad ? `; ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ''})`)
  if (bad) console.log(`WARNING: ${label(db)} ${name} had failed requests; its figure is not trustworthy`)
}

async function drive (s: Setup): Promise<Pair> {
  const kernel = { url: s.kernelUrl + ROUTE, connections: CONNECTIONS, headers: { authorization: `Bearer ${s.token}` } }
  const bare = { url: s.baselineUrl + '/rows', connections: CONNECTIONS }
  const slice = Math.max(1, Math.round(DURATION / SLICES)) // autocannon stops on whole seconds
  console.log(`${label(s.db)}: GET ${ROUTE} (${ROWS} rows, signed in, withTenant) vs bare GET /rows, ${CONNECTIONS} connections; ` +
    `warm-up ${WARMUP} s each, then ${slice * SLICES} s each in ${SLICES} alternating slices of ${slice} s`)
  if (WARMUP > 0) {
    await loadRaw({ ...bare, duration: WARMUP })
    await loadRaw({ ...kernel, duration: WARMUP })
  }
  // Alternating slices (bare, kernel, kernel, bare, ...) so that load from elsewhere on a shared
  // machine falls on both sides rather than on whichever ran second.
  const runs: { bare: RawResult[], kernel: RawResult[] } = { bare: [], kernel: [] }
  for (let i = 0; i < SLICES; i++) {
    const order = i % 2 === 0 ? ['bare', 'kernel'] as const : ['kernel', 'bare'] as const
    for (const which of order) runs[which].push(await loadRaw({ ...(which === 'bare' ? bare : kernel), duration: slice }))
  }
  const baseline = summarize(runs.bare, bare)
  show(s.db, 'bare', baseline)
  const figure = summarize(runs.kernel, kernel)
  show(s.db, 'kernel', figure)
  const ratio = figure.rps / baseline.rps
  console.log(`${label(s.db).padEnd(10)} ratio   ${round2(ratio)} (kernel / bare, target >= 0.6)`)
  return { figure, baseline, ratio }
}

async function main (): Promise<void> {
  const readyMs: Partial<Record<Db, number>> = {}
  const results: Partial<Record<Db, Pair>> = {}

  const unreachable = await postgresUnreachable(ADMIN_URL)
  if (unreachable) console.log(`PostgreSQL at ${redact(ADMIN_URL)} is unreachable (${unreachable}): the PostgreSQL part is skipped`)
  const order: Db[] = unreachable ? ['pglite'] : ['postgres', 'pglite']
  for (const db of order) {
    const s = await setUp(db)
    readyMs[db] = Math.round(s.readyMs)
    console.log(`${label(db)}: createKernel ready in ${readyMs[db]} ms${db === 'postgres' ? ` (fresh database on ${redact(ADMIN_URL)})` : ' (in memory)'}`)
    if (db === 'postgres' || PGLITE_LOAD || unreachable) results[db] = await drive(s)
    await s.release()
  }

  const headline: Db = results.postgres ? 'postgres' : 'pglite'
  const h = results[headline] as Pair
  const summary: Record<string, unknown> = {
    bench: 'kernel',
    figure: Math.round(h.figure.rps),
    unit: 'req/s',
    baseline: Math.round(h.baseline.rps),
    ratio: round2(h.ratio),
    target: 'ratio >= 0.6',
    meets: h.ratio >= 0.6,
    database: headline,
    p99Ms: h.figure.p99,
    baselineP99Ms: h.baseline.p99,
    readyMs,
    connections: CONNECTIONS,
    durationS: Math.max(1, Math.round(DURATION / SLICES)) * SLICES,
    slices: SLICES
  }
  const p = results.pglite
  if (p && headline !== 'pglite') {
    summary.pglite = { figure: Math.round(p.figure.rps), baseline: Math.round(p.baseline.rps), ratio: round2(p.ratio), p99Ms: p.figure.p99, baselineP99Ms: p.baseline.p99 }
  }
  console.log(JSON.stringify(summary))
}

await runBench(main)
