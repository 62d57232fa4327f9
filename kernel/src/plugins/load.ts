import type { FastifyInstance } from 'fastify'
import { StartupError } from '../errors/errors.ts'
import { ajv, type PluginManifest } from './manifest.ts'
import type { PluginRecord } from './registry.ts'
import type { Candidate } from './pipeline/discover.ts'
import { readManifests, validateSet } from './pipeline/validate.ts'
import { selectProfile, type Profile } from './pipeline/profile.ts'
import { orderByDependencies } from './pipeline/order.ts'
import { initialisePlugin, type KernelParts } from './pipeline/initialise.ts'
import { startPlugin } from './pipeline/start.ts'
import { checkTrust, warnAllowUnsigned, type TrustPolicy } from './pipeline/trust.ts'

/**
 * The plugin loader as a pipeline, one file per stage in ./pipeline: discover → validate →
 * order → initialise (config, entry, migrations, RLS check, wiring) → start (routes) → stop.
 * `preparePlugins` runs the stages that read only manifests, before the database is touched;
 * `loadPlugins` the ones that run plugin code; `stopPlugins` (pipeline/stop.ts) the last.
 */
export { discover } from './pipeline/discover.ts'
export { stopPlugins } from './pipeline/stop.ts'

export interface Prepared {
  /** The plugins this profile runs, in dependency order. */
  ordered: Array<{ manifest: PluginManifest, candidate: Candidate }>
  /** Every installed plugin's manifest, also those the profile does not run here (for ingest kinds). */
  declared: PluginManifest[]
}

export interface LoadOptions extends KernelParts {
  app: FastifyInstance
  /** auto: third-party plugins that fail are disabled, first-party ones stop the boot. */
  onFailure?: 'auto' | 'stop' | 'disable'
  /** Trusted signing keys for third-party plugins (default: none, and unsigned ones refused). */
  trust?: TrustPolicy
}

/** Stages 2-3: validate every manifest and the set as a whole, then order; no plugin code runs. */
export function preparePlugins (candidates: Candidate[], profile: Profile = 'all'): Prepared {
  const found = readManifests(candidates)
  const declared = found.map(f => f.manifest)
  const selected = selectProfile(declared, profile)
  validateSet(selected, declared, schema => ajv.compile(schema))
  const ordered = orderByDependencies(selected).map(m => found.find(f => f.manifest === m) as Prepared['ordered'][number])
  return { ordered, declared }
}

/** Stages 4-5 for each plugin in dependency order, applying the failure policy to each. */
export async function loadPlugins (prepared: Prepared, options: LoadOptions): Promise<void> {
  const trust = options.trust ?? { trustedKeys: [], allowUnsigned: false }
  if (trust.allowUnsigned) warnAllowUnsigned(options.log, options.conn.dialect)
  for (const { manifest, candidate } of prepared.ordered) {
    const record: PluginRecord = { manifest, dir: candidate.dir, thirdParty: manifest.thirdParty === true || candidate.origin === 'external', state: 'running', provided: new Map() }
    options.registry.records.push(record)
    try {
      const down = Object.keys(manifest.dependencies ?? {}).find(dep => options.registry.get(dep)?.state !== 'running')
      if (down) throw new StartupError('plugin_start_failed', `plugin "${manifest.id}" depends on "${down}", which is disabled`, { pluginId: manifest.id })
      checkTrust(record, candidate.origin, trust, options.log)
      const ctx = await initialisePlugin(record, options)
      await startPlugin(record, ctx, options.app)
      options.events.assertHandled(manifest)
      options.log.info({ plugin: manifest.id, version: manifest.version }, 'plugin started')
    } catch (err) {
      failed(record, err, options)
    }
  }
}

/** Rethrows when the boot must stop; otherwise marks the plugin disabled (its routes answer 503). */
function failed (record: PluginRecord, err: unknown, options: LoadOptions): void {
  const id = record.manifest.id
  const error = err instanceof StartupError ? err : new StartupError('plugin_start_failed', `plugin "${id}": ${(err as Error).message}`, { pluginId: id, cause: err })
  const policy = options.onFailure ?? 'auto'
  // An unprotected tenant table stays in the database whatever the plugin's state: never boot with one.
  if (error.code === 'rls_missing' || policy === 'stop' || (policy === 'auto' && !record.thirdParty)) throw error
  record.state = 'disabled'
  record.reason = error.code === 'plugin_start_failed' ? 'failed to start' : error.code
  record.error = error.message
  options.log.error({ plugin: id, err: error }, 'third-party plugin disabled: it failed to start')
}
