import { startTestKernel, type TestKernel, type TestKernelOptions } from '../src/testing/index.ts'
import { ADMIN_URL, defer, postgresUnreachable, redact } from './harness.ts'

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
