/**
 * `npm run bench -- kernel`: what the kernel costs per request.
 *
 * 1. Time to ready of createKernel on PGlite (in memory) and on PostgreSQL (a fresh database).
 * 2. An authenticated, tenant-scoped plugin route returning 50 rows (fixtures/bench-rows),
 *    against 3. a bare Fastify route running the same query through plain knex, both driven by
 *    autocannon (in a worker thread) on the same database.
 * Ends with one JSON line. Environment: DATABASE_URL (admin URL of a PostgreSQL server, default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION (s, default 10), BENCH_WARMUP
 * (s, default 2), BENCH_CONNECTIONS (default 10), BENCH_PGLITE_LOAD=0 to skip driving PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import knex, { type Knex } from 'knex'
import pg from 'pg'
import { createKernel, type Kernel } from '@monozu/kernel'
import { freshDatabase } from '../src/testing/postgres.ts'
import { benchRowsQuery, ROWS } from './rows.ts'
import { load, type LoadResult } from './load.ts'

const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const PGLITE_LOAD = process.env.BENCH_PGLITE_LOAD !== '0'
const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const pluginDir = fileURLToPath(new URL('./fixtures/bench-rows/', import.meta.url))
const ROUTE = '/api/v1/bench-rows/rows'
const OTHER_TENANT_ROWS = 30

type Db = 'pglite' | 'postgres'
const label = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL')

// Everything acquired is released in reverse order, also on failure and Ctrl-C.
const cleanups: Array<() => Promise<unknown> | unknown> = []
async function cleanUp (): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop() as () => unknown
    try { await fn() } catch (err) { console.error('bench: cleanup step failed:', err) }
  }
}

interface Target { kernelUrl: string, token: string, baselineUrl: string }

interface Setup extends Target { db: Db, readyMs: number, release: () => Promise<void> }

async function postgresReachable (url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message || String(err)
  } finally {
    await client.end().catch(() => {})
  }
}

/** A ready kernel with the bench plugin, two tenants, 50 + 30 rows, a signed-in member, and the bare baseline beside it. */
async function setUp (db: Db): Promise<Setup> {
  const local: Array<() => Promise<unknown> | unknown> = []
  const release = async () => {
    while (local.length > 0) {
      const fn = local.pop() as () => unknown
      try { await fn() } catch (err) { console.error(`bench: ${label(db)} cleanup step failed:`, err) }
    }
  }
  cleanups.push(release)
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'monozu-bench-'))
    local.push(() => rmSync(dataDir, { recursive: true, force: true }))
    let databaseUrl: string | undefined
    if (db === 'postgres') {
      const fresh = await freshDatabase(ADMIN_URL)
      local.push(() => fresh.drop())
      databaseUrl = fresh.url
    }

    const started = performance.now()
    const kernel: Kernel = await createKernel({
      env: {},
      config: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', accessTokenTtlSeconds: 3600, ...(databaseUrl ? { databaseUrl } : {}) },
      plugins: [pluginDir],
      seedDemo: false,
      ...(db === 'pglite' ? { pglite: { memory: true } } : {})
    })
    const readyMs = performance.now() - started
    local.push(() => kernel.stop())
    console.log(`${label(db)}: createKernel ready in ${readyMs.toFixed(0)} ms`)

    // Two tenants; the second one's rows must never show up.
    const a = await kernel.tenancy.createTenant({ slug: 'bench-a', name: 'Bench A' })
    const b = await kernel.tenancy.createTenant({ slug: 'bench-b', name: 'Bench B' })
    const rows = (tenantId: string, n: number, tag: string) => Array.from({ length: n }, (_, i) => ({
      tenant_id: tenantId, id: randomUUID(), seq: i + 1, title: `${tag} row ${i + 1}`, amount: (i * 37) % 1000
    }))
    await kernel.db.withTenant(a.id, trx => trx('bench_rows').insert(rows(a.id, ROWS, 'A')))
    await kernel.db.withTenant(b.id, trx => trx('bench_rows').insert(rows(b.id, OTHER_TENANT_ROWS, 'B')))
    const password = `bench-${randomUUID()}`
    const user = await kernel.tenancy.createUser(a.id, { email: 'bench@bench-a.example', name: 'Bench', password, roles: ['member'] })
    const login = await kernel.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password, tenant: a.slug } })
    if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`)
    const token = login.json().accessToken as string

    const kernelUrl = await kernel.app.listen({ host: '127.0.0.1', port: 0 })

    // The baseline: no auth, no tenant scope, no kernel hooks; the same query on a plain knex.
    let plain: Knex
    if (db === 'postgres') {
      plain = knex({ client: 'pg', connection: databaseUrl as string, pool: { min: 0, max: kernel.config.databasePoolMax } })
      local.push(() => plain.destroy())
    } else {
      plain = kernel.conn.owner // PGlite is one connection inside the kernel (internal, fine for a bench)
    }
    const bare: FastifyInstance = Fastify({ logger: false })
    bare.get('/rows', async () => ({ items: await benchRowsQuery(plain, a.id) }))
    const baselineUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
    local.push(() => bare.close())

    // Both routes must answer 200 with the same 50 rows of tenant A.
    const [viaKernel, viaBare] = await Promise.all([
      fetch(kernelUrl + ROUTE, { headers: { authorization: `Bearer ${token}` } }),
      fetch(baselineUrl + '/rows')
    ])
    if (viaKernel.status !== 200 || viaBare.status !== 200) throw new Error(`route check failed: kernel ${viaKernel.status} ${await viaKernel.text()}, bare ${viaBare.status}`)
    const kernelBody = await viaKernel.text()
    const bareBody = await viaBare.text()
    const items = JSON.parse(kernelBody).items as Array<{ title: string }>
    if (items.length !== ROWS || items.some(r => !r.title.startsWith('A '))) throw new Error(`kernel route returned ${items.length} rows, expected ${ROWS} of tenant A`)
    if (kernelBody !== bareBody) throw new Error('kernel and bare routes returned different bodies')
    const denied = await fetch(kernelUrl + ROUTE)
    if (denied.status !== 401) throw new Error(`kernel route without a token answered ${denied.status}, expected 401`)
    await denied.arrayBuffer()
    console.log(`${label(db)}: ${ROWS} rows for tenant A, ${OTHER_TENANT_ROWS} for tenant B; kernel ${kernelUrl}${ROUTE}, bare ${baselineUrl}/rows (${kernelBody.length} bytes each)`)

    return { db, readyMs, kernelUrl, token, baselineUrl, release }
  } catch (err) {
    await release()
    cleanups.splice(cleanups.indexOf(release), 1)
    throw err
  }
}

interface Pair { figure: LoadResult, baseline: LoadResult, ratio: number }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

function show (db: Db, name: string, r: LoadResult): void {
  const bad = r.non2xx + r.errors + r.timeouts
  console.log(`${label(db).padEnd(10)} ${name.padEnd(7)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests in ${r.duration.toFixed(1)} s${bad ? `, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ''})`)
  if (bad) console.log(`           WARNING: ${name} had failed requests; its figure is not trustworthy`)
}

