import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { AuditService } from './audit/audit.ts'
import type { TokenService } from './auth/tokens.ts'
import { assertTenantTablesProtected, type Database } from './db/database.ts'
import { registerKernelRoutes } from './routes.ts'
import { registerUi } from './http/ui.ts'
import { createTenantDirectory } from './tenancy/directory.ts'
import { defineAuditRetention } from './audit/retention.ts'
import { defineNotificationRetention } from './notifications/retention.ts'
import { defineJobRetention } from './jobs/retention.ts'
import { defineIngestRetention } from './ingest/retention.ts'
import { defineWebhookRetention } from './webhooks/retention.ts'
import { defineEventRetention } from './events/retention.ts'
import { defineUsageReport } from './internal/usage.ts'
import { pinStaffDirectory, staffDirectoryFrom } from './auth/oidc/staff-directory.ts'
import { createIngest } from './ingest/service.ts'
import { createServices, type Services } from './services.ts'
import type { Tenancy } from './tenancy/tenants.ts'
import { loadConfig, type KernelConfig } from './config/config.ts'
import type { Connections } from './db/connections.ts'
import { connect } from './db/connect.ts'
import { migrate } from './db/migrate.ts'
import { createServer } from './http/server.ts'
import { discover, loadPlugins, preparePlugins, stopPlugins } from './plugins/load.ts'
import type { Candidate } from './plugins/pipeline/discover.ts'
import { PluginRegistry } from './plugins/registry.ts'
import type { Profile } from './plugins/pipeline/profile.ts'
import { sharePluginServices, shareKernelWithPlugins } from './plugins/share-kernel.ts'
import { seedDemo, type DemoSeed } from './tenancy/seed.ts'
import { consoleDestination } from './logging/console.ts'
import type { Clock } from './clock/clock.ts'
import { instrument, startTracing, traceFields } from './telemetry/setup.ts'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const kernelMigrations = fileURLToPath(new URL('./migrations/', import.meta.url))

export interface KernelOptions {
  /** Environment to read configuration from (default process.env). */
  env?: Record<string, string | undefined>
  /** Values that win over the environment. */
  config?: Partial<KernelConfig>
  /** Exactly these plugin folders instead of discovering the repo's plugins (PLUGINS_DIRS is still added). */
  plugins?: string[]
  /** Per-plugin configuration (PLUGIN_<ID>_CONFIG wins). */
  pluginConfig?: Record<string, unknown>
  /** Seed the Acme/Globex demo tenants on first start (default true). */
  seedDemo?: boolean
  logger?: pino.Logger
  /** Embedded database in memory instead of DATA_DIR (the test kit uses this). */
  pglite?: { memory?: boolean, template?: Blob }
  /** The built UI shell to serve at `/` (default ui-shell/dist in the repo). */
  shellDir?: string
  /** Which plugins run: all (default), or those whose plugin.json `profiles` name cloud or ingest, with their dependencies. */
  profile?: Profile
  /** The kernel's time (default the system clock). Only the test kit passes another: no configuration sets it. */
  clock?: Clock
}

export interface Kernel {
  readonly app: FastifyInstance
  readonly config: KernelConfig
  readonly db: Database
  readonly conn: Connections
  readonly tenancy: Tenancy
  readonly tokens: TokenService
  readonly audit: AuditService
  readonly registry: PluginRegistry
  readonly demo: DemoSeed | null
  /** Kernel internals for the CLI and the test kit; plugins never see these. */
  readonly services: Services
  /** Listens on config.host:config.port; resolves to the URL. */
  start (): Promise<string>
  /** Stops accepting, finishes in-flight requests, stops plugins, closes the database. */
  stop (): Promise<void>
}

/**
 * The kernel's pino logger: to `destination` when given (tests read their log), else to stdout as
 * JSON lines or, with LOG_FORMAT=pretty, as readable lines (logging/console.ts).
 */
export function createLogger (config: Pick<KernelConfig, 'logLevel'> & Partial<Pick<KernelConfig, 'logFormat' | 'dataDir'>>, destination?: pino.DestinationStream): pino.Logger {
  const options = {
    level: config.logLevel,
    // The active span's trace_id/span_id on every line (nothing when tracing is off).
    mixin: traceFields,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-device-key"]', 'req.headers["x-internal-token"]'], censor: '[redacted]' }
  }
  if (destination) return pino(options, destination)
  if (config.logFormat !== 'pretty') return pino(options)
  return pino(options, consoleDestination({ dataDir: config.dataDir, showRequests: ['debug', 'trace'].includes(config.logLevel) }))
}

