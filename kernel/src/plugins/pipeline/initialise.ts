import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyBaseLogger } from 'fastify'
import { StartupError } from '../../errors/errors.ts'
import { migrate } from '../../db/migrate.ts'
import type { Connections } from '../../db/connections.ts'
import { assertTenantTablesProtected, type Database } from '../../db/database.ts'
import type { AuditService } from '../../audit/audit.ts'
import type { Bus } from '../../bus/bus.ts'
import { pluginChannels } from '../../channels/plugin-channels.ts'
import type { Jobs } from '../../jobs/service.ts'
import type { Clock } from '../../clock/clock.ts'
import type { Ingest } from '../../ingest/service.ts'
import type { Events } from '../../events/service.ts'
import type { Features } from '../../licensing/features.ts'
import type { Notifications } from '../../notifications/service.ts'
import type { KernelTenantDirectory } from '../../tenancy/directory.ts'
import type { UsageCounters } from '../../usage/counters.ts'
import type { OutboundMail } from '../../mail/outbound.ts'
import { isDefinedPlugin, type DefinedPlugin, type PluginContext } from '../define.ts'
import type { PluginRecord, PluginRegistry } from '../registry.ts'
import { pluginConfig } from './config.ts'
import { checkServicesProvided, provide, resolveService } from './services.ts'

/** What the kernel lends the loader to build each plugin's context. */
export interface KernelParts {
  conn: Connections
  jobs: Jobs
  ingest: Ingest
  events: Events
  features: Features
  bus: Bus
  notifications: Notifications
  tenants: KernelTenantDirectory
  usage: UsageCounters
  mail: OutboundMail
  db: Database
  audit: AuditService
  log: FastifyBaseLogger
  clock: Clock
  registry: PluginRegistry
  env: Record<string, string | undefined>
  pluginConfig?: Record<string, unknown>
}

/** Step entry: the backend module must default-export definePlugin(...). */
export async function importEntry (record: PluginRecord): Promise<DefinedPlugin> {
  const entry = join(record.dir, record.manifest.entry ?? 'src/index.ts')
  if (!existsSync(entry)) throw new StartupError('entry_invalid', `plugin "${record.manifest.id}": entry ${entry} does not exist`, { pluginId: record.manifest.id })
  const mod = await import(pathToFileURL(entry).href)
  if (!isDefinedPlugin(mod.default)) throw new StartupError('entry_invalid', `plugin "${record.manifest.id}": ${entry} must default-export definePlugin({ ... })`, { pluginId: record.manifest.id })
  return mod.default
}

/** Steps migrations and RLS check: on the owner connection, refused per plugin so the error names the one that created an unprotected table. */
export async function migratePlugin (record: PluginRecord, parts: KernelParts): Promise<void> {
  const applied = await migrate(parts.conn, record.manifest.id, join(record.dir, 'migrations'))
  if (applied.length > 0) parts.log.info({ plugin: record.manifest.id, migrations: applied }, 'plugin migrations applied')
  await assertTenantTablesProtected(parts.conn, `plugin "${record.manifest.id}"`)
}

/** Step wiring: the plugin's view of the kernel, scoped to what its manifest declares. */
export function contextFor (record: PluginRecord, parts: KernelParts, config: Record<string, unknown>): PluginContext {
  const m = record.manifest
  return {
    manifest: m,
    config,
    log: parts.log.child({ plugin: m.id }),
    clock: parts.clock,
    db: parts.db,
    audit: parts.audit,
    jobs: parts.jobs.forPlugin(m.id),
    channels: pluginChannels(m, parts.bus, id => parts.registry.get(id)?.manifest),
    tenants: parts.tenants.forPlugin(m.id),
    usage: parts.usage.forPlugin(m.id),
    mail: parts.mail.forPlugin(m),
    notify: parts.notifications.forPlugin(m),
    ingest: parts.ingest.forPlugin(m),
    events: parts.events.forPlugin(m),
    enabledFor: tenantId => parts.features.isEnabled(tenantId, m.id),
    provide: (ref, impl) => provide(record, ref, impl),
    // The one unchecked step: the provider registered `impl` against a ref carrying this type.
    service: ref => resolveService(m, ref.id, parts.registry) as never
  }
}

/** Stage 4, initialise: config, entry, migrations, RLS check, wiring; routes follow in start. */
export async function initialisePlugin (record: PluginRecord, parts: KernelParts): Promise<PluginContext> {
  const config = pluginConfig(record.manifest, parts.env, parts.pluginConfig)
  parts.jobs.declare(record.manifest)
  record.definition = await importEntry(record)
  await migratePlugin(record, parts)
  checkServicesProvided(record.manifest, parts.registry)
  record.context = contextFor(record, parts, config)
  return record.context
}
