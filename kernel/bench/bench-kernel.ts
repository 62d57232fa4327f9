import { startTestKernel, type TestKernel, type TestKernelOptions } from '../src/testing/index.ts'
import { ADMIN_URL, defer, percentile, postgresUnreachable, redact, round } from './harness.ts'

/**
 * The one kernel of a plugin bench, listening on a free port: on a fresh PostgreSQL database
 * (DATABASE_URL, else the local server) or, with BENCH_DB=pglite, on in-memory PGlite; a single
 * instance, so the in-process bus; access tokens that outlive the run. Closed at cleanup.
 * `where` says which database, for the bench's first line.
 */
export async function startBenchKernel (options: Omit<TestKernelOptions, 'database'>): Promise<{ k: TestKernel, url: string, db: 'pglite' | 'postgres', where: string }> {
  const db = process.env.BENCH_DB === 'pglite' ? 'pglite' : 'postgres'
  if (db === 'postgres') {
    const unreachable = await postgresUnreachable(ADMIN_URL)
    if (unreachable) throw new Error(`PostgreSQL at ${redact(ADMIN_URL)} is unreachable (${unreachable}); start it or run with BENCH_DB=pglite`)
    process.env.DATABASE_URL ??= ADMIN_URL
  }
  delete process.env.REDIS_URL
  const k = await startTestKernel({ ...options, config: { accessTokenTtlSeconds: 3600, ...options.config }, database: db })
  defer(() => k.close())
  const url = await k.app.listen({ host: '127.0.0.1', port: 0 })
  return { k, url, db, where: db === 'postgres' ? `PostgreSQL (fresh database on ${redact(ADMIN_URL)})` : 'PGlite (in memory)' }
}

/**
 * Latency of `requests` sequential authenticated GETs after `warmup` unmeasured ones, against a
 * listening kernel: each must answer 200, and `expect` checks the first body (throws to fail).
 */
export async function timeGets (url: (i: number) => string, token: string, options: { requests: number, warmup?: number, expect?: (body: { items: unknown[] }) => void }): Promise<{ p50: number, p99: number, mean: number }> {
  const warmup = options.warmup ?? 50
  const times: number[] = []
  for (let i = 0; i < warmup + options.requests; i++) {
    const t0 = performance.now()
    const res = await fetch(url(i), { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json() as { items: unknown[] }
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`${url(i)}: ${res.status} ${JSON.stringify(body)}`)
    if (i === 0) options.expect?.(body)
    if (i >= warmup) times.push(ms)
  }
  times.sort((a, b) => a - b)
  return { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2), mean: round(times.reduce((a, b) => a + b, 0) / times.length, 2) }
}
