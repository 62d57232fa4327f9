import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'

/** The audit-log retention job (daily, platform-wide): deletes entries older than AUDIT_RETENTION_DAYS. */
export function defineAuditRetention (jobs: Jobs, owner: Knex, days: number, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'audit.retention', schedule: '17 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('audit.retention', async ({ signal }) => {
    const cutoff = new Date(Date.now() - days * 86400_000)
    const total = await deleteInBatches(limit => owner('audit_log')
      .whereIn(['tenant_id', 'id'], owner('audit_log').select('tenant_id', 'id').where('at', '<', cutoff).limit(limit)).del(), { signal, log, what: 'audit retention' })
    log.info({ total, cutoff, days }, 'audit retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
