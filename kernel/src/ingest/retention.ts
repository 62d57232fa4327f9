import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteByPages, deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'

/** Event ids are remembered 48 hours (the promise is at least 24), parked events 7 days. */
export const SEEN_HOURS = 48
const PARKED_DAYS = 7

/**
 * Expired event ids. ingest_seen has only its key and a BRIN index on received_at (an index that
 * finds old rows at once would cost every ingested event one more insert), so the run goes
 * through the table a page window at a time. SQL Server stores no ingest events (the kernel
 * refuses them there), so it has no ids to expire.
 */
async function deleteExpiredIds (owner: Knex, cutoff: Date, opts: { signal: AbortSignal, log: FastifyBaseLogger }): Promise<number> {
  if (owner.client.dialect === 'mssql') return 0
  return deleteByPages(owner, 'ingest_seen', { sql: 'received_at < ?', bindings: [cutoff] }, { ...opts, what: 'ingest id retention' })
}

export function defineIngestRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'ingest.retention', schedule: '17 * * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('ingest.retention', async ({ signal }) => {
    const seenCutoff = new Date(Date.now() - SEEN_HOURS * 3600_000)
    const seen = await deleteExpiredIds(owner, seenCutoff, { signal, log })
    const parkedCutoff = new Date(Date.now() - PARKED_DAYS * 86400_000)
    const parked = await deleteInBatches(limit => owner('ingest_inbox')
      .whereIn('seq', owner('ingest_inbox').select('seq').where('failed_at', '<', parkedCutoff).limit(limit)).del(), { signal, log, what: 'parked ingest events retention' })
    log.info({ seen, parked, seenCutoff, parkedCutoff }, 'ingest retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
