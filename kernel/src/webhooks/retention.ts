import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'

/** Finished deliveries stay in the tenant's delivery log this long. */
export const DELIVERY_LOG_DAYS = 30

/** Daily, platform-wide: deletes succeeded and failed deliveries untouched for DELIVERY_LOG_DAYS; pending ones stay. */
export function defineWebhookRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger, clock: { now (): Date }): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'webhooks.retention', schedule: '47 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('webhooks.retention', async ({ signal }) => {
    const cutoff = new Date(clock.now().getTime() - DELIVERY_LOG_DAYS * 86400_000)
    const total = await deleteInBatches(limit => owner('tenant_webhook_deliveries')
      .whereIn(['tenant_id', 'id'], owner('tenant_webhook_deliveries').select('tenant_id', 'id').whereIn('status', ['succeeded', 'failed']).where('updated_at', '<', cutoff).limit(limit)).del(),
    { signal, log, what: 'webhook delivery retention' })
    log.info({ total, cutoff }, 'webhook delivery retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