/** Builds a ready kernel: database migrated, plugins loaded, routes mounted; `start()` listens. */
export async function createKernel (options: KernelOptions = {}): Promise<Kernel> {
  const env = options.env ?? process.env
  const config = loadConfig(env, options.config)
  const logger = options.logger ?? createLogger(config)
  // The management deployment's staff sign-in (one Entra directory), checked before anything starts.
  const staffDirectory = options.profile === 'management' ? staffDirectoryFrom(env) : null
  shareKernelWithPlugins()
  // Manifests are checked before anything touches the database: a bad plugin fails fast.
  const candidates: Candidate[] = options.plugins
    ? [...options.plugins.map(dir => ({ dir, origin: 'repo' as const })), ...discover(null, config.pluginsDirs)]
    : discover(repoRoot, config.pluginsDirs)
  const plugins = preparePlugins(candidates, options.profile)
  // Ours first: the first plugin to claim a package name keeps it.
  sharePluginServices(plugins.ordered.map(p => p.candidate).sort((a, b) => Number(a.origin === 'external') - Number(b.origin === 'external')).map(c => c.dir))
  const stopTracing = await startTracing(env, options.profile === 'management' ? 'monozu-management' : 'monozu-cloud')
  const conn = await connect(config, logger, options.pglite)
  const registry = new PluginRegistry()
  let services: Services | undefined
  let ingestStop: (() => Promise<void>) | undefined
  try {
    const applied = await migrate(conn, 'kernel', kernelMigrations)
    if (applied.length > 0) logger.info({ migrations: applied }, 'kernel migrations applied')
    await assertTenantTablesProtected(conn, 'the kernel')
    await conn.checkRuntimeRole()
    services = await createServices(config, conn, registry, logger, options.clock)
    if (services.email) services.notifications.setEmailQueue(services.email.queued)
    const { db, tenancy, tokens, audit } = services
    services.events.declare(plugins.declared)
    defineEventRetention(services.jobs, conn.owner, logger)
    defineAuditRetention(services.jobs, conn.owner, config.auditRetentionDays, logger)
    defineNotificationRetention(services.jobs, conn.owner, config.notificationRetentionDays, logger, services.clock)
    defineJobRetention(services.jobs, conn.owner, logger)
    defineIngestRetention(services.jobs, conn.owner, logger)
    defineWebhookRetention(services.jobs, conn.owner, logger, services.clock)
    defineUsageReport(services.jobs, { owner: conn.owner, db, clock: services.clock, counters: services.usage, managementUrl: config.managementUrl, internalTokens: config.internalTokens, log: logger })
    const ingest = createIngest({ conn, db, features: services.features, declared: plugins.declared, log: logger, pollMs: Math.min(config.jobPollMs, 250), worker: config.jobWorker })
    ingestStop = ingest.stop
    const app = await createServer(logger, config)
    const hub = services.hub
    await instrument(app, { conn, sockets: () => hub.count(), metricsToken: config.metricsToken })
    registerKernelRoutes(app, services, config, registry, conn)

    await loadPlugins(plugins, { app, conn, db, audit, log: logger, registry, env, clock: services.clock, jobs: services.jobs, ingest, events: services.events, features: services.features, bus: services.bus, notifications: services.notifications, usage: services.usage, mail: services.mail, tenants: createTenantDirectory(conn.owner, db, logger, registry), onFailure: config.pluginStartFailure, trust: { trustedKeys: config.pluginsTrustedKeys, allowUnsigned: config.pluginsAllowUnsigned }, ...(options.pluginConfig ? { pluginConfig: options.pluginConfig } : {}) })
    const ui = await registerUi(app, { repoRoot, registry, shellDir: options.shellDir })
    if (!ui.shell) logger.warn('the UI shell is not built (ui-shell/dist): run npm run build:ui; the API works without it')
    const demo = options.seedDemo === false ? null : await seedDemo(services, registry, plugins.declared.flatMap(m => m.license?.feature ?? []), config.dataDir, config.demoPassword, options.profile === 'management')
    if (staffDirectory) await pinStaffDirectory({ owner: conn.owner, tenancy: services.tenancy, providers: services.providers, audit: services.audit, log: logger }, staffDirectory)
    await app.ready()
    services.jobs.start()
    services.webhooks.start()
    ingest.start()
    services.events.start()

    const ready = services
    let stopping: Promise<void> | undefined
    return {
      app, config, db, conn, tenancy, tokens, audit, registry, demo, services: ready,
      async start () {
        return app.listen({ port: config.port, host: config.host })
      },
      stop () {
        stopping ??= (async () => {
          await ready.hub.stop()
          app.drain()
          await app.close()
          await ready.jobs.stop()
          await ready.webhooks.stop()
          await ingest.stop()
          await ready.events.stop()
          await stopPlugins(registry, logger, config.pluginStopSeconds * 1000)
          await ready.bus.close()
          ready.email?.close()
          await conn.close()
          await stopTracing?.()
        })()
        return stopping
      }
    }
  } catch (err) {
    await services?.jobs.stop().catch(() => {})
    await services?.webhooks.stop().catch(() => {})
    await ingestStop?.().catch(() => {})
    await services?.events.stop().catch(() => {})
    await services?.hub.stop().catch(() => {})
    await services?.bus.close().catch(() => {})
    await conn.close().catch(() => {})
    await stopTracing?.().catch(() => {})
    throw err
  }
}
