import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { AuditService } from '../audit/audit.ts'
import type { Database } from '../db/database.ts'
import type { PluginManifest } from './manifest.ts'
import type { PluginJobs } from '../jobs/types.ts'
import type { PluginChannels } from '../channels/plugin-channels.ts'
import type { TenantDirectory } from '../tenancy/directory.ts'
import type { PluginIngest } from '../ingest/types.ts'
import type { ServiceRef } from './service-ref.ts'
import type { Clock } from '../clock/clock.ts'
import type { PluginEvents } from '../events/types.ts'
import type { Notify } from '../notifications/types.ts'
import type { PluginUsage } from '../usage/counters.ts'
import type { PluginMail } from '../mail/outbound.ts'

/** What the kernel hands a plugin when it starts. */
export interface PluginContext<Config = Record<string, unknown>> {
  /** The validated plugin.json. */
  readonly manifest: PluginManifest
  /** The plugin's configuration, validated against plugin.json `config` with defaults applied. */
  readonly config: Config
  /** A pino logger bound to the plugin id. */
  readonly log: FastifyBaseLogger
  /**
   * The kernel's time: read it (and set timers on it) wherever time decides behaviour (expiry,
   * timeouts, thresholds), instead of `Date.now()`, so tests can advance it instead of sleeping.
   */
  readonly clock: Clock
  /** Tenant-scoped data access; see `Database.withTenant`. */
  readonly db: Database
  readonly audit: AuditService
  /** Background jobs declared in plugin.json `jobs`: define handlers, enqueue work. */
  readonly jobs: PluginJobs
  /** Live events on the channels declared in plugin.json `channels`. */
  readonly channels: PluginChannels
  /**
   * Tells people: one in-app notification per recipient (users, role or permission holders),
   * live on the `notifications` channel to that user alone, and email where their preferences
   * want it. `type` must be declared in plugin.json `notifications`. Pass `trx` to commit it with
   * the change that caused it; live delivery then waits for the commit.
   */
  readonly notify: Notify
  /** Read-only facts about tenants (name, status, user and job counts, recent activity). */
  readonly tenants: TenantDirectory
  /**
   * Usage counters (kernel API 1.5): `ctx.usage.register('devices', trx => count)` adds a
   * per-tenant figure to the hourly usage report sent to management; the kernel calls it inside
   * each tenant's transaction, so the count sees only that tenant's rows.
   */
  readonly usage: PluginUsage
  /**
   * Mail to an address that is not a user of the tenant (kernel API 1.6), for plugins whose
   * plugin.json says `"mail": true`: `ctx.mail.send({ tenantId, to, subject, text, messageId?,
   * inReplyTo?, references?, replyTo? }, trx?)`. Stored in `trx` and sent by a job after commit,
   * with retries; capped per tenant per hour. Users are reached with `ctx.notify` instead.
   */
  readonly mail: PluginMail
  /** The durable ingest inbox: consume the kinds declared in plugin.json `ingest`, as the ingest endpoint stored them. */
  readonly ingest: PluginIngest
  /** Durable domain events declared in plugin.json `events`: publish in your transaction, handle in `start`. */
  readonly events: PluginEvents
  /**
   * Whether this plugin is enabled for the tenant (licensed, not switched off). The kernel checks
   * this for token-authenticated requests; routes with their own auth (`public`, e.g. a device
   * key) call it themselves once they know the tenant.
   */
  enabledFor (tenantId: string): Promise<boolean>
  /**
   * Registers this plugin's implementation of a service it exports (`defineServiceRef` in its
   * package's `./service`); call it in `start`, before dependents start.
   */
  provide<T> (ref: ServiceRef<T>, impl: NoInfer<T>): void
  /**
   * Another plugin's service, typed by its reference. plugin.json must declare it in `services`
   * (with a version range) and its plugin in `dependencies`; the loader has checked both.
   */
  service<T> (ref: ServiceRef<T>): T
}

export interface PluginDefinition<Config = Record<string, unknown>> {
  /**
   * Registers the plugin's routes on `app` (an encapsulated Fastify instance; route URLs are
   * absolute and must lie under the plugin's declared prefixes, each with `config.permission`
   * naming one of its declared permissions) and provides its services with `ctx.provide`.
   */
  start (ctx: PluginContext<Config>, app: FastifyInstance): Promise<void> | void
  /** Releases what `start` acquired; called on shutdown in reverse dependency order, within PLUGIN_STOP_SECONDS. */
  stop? (): Promise<void> | void
  /**
   * Fills a freshly seeded demo tenant (Acme, Globex) with example data; runs once, on the
   * first start of a new installation, after the tenant's license is installed.
   */
  seedDemo? (ctx: PluginContext<Config>, tenant: DemoTenant): Promise<void> | void
}

export interface DemoTenant { id: string, slug: string, name: string }

const marker = Symbol.for('monozu.plugin')

export type DefinedPlugin<C = Record<string, unknown>> = PluginDefinition<C> & { readonly [marker]: true }

/** The default export of every plugin's backend entry. Fails fast on a malformed definition. */
export function definePlugin<Config = Record<string, unknown>> (definition: PluginDefinition<Config>): DefinedPlugin<Config> {
  if (!definition || typeof definition.start !== 'function') throw new TypeError('definePlugin needs { start(ctx, app) { ... } }')
  if (definition.stop !== undefined && typeof definition.stop !== 'function') throw new TypeError('definePlugin: stop must be a function')
  if (definition.seedDemo !== undefined && typeof definition.seedDemo !== 'function') throw new TypeError('definePlugin: seedDemo must be a function')
  const unknown = Object.keys(definition).filter(k => k !== 'start' && k !== 'stop' && k !== 'seedDemo')
  if (unknown.length > 0) throw new TypeError(`definePlugin: unknown option(s) ${unknown.join(', ')}; expected start, stop and seedDemo`)
  return Object.freeze({ ...definition, [marker]: true as const })
}

export function isDefinedPlugin (value: unknown): value is DefinedPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
}
