import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'
import { orphanedEvents } from './store.ts'

/**
 * Delivered events leave the outbox with their last acknowledgement; this sweeps the events that
 * never had a delivery (a type nobody subscribes to: it was written for the onPublish hooks) and
 * any other leftover. Dead-lettered deliveries keep their event until an operator retries or
 * discards them.
 */
export function defineEventRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger): void {
  if (owner.client.dialect === 'mssql') return
  jobs.declare({ id: 'kernel', jobs: [{ name: 'events.retention', schedule: '*/10 * * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('events.retention', async ({ signal }) => {
    const total = await deleteInBatches(limit => orphanedEvents(owner, limit), { signal, log, what: 'event outbox retention' })
    if (total > 0) log.info({ total }, 'delivered events removed from the outbox')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 600_000 })
}
