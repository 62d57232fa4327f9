import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import knex, { type Knex } from 'knex'
import { createKernel, type Kernel } from '../src/kernel.ts'
import type { KernelConfig } from '../src/config/config.ts'
import { freshDatabase } from '../src/testing/postgres.ts'
import { benchRowsQuery, ROWS } from './rows.ts'
import { ADMIN_URL, defer } from './harness.ts'

// One cleanup stack and one set of signal handlers for every bench: the harness's.
export { ADMIN_URL, postgresUnreachable, redact, runBench } from './harness.ts'

export type Db = 'pglite' | 'postgres'
export const label = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL')

export const ROUTE = '/api/v1/bench-rows/rows'
export const OTHER_TENANT_ROWS = 30
const pluginDir = fileURLToPath(new URL('./fixtures/bench-rows/', import.meta.url))

type Cleanup = () => Promise<unknown> | unknown

export interface Setup {
  db: Db
  kernel: Kernel
  /** Wall time of createKernel (migrations, plugin load, app.ready). */
  readyMs: number
  tenantId: string
  token: string
  /** The kernel's listening URL; the bench route is `ROUTE`. */
  kernelUrl: string
  /** Knex the bare routes use: its own pool on the owner URL (PostgreSQL) or the kernel's one PGlite connection. */
  plain: Knex
  /** The bare Fastify server's URL; the baseline route is `/rows`. */
  baselineUrl: string
  /** Releases everything setUp acquired (idempotent). */
  release (): Promise<void>
}

export interface SetupOptions {
  /** More routes for the bare server, registered before it listens. */
  bareRoutes?: (bare: FastifyInstance, ctx: { kernel: Kernel, plain: Knex, tenantId: string }) => void
}

/**
 * A ready kernel with the bench-rows plugin, two tenants (50 rows in A, 30 in B), a signed-in
 * member of A, listening on 127.0.0.1; beside it a bare Fastify server with the same query.
 * Both routes are checked to answer the same 50 rows of tenant A.
 */
export async function setUp (db: Db, options: SetupOptions = {}): Promise<Setup> {
  const local: Cleanup[] = []
  const release = defer(async () => {
    while (local.length > 0) {
      const fn = local.pop() as Cleanup
      try { await fn() } catch (err) { console.error(`bench: ${label(db)} cleanup step failed:`, err) }
    }
  })
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
    const kernel = await createKernel({
      env: {},
      config: { dataDir, host: '127.0.0.1', port: 0, logLevel: (process.env.BENCH_LOG_LEVEL ?? 'silent') as KernelConfig['logLevel'], accessTokenTtlSeconds: 3600, ...(databaseUrl ? { databaseUrl } : {}) },
      plugins: [pluginDir],
      seedDemo: false,
      ...(db === 'pglite' ? { pglite: { memory: true } } : {})
    })
    const readyMs = performance.now() - started
    local.push(() => kernel.stop())

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
      const own = knex({ client: 'pg', connection: databaseUrl as string, pool: { min: 0, max: kernel.config.databasePoolMax } })
      local.push(() => own.destroy())
      plain = own
    } else {
      plain = kernel.conn.owner // PGlite is one connection inside the kernel (internal, fine for a bench)
    }
    const bare = Fastify({ logger: false })
    bare.get('/rows', async () => ({ items: await benchRowsQuery(plain, a.id) }))
    options.bareRoutes?.(bare, { kernel, plain, tenantId: a.id })
    const baselineUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
    local.push(() => bare.close())

    // Both routes must answer 200 with the same 50 rows of tenant A; no token must be a 401.
    const [viaKernel, viaBare, denied] = await Promise.all([
      fetch(kernelUrl + ROUTE, { headers: { authorization: `Bearer ${token}` } }),
      fetch(baselineUrl + '/rows'),
      fetch(kernelUrl + ROUTE)
    ])
    const [kernelBody, bareBody] = await Promise.all([viaKernel.text(), viaBare.text(), denied.arrayBuffer()])
    if (viaKernel.status !== 200 || viaBare.status !== 200) throw new Error(`route check failed: kernel ${viaKernel.status} ${kernelBody}, bare ${viaBare.status} ${bareBody}`)
    const items = JSON.parse(kernelBody).items as Array<{ title: string }>
    if (items.length !== ROWS || items.some(r => !r.title.startsWith('A '))) throw new Error(`kernel route returned ${items.length} rows, expected the ${ROWS} of tenant A`)
    if (kernelBody !== bareBody) throw new Error('kernel and bare routes returned different bodies')
    if (denied.status !== 401) throw new Error(`kernel route without a token answered ${denied.status}, expected 401`)

    return { db, kernel, readyMs, tenantId: a.id, token, kernelUrl, plain, baselineUrl, release }
  } catch (err) {
    await release()
    throw err
  }
}
