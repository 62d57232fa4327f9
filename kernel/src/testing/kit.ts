import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Knex } from 'knex'
import type { Kernel as KernelInside } from '../kernel.ts'
import type { Tenant, User } from '../tenancy/tenants.ts'
import type { Database } from '../db/database.ts'
import type { AuditService } from '../audit/audit.ts'
import type { EnqueueOptions } from '../jobs/types.ts'
import type { PluginContext } from '../plugins/define.ts'
import { issueLicense } from '../licensing/license.ts'
import type { ManualClock } from './clock.ts'
import { waitFor } from './wait.ts'

export interface Response {
  status: number
  headers: LightMyRequestResponse['headers']
  body: any
  raw: LightMyRequestResponse
}

/** How a job ended: `succeeded`, `dead` (out of attempts) or `cancelled`, with the last error. */
export interface JobOutcome { id: string, state: string, attempts: number, lastError: string | null }

/** The kernel's clock as a test sees it. */
export interface TestClock {
  now (): Date
  /**
   * Moves the kernel's time forward by `ms` (a kernel started with `{ clock: 'manual' }` only):
   * runs the kernel's and plugins' timers that fall due (expiries, periodic checks) and then the
   * job scheduler and one claim of due jobs; resolves when those have run and the claimed jobs
   * have started. Await a job's end with `waitFor` or `runJob`.
   */
  advance (ms: number): Promise<void>
  /** Sets the kernel's time (manual clock only); forward runs what falls due, as `advance`. */
  set (to: Date): Promise<void>
}

