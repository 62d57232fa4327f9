/**
 * @monozu/kernel/testing: start a real kernel with just the plugins a test needs, on PGlite
 * (default) or on a fresh PostgreSQL database when DATABASE_URL is set; make tenants and
 * users; sign in; call routes. Nothing here is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createKernel, createLogger, type Kernel, type KernelOptions } from '../kernel.ts'
import type { Tenant, User } from '../tenancy/tenants.ts'
import type { TenantRole } from '../tenancy/roles.ts'
import type { KernelConfig } from '../config/config.ts'
import { freshDatabase } from './postgres.ts'
import { issueLicense } from '../licensing/license.ts'

export interface TestKernelOptions {
  /** Plugin folders to load (none by default). */
  plugins?: string[]
  pluginConfig?: Record<string, unknown>
  config?: Partial<KernelConfig>
  /** Environment seen by the kernel (PLUGIN_<ID>_CONFIG, ...). */
  env?: Record<string, string | undefined>
  /** 'auto' (default): PostgreSQL when DATABASE_URL is set, else in-memory PGlite. */
  database?: 'auto' | 'pglite' | 'postgres'
  seedDemo?: boolean
  /** A built UI shell folder to serve at `/`. */
  shellDir?: string
  /** Where the kernel logs, and from which level (default: nowhere, or stdout at TEST_LOG_LEVEL): for tests that read the log. */
  log?: { level: KernelConfig['logLevel'], stream: { write (line: string): unknown } }
}

export interface Response {
  status: number
  headers: LightMyRequestResponse['headers']
  body: any
  raw: LightMyRequestResponse
}

export interface TestKernel {
  kernel: Kernel
  app: Kernel['app']
  dialect: string
  createTenant (input?: { slug?: string, name?: string }): Promise<Tenant>
  createUser (tenant: Tenant, input?: { roles?: TenantRole[], email?: string, password?: string, name?: string }): Promise<{ user: User, password: string }>
  login (email: string, password: string, tenant?: string): Promise<string>
  /** A new user with `roles` in `tenant`, signed in. */
  signIn (tenant: Tenant, roles?: TenantRole[]): Promise<{ token: string, user: User }>
  /** Signs a dev license for `features` and installs it, as the management side would. */
  grantLicense (tenant: Tenant, features: string[], options?: { days?: number, seats?: number }): Promise<void>
  /** A new platform operator, signed in. */
  signInOperator (): Promise<{ token: string, id: string }>
  request (method: InjectOptions['method'], url: string, options?: { token?: string, body?: unknown, headers?: Record<string, string> }): Promise<Response>
  close (): Promise<void>
}

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

/** The database the tests run on: PostgreSQL when DATABASE_URL is set. */
export function testDatabase (): 'pglite' | 'postgres' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite'
}

export { freshDatabase }
export { waitFor } from './wait.ts'
export { freePort } from './ports.ts'

export async function startTestKernel (options: TestKernelOptions = {}): Promise<TestKernel> {
  const which = options.database === undefined || options.database === 'auto' ? testDatabase() : options.database
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-test-'))
  let pg: Awaited<ReturnType<typeof freshDatabase>> | undefined
  if (which === 'postgres') {
    const adminUrl = process.env.DATABASE_URL
    if (!adminUrl) throw new Error('startTestKernel({ database: "postgres" }) needs DATABASE_URL')
    pg = await freshDatabase(adminUrl)
  }
  // Tests run the Redis bus whenever REDIS_URL is set (as .ci/run does), the in-process one otherwise.
  const redis = process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}
  const config: Partial<KernelConfig> = { dataDir, port: 0, jobPollMs: 50, ...redis, ...options.config, ...(pg ? { databaseUrl: pg.url } : {}) }
  const kernelOptions: KernelOptions = {
    env: { ...options.env, DATABASE_URL: undefined },
    config,
    plugins: options.plugins ?? [],
    seedDemo: options.seedDemo ?? false,
    ...(options.shellDir ? { shellDir: options.shellDir } : {}),
    logger: options.log ? createLogger({ logLevel: options.log.level }, options.log.stream) : createLogger({ logLevel: (process.env.TEST_LOG_LEVEL as KernelConfig['logLevel']) ?? 'silent' }),
    ...(options.pluginConfig ? { pluginConfig: options.pluginConfig } : {}),
    ...(which === 'pglite' ? { pglite: { memory: true } } : {})
  }
  let kernel: Kernel
  try {
    kernel = await createKernel(kernelOptions)
  } catch (err) {
    await pg?.drop().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }

  const request: TestKernel['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    const raw = await kernel.app.inject({ method, url, headers, ...(opts.body !== undefined ? { payload: opts.body as InjectOptions['payload'] } : {}) })
    let body: unknown = raw.body
    if (String(raw.headers['content-type'] ?? '').includes('json') && raw.body) body = raw.json()
    return { status: raw.statusCode, headers: raw.headers, body, raw }
  }

  const login: TestKernel['login'] = async (email, password, tenant) => {
    const res = await request('POST', '/api/v1/auth/login', { body: { email, password, ...(tenant ? { tenant } : {}) } })
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.accessToken
  }

  const createUser: TestKernel['createUser'] = async (tenant, input = {}) => {
    const password = input.password ?? `pw-${unique()}-secret`
    const user = await kernel.tenancy.createUser(tenant.id, {
      email: input.email ?? `user-${unique()}@${tenant.slug}.example`,
      name: input.name ?? 'Test User',
      password,
      roles: input.roles ?? ['member']
    })
    return { user, password }
  }

  return {
    kernel,
    app: kernel.app,
    dialect: kernel.conn.dialect,
    createTenant: input => kernel.tenancy.createTenant({ slug: input?.slug ?? `t-${unique()}`, name: input?.name ?? 'Test Tenant' }),
    createUser,
    login,
    async signIn (tenant, roles = ['member']) {
      const { user, password } = await createUser(tenant, { roles })
      return { token: await login(user.email, password, tenant.slug), user }
    },
    async grantLicense (tenant, features, opts = {}) {
      const key = kernel.services.licenseKeys.devSign
      if (!key) throw new Error('grantLicense needs the generated dev license key (LICENSE_PUBLIC_KEY is set)')
      const license = await issueLicense(key, { tid: tenant.id, features, seats: opts.seats ?? 100, days: opts.days ?? 30 })
      await kernel.services.features.installLicense(tenant.id, license, { actor: 'test' })
    },
    async signInOperator () {
      const email = `op-${unique()}@monozu.example`
      const password = `pw-${unique()}-operator`
      const op = await kernel.tenancy.createOperator({ email, name: 'Test Operator', password })
      return { token: await login(email, password), id: op.id }
    },
    request,
    async close () {
      await kernel.stop()
      await pg?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
