import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Bus } from '../bus/bus.ts'
import type { Connections } from '../db/connections.ts'
import type { Database } from '../db/database.ts'
import { StartupError } from '../errors/errors.ts'
import type { Features } from '../licensing/features.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import { unpublishedSubscriptions } from '../plugins/pipeline/events.ts'
import { eventCatalogue, type EventCatalogue } from './catalogue.ts'
import { createDispatcher } from './dispatcher.ts'
import { pluginEvents, type PublishSink, type Registered } from './publish.ts'
import { retriesDueNow } from './store.ts'
import type { PluginEvents } from './types.ts'

export type { PublishedEvent, PublishSink } from './publish.ts'

// Pokes between instances travel on the bus under a channel no plugin can declare, for no tenant.
const POKE_CHANNEL = '$events'
const NO_TENANT = '00000000-0000-0000-0000-000000000000'
// At most one poke to other instances per this many ms: at 1,000 events/s that is 50 messages, not 1,000.
const POKE_EVERY_MS = 20

export interface EventsConfig {
  pollMs: number
  /** Run the dispatcher in this instance (an ingest-only deployment may not). */
  worker: boolean
}

/**
 * Durable domain events: the catalogue of declared types, `ctx.events` for each plugin, the
 * internal `onPublish` hook for kernel modules (tenant webhooks), and the dispatcher.
 */
export function createEvents (deps: { conn: Connections, db: Database, features: Features, bus: Bus, log: FastifyBaseLogger, config: EventsConfig }) {
  const log = deps.log.child({ component: 'events' })
  const handlers = new Map<string, Registered>()
  const sinks: PublishSink[] = []
  const instance = randomUUID()
  let catalogue: EventCatalogue = eventCatalogue([])
  const dispatcher = createDispatcher({
    owner: deps.conn.owner, db: deps.db, features: deps.features, handlers, log,
    options: { pollMs: deps.config.pollMs, batchSize: 200, concurrency: deps.conn.dialect === 'postgres' ? 4 : 1 }
  })

  let lastPoke = 0
  let pokeTimer: NodeJS.Timeout | undefined
  const pokeOthers = () => {
    void deps.bus.publish(NO_TENANT, POKE_CHANNEL, 'poke', { from: instance }).catch(err => log.warn({ err }, 'could not poke other instances'))
    lastPoke = Date.now()
  }
  const committed = () => {
    dispatcher.poke()
    if (pokeTimer) return
    const wait = lastPoke + POKE_EVERY_MS - Date.now()
    if (wait <= 0) pokeOthers()
    else pokeTimer = setTimeout(() => { pokeTimer = undefined; pokeOthers() }, wait)
  }
  const unsubscribe = deps.bus.subscribe(m => {
    if (m.channel === POKE_CHANNEL && (m.data as { from?: string })?.from !== instance) dispatcher.poke()
  })

  return {
    /**
     * Records every installed plugin's declarations (a subscription nobody publishes is a
     * warning: it is never delivered). SQL Server is refused while domain events run on
     * PostgreSQL and PGlite only.
     */
    declare (declared: PluginManifest[]): void {
      const users = declared.filter(m => (m.events?.publishes?.length ?? 0) + (m.events?.subscribes?.length ?? 0) > 0)
      if (deps.conn.dialect === 'mssql' && users.length > 0) {
        throw new StartupError('events_unsupported', `plugin "${users[0]?.id}" declares domain events, which run on PostgreSQL and PGlite only; SQL Server is not supported yet`, { pluginId: users[0]?.id })
      }
      for (const s of unpublishedSubscriptions(declared)) log.warn(s, 'a plugin subscribes to an event type no installed plugin publishes; it is never delivered')
      catalogue = eventCatalogue(declared)
    },

    /** `ctx.events` of one plugin. */
    forPlugin (manifest: PluginManifest): PluginEvents {
      return pluginEvents(manifest, { catalogue: () => catalogue, sinks, handlers, committed })
    },

    /** After the plugin's start: every handler its plugin.json subscribes must be registered. */
    assertHandled (manifest: PluginManifest): void {
      const missing = (manifest.events?.subscribes ?? []).filter(s => !handlers.has(`${manifest.id}:${s.handler}`))
      if (missing.length > 0) {
        throw new StartupError('events_unhandled', `plugin "${manifest.id}" did not register event handler(s) ${missing.map(s => `"${s.handler}" (for ${s.type})`).join(', ')} with ctx.events.handle during start`, { pluginId: manifest.id })
      }
    },

    /**
     * Kernel modules only (never on the plugin face): `sink` runs inside every publish, in the
     * publishing transaction, after the event is written; throwing rolls the publish back.
     */
    onPublish (sink: PublishSink): void { sinks.push(sink) },

    /** Wake the dispatchers of this and every other instance (an operator retried a dead event). */
    poke: committed,

    /** Test kit: deliver everything due now; `retries` first makes backed-off retries due. */
    async deliverNow (options: { retries?: boolean } = {}): Promise<number> {
      if (options.retries) await retriesDueNow(deps.conn.owner)
      return dispatcher.drain()
    },

    start (): void { if (deps.config.worker) dispatcher.start() },
    async stop (): Promise<void> {
      clearTimeout(pokeTimer)
      unsubscribe()
      await dispatcher.stop()
    }
  }
}

export type Events = ReturnType<typeof createEvents>
