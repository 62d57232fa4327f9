import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'
import type { Clock } from '../clock/clock.ts'

export const RETENTION_JOB = 'notifications.retention'

/**
 * The notification retention job (daily, platform-wide): deletes notifications read more than
 * NOTIFICATION_RETENTION_DAYS ago. Unread ones stay, and so do rows whose email is still queued
 * or waiting for the digest (an email-only row is stored read), so nothing is lost unsent.
 */
export function defineNotificationRetention (jobs: Jobs, owner: Knex, days: number, log: FastifyBaseLogger, clock: Clock): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: RETENTION_JOB, schedule: '37 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define(RETENTION_JOB, async ({ signal }) => {
    const cutoff = new Date(clock.nowMs() - days * 86400_000)
    const total = await deleteInBatches(limit => owner('notifications')
      .whereIn(['tenant_id', 'id'], owner('notifications').select('tenant_id', 'id').where('read_at', '<', cutoff).whereNotIn('email_state', ['queued', 'digest']).limit(limit)).del(), { signal, log, what: 'notification retention' })
    log.info({ total, cutoff, days }, 'notification retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
