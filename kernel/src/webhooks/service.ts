import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { AuditService } from '../audit/audit.ts'
import type { SecretBox } from '../auth/oidc/secret-box.ts'
import type { Features } from '../licensing/features.ts'
import type { Outbound } from '../outbound/outbound.ts'
import { enqueueForEvent, type PublishedEvent } from './deliveries.ts'
import { endpointStore } from './endpoints.ts'
import { createDeliveryWorker, failPending, type Now, type WorkerOptions } from './worker.ts'

export interface EventTypeInfo { type: string, description: string, plugin: string }

/**
 * Tenant webhooks: endpoints, the events sink that queues deliveries inside the publishing
 * transaction, and the worker that sends them. Built once per kernel instance.
 */
export function createWebhooks (deps: {
  owner: Knex
  outbound: Outbound
  box: SecretBox
  audit: AuditService
  features: Features
  log: FastifyBaseLogger
  clock: Now
  worker: Omit<WorkerOptions, 'id'> & { id: string, enabled: boolean }
}) {
  const worker = createDeliveryWorker({ owner: deps.owner, outbound: deps.outbound, box: deps.box, audit: deps.audit, log: deps.log, clock: deps.clock, options: deps.worker })

  /** Look for due deliveries once `trx` has committed (earlier would find nothing). */
  function notifyAfter (trx: Knex.Transaction): void {
    const done = (trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise
    if (done) done.then(worker.notify, () => {})
  }

  return {
    clock: deps.clock,
    endpoints: endpointStore(deps.box),
    failPending,
    notifyAfter,

    /**
     * The events sink (`events.onPublish`): queues one delivery per matching enabled endpoint of
     * the event's tenant, in the publishing transaction.
     */
    async enqueue (trx: Knex.Transaction, event: PublishedEvent): Promise<void> {
      const ids = await enqueueForEvent(trx, event, deps.clock.now())
      if (ids.length > 0) notifyAfter(trx)
    },

    /** The types the tenant's enabled modules publish (plugin.json events.publishes). */
    async eventTypes (tenantId: string): Promise<EventTypeInfo[]> {
      const plugins = await deps.features.enabledPlugins(tenantId)
      return plugins.flatMap(p => (p.manifest.events?.publishes ?? []).map(e => ({ type: e.type, description: e.description, plugin: p.manifest.id })))
        .sort((a, b) => a.type.localeCompare(b.type))
    },

    start (): void {
      if (deps.worker.enabled) worker.start()
    },
    stop: worker.stop
  }
}

export type Webhooks = ReturnType<typeof createWebhooks>