async function drive (s: Setup): Promise<Pair> {
  const kernel = { url: s.kernelUrl + ROUTE, connections: CONNECTIONS, headers: { authorization: `Bearer ${s.token}` } }
  const bare = { url: s.baselineUrl + '/rows', connections: CONNECTIONS }
  console.log(`${label(s.db)}: warm-up ${WARMUP} s each, then ${DURATION} s each with ${CONNECTIONS} connections`)
  if (WARMUP > 0) {
    await load({ ...bare, duration: WARMUP })
    await load({ ...kernel, duration: WARMUP })
  }
  const baseline = await load({ ...bare, duration: DURATION })
  show(s.db, 'bare', baseline)
  const figure = await load({ ...kernel, duration: DURATION })
  show(s.db, 'kernel', figure)
  const ratio = round(Math.round(figure.rps) / Math.round(baseline.rps))
  console.log(`${label(s.db).padEnd(10)} ratio   ${ratio} (kernel / bare; target >= 0.6)`)
  return { figure, baseline, ratio }
}

async function main (): Promise<void> {
  const readyMs: Partial<Record<Db, number>> = {}
  const results: Partial<Record<Db, Pair>> = {}

  const unreachable = await postgresReachable(ADMIN_URL)
  const shownUrl = ADMIN_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  if (unreachable) console.log(`PostgreSQL at ${shownUrl} is unreachable (${unreachable}): the PostgreSQL part is skipped`)

  if (!unreachable) {
    const s = await setUp('postgres')
    readyMs.postgres = Math.round(s.readyMs)
    results.postgres = await drive(s)
    await s.release()
    cleanups.splice(cleanups.indexOf(s.release), 1)
  }

  const s = await setUp('pglite')
  readyMs.pglite = Math.round(s.readyMs)
  if (PGLITE_LOAD || !results.postgres) results.pglite = await drive(s)
  await s.release()
  cleanups.splice(cleanups.indexOf(s.release), 1)

  const headline: Db = results.postgres ? 'postgres' : 'pglite'
  const h = results[headline] as Pair
  const summary: Record<string, unknown> = {
    bench: 'kernel',
    figure: Math.round(h.figure.rps),
    unit: 'req/s',
    baseline: Math.round(h.baseline.rps),
    ratio: h.ratio,
    target: 'ratio >= 0.6',
    meets: h.ratio >= 0.6,
    database: headline,
    p99Ms: h.figure.p99,
    baselineP99Ms: h.baseline.p99,
    readyMs,
    connections: CONNECTIONS,
    durationS: DURATION
  }
  if (results.pglite && headline !== 'pglite') {
    const p = results.pglite
    summary.pglite = { figure: Math.round(p.figure.rps), baseline: Math.round(p.baseline.rps), ratio: p.ratio, p99Ms: p.figure.p99, baselineP99Ms: p.baseline.p99 }
  }
  console.log(JSON.stringify(summary))
}

let interrupted = false
process.once('SIGINT', () => {
  if (interrupted) return
  interrupted = true
  console.error('bench: interrupted, cleaning up')
  cleanUp().finally(() => process.exit(130))
})

try {
  await main()
} catch (err) {
  console.error('bench: failed:', err)
  process.exitCode = 1
} finally {
  await cleanUp()
}
// Everything is closed; if something still holds the process open, say so instead of hanging.
setTimeout(() => {
  console.error('bench: the process did not exit 5 s after cleanup; something was left open')
  process.exit(process.exitCode || 1)
}, 5000).unref()
