import type { FastifyBaseLogger } from 'fastify'
import type { Connections } from '../db/connections.ts'
import type { Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import { ingestCatalogue } from './catalogue.ts'
import { createDispatcher, type Consumer } from './dispatcher.ts'
import { commitTenants, storeEvents } from './store.ts'
import type { IngestEventInput, IngestTenantEvents, PluginIngest } from './types.ts'
import { inSpan } from '../telemetry/tracing.ts'

const DEFAULT_BATCH = 500

/** The kernel's ingest inbox: the kinds catalogue, durable storage and the dispatcher. */
export function createIngest (deps: { conn: Connections, db: Database, features: Features, declared: PluginManifest[], log: FastifyBaseLogger, pollMs: number, worker: boolean }) {
  const catalogue = ingestCatalogue(deps.declared)
  const consumers = new Map<string, Consumer>()
  const dispatcher = createDispatcher({ owner: deps.conn.owner, db: deps.db, consumers, log: deps.log.child({ component: 'ingest' }), pollMs: deps.pollMs })

  function assertStorable (events: IngestEventInput[]): void {
    if (deps.db.dialect === 'mssql') throw new Error('ingest storage is implemented for PostgreSQL and PGlite only')
    const unknown = events.find(e => !catalogue.has(e.kind))
    if (unknown) throw new TypeError(`ingest: kind "${unknown.kind}" is not declared by any installed plugin`)
    const badId = events.find(e => e.eventId !== null && (typeof e.eventId !== 'string' || e.eventId.length < 1 || e.eventId.length > 128))
    if (badId) throw new TypeError(`ingest: an event id must be null or 1-128 characters, got ${JSON.stringify(badId.eventId)}`)
  }
  /** Commits, then wakes the dispatcher once something new is in the inbox. */
  async function commit (batches: IngestTenantEvents[]): Promise<boolean[][]> {
    for (const b of batches) assertStorable(b.events)
    const stored = await inSpan('ingest commit', { 'monozu.ingest.tenants': batches.length, 'monozu.ingest.events': batches.reduce((n, b) => n + b.events.length, 0) }, () => commitTenants(deps.conn, deps.db, batches))
    if (stored.some(s => s.some(Boolean))) dispatcher.poke()
    return stored
  }

  return {
    forPlugin (manifest: PluginManifest): PluginIngest {
      const own = new Set((manifest.ingest ?? []).map(k => k.kind))
      return {
        kinds: () => catalogue,
        enabled (tenantId, kind) {
          const entry = catalogue.get(kind)
          return entry === undefined ? Promise.resolve(false) : deps.features.manifestEnabled(tenantId, entry.manifest)
        },
        async store (trx, tenantId, events) {
          assertStorable(events)
          const result = await storeEvents(trx, tenantId, events)
          if (result.some(Boolean)) void Promise.resolve((trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise).then(() => dispatcher.poke(), () => {})
          return result
        },
        commit: async (tenantId, events) => (await commit([{ tenantId, events }]))[0] as boolean[],
        commitTenants: commit,
        consume (kind, handler, options = {}) {
          if (!own.has(kind)) throw new Error(`plugin "${manifest.id}" cannot consume ingest kind "${kind}": declare it in plugin.json ingest`)
          if (consumers.has(kind)) throw new Error(`plugin "${manifest.id}": a consumer for ingest kind "${kind}" is already registered`)
          const batchSize = options.batchSize ?? DEFAULT_BATCH
          if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new RangeError('consume: batchSize must be an integer 1-10000')
          consumers.set(kind, { pluginId: manifest.id, handler, batchSize })
        }
      }
    },
    /** Starts delivering to consumers (instances that run workers only). */
    start (): void { if (deps.worker) dispatcher.start() },
    stop: () => dispatcher.stop()
  }
}

export type Ingest = ReturnType<typeof createIngest>
