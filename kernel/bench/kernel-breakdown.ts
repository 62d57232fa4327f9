/**
 * Diagnostic companion of kernel.ts (not part of `npm run bench`): where the kernel route's time
 * goes. Drives the kernel route and a ladder of bare routes that each add one piece of what the
 * kernel does, and prints req/s, p99, the server thread's event-loop utilisation, its CPU time per
 * request (thread CPU, not wall time) and the machine's CPU use. BENCH_ROUNDS (default 1) repeats
 * the ladder, interleaved, and prints each round; BENCH_ONLY=<regex> picks targets by name.
 *   npm exec -- node kernel/bench/kernel-breakdown.ts [postgres|pglite]   (BENCH_DURATION, default 5 s)
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createRequire } from 'node:module'
import knex, { type Knex } from 'knex'
import pg from 'pg'
import { load } from './load.ts'
import { benchRowsQuery } from './rows.ts'
import { ADMIN_URL, label, postgresUnreachable, ROUTE, runBench, setUp, type Db } from './setup.ts'

const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const db: Db = process.argv[2] === 'pglite' ? 'pglite' : 'postgres'

function machineTicks (): { busy: number, total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number)
  const total = cpu.reduce((a, b) => a + b, 0)
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0)
  return { busy: total - idle, total }
}

// What-if prototype: knex's pg transaction with the tenant scope sent in the same simple query
// as BEGIN (one round trip fewer). The tenant id is a validated uuid, so inlining it is safe.
const require = createRequire(import.meta.url)
const PgClient = require('knex/lib/dialects/postgres/index.js')
const PgTransaction = require('knex/lib/dialects/postgres/execution/pg-transaction.js')
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
class ScopedTransaction extends PgTransaction {
  tenantId: string | undefined
  constructor (client: unknown, container: unknown, config: { tenantId?: string } | undefined, outerTx: unknown) {
    super(client, container, config, outerTx)
    this.tenantId = config?.tenantId
  }

  begin (conn: unknown) {
    if (!this.tenantId || !uuid.test(this.tenantId)) return super.begin(conn)
    return this.query(conn, `BEGIN; select set_config('role', 'monozu_app', true), set_config('monozu.tenant_id', '${this.tenantId}', true);`)
  }
}
class ScopedPgClient extends PgClient {
  transaction (container: unknown, config: unknown, outerTx: unknown) { return new ScopedTransaction(this, container, config as { tenantId?: string }, outerTx) }
}

async function main (): Promise<void> {
  if (db === 'postgres') {
    const why = await postgresUnreachable(ADMIN_URL)
    if (why) throw new Error(`PostgreSQL unreachable: ${why}`)
  }
  const pools: pg.Pool[] = []
  const knexes: Knex[] = []
  const s = await setUp(db, {
    bareRoutes (bare, { kernel, plain, tenantId }) {
      bare.get('/ping', async () => ({ ok: true }))
      bare.get('/rows-trx', async () => ({ items: await plain.transaction(trx => benchRowsQuery(trx, tenantId)) }))
      bare.get('/rows-withtenant', async () => ({ items: await kernel.db.withTenant(tenantId, trx => benchRowsQuery(trx)) }))
      if (db !== 'postgres') return
      // Raw node-postgres on the kernel's runtime login (RLS applies), no knex.
      const settings = (kernel.conn.app.client as unknown as { connectionSettings: pg.PoolConfig }).connectionSettings
      const pool = new pg.Pool({ ...settings, max: kernel.config.databasePoolMax })
      pools.push(pool)
      const ownerPool = new pg.Pool({ ...(plain.client as unknown as { connectionSettings: pg.PoolConfig }).connectionSettings, max: kernel.config.databasePoolMax })
      pools.push(ownerPool)
      const { sql, bindings } = benchRowsQuery(plain).toSQL().toNative()
      const filtered = benchRowsQuery(plain, tenantId).toSQL().toNative()
      bare.get('/rows-pg', async () => ({ items: (await ownerPool.query(filtered.sql, filtered.bindings as unknown[])).rows }))
      const scope = "select set_config('role', 'monozu_app', true), set_config('monozu.tenant_id', $1, true)"
      const scoped = knex({ client: ScopedPgClient, connection: settings, pool: { min: 0, max: kernel.config.databasePoolMax } } as unknown as Knex.Config)
      knexes.push(scoped)
      bare.get('/rows-knex-3rt', async () => ({ items: await scoped.transaction(trx => benchRowsQuery(trx), { tenantId } as Knex.TransactionConfig) }))
      // One round trip: a multi-statement simple query runs as one implicit transaction, so the
      // transaction-local scope holds for the query after it (values inlined by knex's toQuery).
      const inlined = benchRowsQuery(plain).toQuery()
      bare.get('/rows-pg-1rt', async () => {
        const results = await pool.query(`select set_config('role', 'monozu_app', true), set_config('monozu.tenant_id', '${tenantId}', true); ${inlined}`) as unknown as pg.QueryResult[]
        return { items: (results[1] as pg.QueryResult).rows }
      })
      bare.get('/rows-pg-4rt', async () => {
        const c = await pool.connect()
        try {
          await c.query('begin')
          await c.query(scope, [tenantId])
          const { rows } = await c.query(sql, bindings as unknown[])
          await c.query('commit')
          return { items: rows }
        } catch (err) { await c.query('rollback').catch(() => {}); throw err } finally { c.release() }
      })
      bare.get('/rows-pg-3rt', async () => {
        const c = await pool.connect()
        try {
          // tenantId is a validated uuid: safe to inline, so begin + scope is one simple query.
          await c.query(`begin; select set_config('role', 'monozu_app', true), set_config('monozu.tenant_id', '${tenantId}', true)`)
          const { rows } = await c.query(sql, bindings as unknown[])
          await c.query('commit')
          return { items: rows }
        } catch (err) { await c.query('rollback').catch(() => {}); throw err } finally { c.release() }
      })
    }
  })
  if (db === 'postgres') {
    // The prototypes must answer exactly what the kernel route answers (RLS: tenant A only).
    const expected = await (await fetch(s.baselineUrl + '/rows')).text()
    for (const path of ['/rows-trx', '/rows-withtenant', '/rows-knex-3rt', '/rows-pg', '/rows-pg-1rt', '/rows-pg-3rt', '/rows-pg-4rt']) {
      const got = await (await fetch(s.baselineUrl + path)).text()
      if (got !== expected) throw new Error(`${path} answered differently: ${got.slice(0, 200)}`)
    }
  }
  const auth = { authorization: `Bearer ${s.token}` }
    const targets: Array<{ name: string, url: string, headers?: Record<string, string> }> = [
    { name: 'bare /ping', url: `${s.baselineUrl}/ping` },
    { name: 'kernel /ping (auth)', url: `${s.kernelUrl}/api/v1/bench-rows/ping`, headers: auth },
    { name: 'bare /rows', url: `${s.baselineUrl}/rows` },
    { name: 'bare /rows-trx', url: `${s.baselineUrl}/rows-trx` },
    { name: 'bare /rows-withtenant', url: `${s.baselineUrl}/rows-withtenant` },
    ...(db === 'postgres'
      ? [{ name: 'bare /rows-knex-3rt', url: `${s.baselineUrl}/rows-knex-3rt` }, { name: 'bare /rows-pg', url: `${s.baselineUrl}/rows-pg` }, { name: 'bare /rows-pg-1rt', url: `${s.baselineUrl}/rows-pg-1rt` }, { name: 'bare /rows-pg-4rt', url: `${s.baselineUrl}/rows-pg-4rt` }, { name: 'bare /rows-pg-3rt', url: `${s.baselineUrl}/rows-pg-3rt` }]
      : []),
    { name: 'kernel rows (auth)', url: s.kernelUrl + ROUTE, headers: auth }
  ]
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null
  const picked = targets.filter(t => !only || only.test(t.name))
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
  const cpuPerReq = new Map<string, number[]>()
  try {
    console.log(`${label(db)}: ${DURATION} s each after 1 s warm-up, ${CONNECTIONS} connections, ${rounds} round(s)`)
    for (let round = 1; round <= rounds; round++) {
      console.log('target'.padEnd(24) + 'req/s'.padStart(7) + '  p99 ms' + '  server ELU' + '  server CPU µs/req' + '  machine CPU')
      for (const t of picked) {
        const opts = { url: t.url, connections: CONNECTIONS, ...(t.headers ? { headers: t.headers } : {}) }
        await load({ ...opts, duration: 1 })
        const elu0 = performance.eventLoopUtilization()
        const m0 = machineTicks()
        const cpu0 = process.threadCpuUsage()
        const r = await load({ ...opts, duration: DURATION })
        const elu = performance.eventLoopUtilization(elu0)
        const m1 = machineTicks()
        const cpu = process.threadCpuUsage(cpu0)
        const perReq = (cpu.user + cpu.system) / r.total
        cpuPerReq.set(t.name, [...(cpuPerReq.get(t.name) ?? []), perReq])
        const bad = r.non2xx + r.errors + r.timeouts
        console.log(t.name.padEnd(24) + r.rps.toFixed(0).padStart(7) + String(r.p99).padStart(8) +
          `${(elu.utilization * 100).toFixed(0)}%`.padStart(12) + perReq.toFixed(0).padStart(20) +
          `${((m1.busy - m0.busy) / (m1.total - m0.total) * 100).toFixed(0)}%`.padStart(13) + (bad ? `  (${bad} failed)` : ''))
      }
    }
    if (rounds > 1) {
      console.log('median server CPU µs/req: ' + picked.map(t => {
        const v = [...(cpuPerReq.get(t.name) ?? [])].sort((a, b) => a - b)
        return `${t.name} ${(v[Math.floor(v.length / 2)] ?? 0).toFixed(0)}`
      }).join(', '))
    }
  } finally {
    await Promise.all([...pools.map(p => p.end()), ...knexes.map(k => k.destroy())])
    await s.release()
  }
}

await runBench(main)
