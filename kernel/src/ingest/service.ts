import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import { ingestCatalogue } from './catalogue.ts'
import { createDispatcher, type Consumer } from './dispatcher.ts'
import { storeEvents } from './inbox.ts'
import type { PluginIngest } from './types.ts'

const DEFAULT_BATCH = 500

/** The kernel's ingest inbox: the kinds catalogue, durable storage and the dispatcher. */
export function createIngest (deps: { owner: Knex, db: Database, features: Features, declared: PluginManifest[], log: FastifyBaseLogger, pollMs: number, worker: boolean }) {
  const catalogue = ingestCatalogue(deps.declared)
  const consumers = new Map<string, Consumer>()
  const dispatcher = createDispatcher({ owner: deps.owner, db: deps.db, consumers, log: deps.log.child({ component: 'ingest' }), pollMs: deps.pollMs })

  return {
    forPlugin (manifest: PluginManifest): PluginIngest {
      const own = new Set((manifest.ingest ?? []).map(k => k.kind))
      return {
        kinds: () => catalogue,
        async enabled (tenantId, kind) {
          const entry = catalogue.get(kind)
          return entry !== undefined && deps.features.manifestEnabled(tenantId, entry.manifest)
        },
        async store (trx, tenantId, events) {
          if (deps.db.dialect === 'mssql') throw new Error('ingest storage is implemented for PostgreSQL and PGlite only')
          const unknown = events.find(e => !catalogue.has(e.kind))
          if (unknown) throw new TypeError(`ingest.store: kind "${unknown.kind}" is not declared by any installed plugin`)
          const stored = await storeEvents(trx, tenantId, events)
          if (stored.some(Boolean)) void Promise.resolve((trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise).then(() => dispatcher.poke(), () => {})
          return stored
        },
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
