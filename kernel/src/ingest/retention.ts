import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { deleteInBatches } from '../db/batches.ts'
import type { Jobs } from '../jobs/service.ts'

/** Event ids are remembered 48 hours (the promise is at least 24), parked events 7 days. */
export const SEEN_HOURS = 48
const PARKED_DAYS = 7

export function defineIngestRetention (jobs: Jobs, owner: Knex, log: FastifyBaseLogger): void {
  jobs.declare({ id: 'kernel', jobs: [{ name: 'ingest.retention', schedule: '17 * * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('ingest.retention', async ({ signal }) => {
    const seenCutoff = new Date(Date.now() - SEEN_HOURS * 3600_000)
    const seen = await deleteInBatches(limit => owner('ingest_seen')
      .whereIn(['tenant_id', 'device_id', 'event_id'], owner('ingest_seen').select('tenant_id', 'device_id', 'event_id').where('received_at', '<', seenCutoff).limit(limit)).del(), { signal, log, what: 'ingest id retention' })
    const parkedCutoff = new Date(Date.now() - PARKED_DAYS * 86400_000)
    const parked = await deleteInBatches(limit => owner('ingest_inbox')
      .whereIn('seq', owner('ingest_inbox').select('seq').where('failed_at', '<', parkedCutoff).limit(limit)).del(), { signal, log, what: 'parked ingest events retention' })
    log.info({ seen, parked }, 'ingest retention finished')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })
}