/** What a test does to a running kernel, without reaching into it. */
export interface TestKit {
  /** The kernel's time: real unless the kernel was started with `{ clock: 'manual' }`. */
  clock: TestClock
  app: KernelInside['app']
  dialect: string
  /**
   * Test-only: the owner connection. It bypasses row-level security, so use it to arrange
   * what no route can (an expired token, a device last seen an hour ago) and to assert on
   * rows; never as the way the code under test reads data.
   */
  owner: Knex
  /** The tenant-scoped database a plugin gets as `ctx.db`. */
  db: Database
  audit: AuditService
  createTenant (input?: { slug?: string, name?: string }): Promise<Tenant>
  tenantBySlug (slug: string): Promise<Tenant | undefined>
  createUser (tenant: Tenant, input?: { roles?: string[], email?: string, password?: string, name?: string }): Promise<{ user: User, password: string }>
  login (email: string, password: string, tenant?: string): Promise<string>
  /** A new user with `roles` in `tenant`, signed in. */
  signIn (tenant: Tenant, roles?: string[]): Promise<{ token: string, user: User }>
  /** A signed dev license token for `tenant`, as the management side issues it (not installed). */
  issueLicense (tenant: Tenant, features: string[], options?: { days?: number, seats?: number }): Promise<string>
  /** Signs a dev license for `features` and installs it, as the management side would. */
  grantLicense (tenant: Tenant, features: string[], options?: { days?: number, seats?: number }): Promise<void>
  /** A new platform operator (email and password generated unless given). */
  createOperator (input?: { email?: string, password?: string, name?: string }): Promise<{ id: string, email: string, password: string }>
  /** A new platform operator, signed in. */
  signInOperator (): Promise<{ token: string, id: string }>
  /** Enqueues a declared job of `plugin` and waits until the kernel's worker has finished it. */
  runJob (plugin: string, name: string, payload?: unknown, options?: EnqueueOptions & { timeoutMs?: number }): Promise<JobOutcome>
  /**
   * Delivers every domain event that is due now to its handlers in this kernel and resolves when
   * none is left (handlers that throw are charged an attempt and back off; their events are then
   * not due). `retries: true` first makes events that are backing off due, as if their backoff
   * had passed. Resolves with the number of deliveries made. No sleeping in tests.
   */
  deliverEvents (options?: { retries?: boolean }): Promise<number>
  /** The context the kernel gave a loaded plugin: for testing code that takes a part of it (its `ingest`, `jobs`). */
  pluginContext (pluginId: string): PluginContext
  request (method: InjectOptions['method'], url: string, options?: { token?: string, body?: unknown, headers?: Record<string, string> }): Promise<Response>
}

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`
const FINISHED = ['succeeded', 'dead', 'cancelled']

export function kitFor (kernel: KernelInside, manual: ManualClock | null = null): TestKit {
  const owner = kernel.conn.owner
  const manualOnly = (): ManualClock => {
    if (!manual) throw new Error('the kernel runs on the system clock: start it with startTestKernel({ clock: \'manual\' }) to move time')
    return manual
  }
  const clock: TestClock = {
    now: () => kernel.services.clock.now(),
    async advance (ms) {
      await manualOnly().advance(ms)
      await kernel.services.jobs.poll()
    },
    async set (to) {
      await manualOnly().set(to)
      await kernel.services.jobs.poll()
    }
  }

  const request: TestKit['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    const raw = await kernel.app.inject({ method, url, headers, ...(opts.body !== undefined ? { payload: opts.body as InjectOptions['payload'] } : {}) })
    let body: unknown = raw.body
    if (String(raw.headers['content-type'] ?? '').includes('json') && raw.body) body = raw.json()
    return { status: raw.statusCode, headers: raw.headers, body, raw }
  }

  const login: TestKit['login'] = async (email, password, tenant) => {
    const res = await request('POST', '/api/v1/auth/login', { body: { email, password, ...(tenant ? { tenant } : {}) } })
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.accessToken
  }

  const createUser: TestKit['createUser'] = async (tenant, input = {}) => {
    const password = input.password ?? `pw-${unique()}-secret`
    const user = await kernel.tenancy.createUser(tenant.id, {
      email: input.email ?? `user-${unique()}@${tenant.slug}.example`,
      name: input.name ?? 'Test User',
      password,
      roles: input.roles ?? ['member']
    })
    return { user, password }
  }

  const license: TestKit['issueLicense'] = async (tenant, features, opts = {}) => {
    const key = kernel.services.licenseKeys.devSign
    if (!key) throw new Error('issuing a test license needs the generated dev license key (LICENSE_PUBLIC_KEY is set)')
    return issueLicense(key, { tid: tenant.id, features, seats: opts.seats ?? 100, days: opts.days ?? 30 })
  }

  const createOperator: TestKit['createOperator'] = async (input = {}) => {
    const email = input.email ?? `op-${unique()}@monozu.example`
    const password = input.password ?? `pw-${unique()}-operator`
    const op = await kernel.tenancy.createOperator({ email, name: input.name ?? 'Test Operator', password })
    return { id: op.id, email, password }
  }

  return {
    clock,
    app: kernel.app,
    dialect: kernel.conn.dialect,
    owner,
    db: kernel.db,
    audit: kernel.audit,
    createTenant: input => kernel.tenancy.createTenant({ slug: input?.slug ?? `t-${unique()}`, name: input?.name ?? 'Test Tenant' }),
    tenantBySlug: slug => kernel.tenancy.tenantBySlug(slug),
    createUser,
    login,
    async signIn (tenant, roles = ['member']) {
      const { user, password } = await createUser(tenant, { roles })
      return { token: await login(user.email, password, tenant.slug), user }
    },
    issueLicense: license,
    async grantLicense (tenant, features, opts = {}) {
      await kernel.services.features.installLicense(tenant.id, await license(tenant, features, opts), { actor: 'test' })
    },
    createOperator,
    async signInOperator () {
      const op = await createOperator()
      return { token: await login(op.email, op.password), id: op.id }
    },
    async runJob (plugin, name, payload = null, { timeoutMs, ...options } = {}) {
      const { id } = await kernel.services.jobs.forPlugin(plugin).enqueue(name, payload, options)
      const row = await waitFor(`job ${plugin}:${name} (${id}) to finish`, async () => {
        const r = await owner('jobs').where({ id }).first('state', 'attempts', 'last_error')
        return r && FINISHED.includes(r.state) ? r : undefined
      }, timeoutMs)
      return { id, state: row.state, attempts: Number(row.attempts), lastError: row.last_error ?? null }
    },
    deliverEvents: options => kernel.services.events.deliverNow(options),
    pluginContext (pluginId) {
      const context = kernel.registry.get(pluginId)?.context
      if (!context) throw new Error(`plugin "${pluginId}" is not loaded (or did not start)`)
      return context
    },
    request
  }
}
