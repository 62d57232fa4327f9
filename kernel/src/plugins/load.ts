import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix'
import { ApiError, StartupError } from '../errors/errors.ts'
import { migrate } from '../db/migrate.ts'
import type { Connections } from '../db/connections.ts'
import { assertTenantTablesProtected, type Database } from '../db/database.ts'
import type { AuditService } from '../audit/audit.ts'
import type { Bus } from '../bus/bus.ts'
import { pluginChannels } from '../channels/plugin-channels.ts'
import type { Jobs } from '../jobs/service.ts'
import type { Ingest } from '../ingest/service.ts'
import type { Features } from '../licensing/features.ts'
import type { KernelTenantDirectory } from '../tenancy/directory.ts'
import type { Candidate } from './discover.ts'
import { ajv, prefixesOf, readManifest, type PluginManifest } from './manifest.ts'
import { checkChannels, checkIngestKinds, checkKernelRange, checkPrefixes, checkUnique, orderByDependencies, selectProfile, type Profile } from './order.ts'
import { isDefinedPlugin, type PluginContext } from './define.ts'
import type { PluginRecord, PluginRegistry } from './registry.ts'

export type Validated = Array<{ manifest: PluginManifest, candidate: Candidate }> & {
  /** Every installed plugin's manifest, also those the profile does not run here (for ingest kinds). */
  declared?: PluginManifest[]
}

export interface LoadOptions {
  app: FastifyInstance
  conn: Connections
  jobs: Jobs
  ingest: Ingest
  features: Features
  bus: Bus
  tenants: KernelTenantDirectory
  db: Database
  audit: AuditService
  log: FastifyBaseLogger
  registry: PluginRegistry
  env: Record<string, string | undefined>
  pluginConfig?: Record<string, unknown>
  /** auto: third-party plugins that fail are disabled, first-party ones stop the boot. */
  onFailure?: 'auto' | 'stop' | 'disable'
}

/** Stage 2, validate every manifest and the set as a whole before any plugin code runs. */
export function validateCandidates (candidates: Candidate[], profile: Profile = 'all'): Validated {
  const all = candidates.map(candidate => ({ manifest: readManifest(candidate.dir), candidate }))
  const manifests = selectProfile(all.map(l => l.manifest), profile)
  const loaded = all.filter(l => manifests.includes(l.manifest))
  checkUnique(manifests)
  manifests.forEach(m => checkKernelRange(m))
  checkPrefixes(manifests)
  checkChannels(manifests)
  checkIngestKinds(all.map(l => l.manifest), schema => ajv.compile(schema))
  const order = orderByDependencies(manifests)
  const result: Validated = order.map(m => loaded.find(l => l.manifest === m) as { manifest: PluginManifest, candidate: Candidate })
  result.declared = all.map(l => l.manifest)
  return result
}

