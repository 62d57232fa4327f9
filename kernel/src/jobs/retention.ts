import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Jobs } from './service.ts'

const BATCH = 5000

const FINISHED_DAYS = 14

/** Finished jobs (succeeded, cancelled, dead) are kept 14 days for inspection, then deleted in batches. */
export function defineJobRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'jobs.retention', schedule: '27 3 * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('jobs.retention', async ({ signal }) => {
    const cutoff = new Date(Date.now() - FINISHED_DAYS * 86400_000)
    let total = 0
    for (;;) {
      signal.throwIfAborted()
      const deleted = await owner('jobs').whereIn('id', owner('jobs').select('id').whereIn('state', ['succeeded', 'cancelled', 'dead']).where('finished_at', '<', cutoff).limit(BATCH)).del()
      total += deleted
      if (deleted < BATCH) break
    }
    log.info({ total, cutoff }, 'job retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
