import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Jobs } from '../jobs/service.ts'

const BATCH = 5000

/**
 * The audit-log retention job (daily, platform-wide): deletes entries older than
 * AUDIT_RETENTION_DAYS in bounded batches, so no statement locks the table for long.
 */
export function defineAuditRetention (jobs: Jobs, owner: Knex, days: number, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'audit.retention', schedule: '17 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('audit.retention', async ({ signal }) => {
    const cutoff = new Date(Date.now() - days * 86400_000)
    let total = 0
    for (;;) {
      signal.throwIfAborted()
      const deleted = await owner('audit_log').whereIn(['tenant_id', 'id'], owner('audit_log').select('tenant_id', 'id').where('at', '<', cutoff).limit(BATCH)).del()
      total += deleted
      if (deleted > 0) log.info({ deleted, total, cutoff }, 'audit retention: batch deleted')
      if (deleted < BATCH) break
    }
    log.info({ total, cutoff, days }, 'audit retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}