function pluginConfig (m: PluginManifest, options: LoadOptions): Record<string, unknown> {
  const variable = `PLUGIN_${m.id.toUpperCase().replace(/-/g, '_')}_CONFIG`
  let config = options.pluginConfig?.[m.id] ?? {}
  const raw = options.env[variable]
  if (raw) {
    try { config = JSON.parse(raw) } catch { throw new StartupError('config_invalid', `${variable} is not valid JSON`, { pluginId: m.id }) }
  }
  if (!m.config) return config as Record<string, unknown>
  const validate = ajv.compile(m.config)
  const copy = structuredClone(config)
  if (!validate(copy)) {
    const why = (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message} (rule: ${e.keyword})`).join('; ')
    throw new StartupError('config_invalid', `plugin "${m.id}" configuration (${variable}): ${why}`, { pluginId: m.id })
  }
  return copy as Record<string, unknown>
}

async function importEntry (record: PluginRecord) {
  const entry = join(record.dir, record.manifest.entry ?? 'src/index.ts')
  if (!existsSync(entry)) throw new StartupError('entry_invalid', `plugin "${record.manifest.id}": entry ${entry} does not exist`, { pluginId: record.manifest.id })
  const mod = await import(pathToFileURL(entry).href)
  if (!isDefinedPlugin(mod.default)) throw new StartupError('entry_invalid', `plugin "${record.manifest.id}": ${entry} must default-export definePlugin({ ... })`, { pluginId: record.manifest.id })
  return mod.default
}

/** Each plugin's routes live in their own encapsulated context that enforces its prefixes and permissions. */
function guardRoutes (child: FastifyInstance, record: PluginRecord): void {
  const m = record.manifest
  const prefixes = prefixesOf(m)
  const permissions = new Set((m.permissions ?? []).map(p => p.id))
  child.addHook('onRoute', route => {
    const url = route.url
    if (!prefixes.some(p => url === p || url.startsWith(p + '/'))) {
      throw new StartupError('route_outside_prefix', `plugin "${m.id}" registered ${route.method} ${url} outside its prefixes ${prefixes.join(', ')}`, { pluginId: m.id })
    }
    const config = (route.config ?? {}) as { permission?: string, public?: boolean }
    if (!config.public && (!config.permission || !permissions.has(config.permission))) {
      throw new StartupError('route_permission', `plugin "${m.id}" route ${route.method} ${url} must set config.permission to one of its declared permissions (${[...permissions].join(', ') || 'none declared'}) or config.public`, { pluginId: m.id })
    }
    route.schema = { tags: [m.id], ...(route.schema ?? {}) }
  })
  // A plugin disabled after it registered some routes must not serve them.
  child.addHook('onRequest', (_request, _reply, done) => {
    done(record.state === 'running' ? undefined : new ApiError('service_unavailable', `The ${m.id} module is unavailable: it failed to start`))
  })
}

function contextFor (record: PluginRecord, container: AwilixContainer, options: LoadOptions, config: Record<string, unknown>): PluginContext {
  const m = record.manifest
  const scope = container.createScope()
  for (const dep of Object.keys(m.dependencies ?? {})) {
    scope.register(dep, asValue(options.registry.get(dep)?.services))
  }
  return {
    manifest: m,
    config,
    log: options.log.child({ plugin: m.id }),
    db: options.db,
    audit: options.audit,
    jobs: options.jobs.forPlugin(m.id),
    channels: pluginChannels(m, options.bus, id => options.registry.get(id)?.manifest),
    tenants: options.tenants.forPlugin(m.id),
    ingest: options.ingest.forPlugin(m),
    enabledFor: tenantId => options.features.isEnabled(tenantId, m.id),
    use<T> (pluginId: string): T {
      if (!(pluginId in (m.dependencies ?? {}))) throw new Error(`plugin "${m.id}" cannot use "${pluginId}": declare it in plugin.json dependencies`)
      return scope.resolve<T>(pluginId)
    }
  }
}

async function startPlugin (record: PluginRecord, container: AwilixContainer, options: LoadOptions): Promise<void> {
  const m = record.manifest
  const config = pluginConfig(m, options)
  options.jobs.declare(m)
  const definition = await importEntry(record)
  record.definition = definition
  const applied = await migrate(options.conn, m.id, join(record.dir, 'migrations'))
  if (applied.length > 0) options.log.info({ plugin: m.id, migrations: applied }, 'plugin migrations applied')
  // Checked per plugin so the refusal names the plugin that created the unprotected table.
  await assertTenantTablesProtected(options.conn, `plugin "${m.id}"`)
  const ctx = contextFor(record, container, options, config)
  record.context = ctx
  // The failure is carried out of register() so Fastify's boot sequence itself stays healthy.
  let failure: unknown
  await options.app.register(async child => {
    guardRoutes(child, record)
    try { record.services = await definition.start(ctx, child) } catch (err) { failure = err }
  })
  if (failure !== undefined) throw failure
}

/** Stage 4, initialise: migrations, DI scope, routes, in dependency order. */
export async function loadPlugins (ordered: Validated, options: LoadOptions): Promise<void> {
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true })
  container.register({ db: asValue(options.db), audit: asValue(options.audit) })
  for (const { manifest, candidate } of ordered) {
    const record: PluginRecord = { manifest, dir: candidate.dir, thirdParty: manifest.thirdParty === true || candidate.origin === 'external', state: 'running' }
    options.registry.records.push(record)
    const down = Object.keys(manifest.dependencies ?? {}).find(dep => options.registry.get(dep)?.state !== 'running')
    try {
      if (down) throw new StartupError('plugin_start_failed', `plugin "${manifest.id}" depends on "${down}", which is disabled`, { pluginId: manifest.id })
      await startPlugin(record, container, options)
      options.log.info({ plugin: manifest.id, version: manifest.version }, 'plugin started')
    } catch (err) {
      const error = err instanceof StartupError ? err : new StartupError('plugin_start_failed', `plugin "${manifest.id}": ${(err as Error).message}`, { pluginId: manifest.id, cause: err })
      const policy = options.onFailure ?? 'auto'
      // An unprotected tenant table stays in the database whatever the plugin's state: never boot with one.
      if (error.code === 'rls_missing' || policy === 'stop' || (policy === 'auto' && !record.thirdParty)) throw error
      record.state = 'disabled'
      record.reason = error.code === 'plugin_start_failed' ? 'failed to start' : error.code
      record.error = error.message
      options.log.error({ plugin: manifest.id, err: error }, 'third-party plugin disabled: it failed to start')
    }
  }
}
