import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from './service.ts'

const FINISHED_DAYS = 14

/** Finished jobs (succeeded, cancelled, dead) are kept 14 days for inspection, then deleted. */
export function defineJobRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'jobs.retention', schedule: '27 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('jobs.retention', async ({ signal }) => {
    const cutoff = new Date(Date.now() - FINISHED_DAYS * 86400_000)
    const total = await deleteInBatches(limit => owner('jobs')
      .whereIn('id', owner('jobs').select('id').whereIn('state', ['succeeded', 'cancelled', 'dead']).where('finished_at', '<', cutoff).limit(limit)).del(), { signal, log, what: 'job retention' })
    log.info({ total, cutoff }, 'job retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
