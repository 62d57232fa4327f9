import type { FastifyBaseLogger } from 'fastify'

export const DELETE_BATCH = 5000

/**
 * Runs `deleteBatch(limit)` until it deletes fewer rows than the limit: retention deletes in
 * bounded statements, so none locks a table for long, with progress in the log.
 */
export async function deleteInBatches (deleteBatch: (limit: number) => Promise<number>, opts: { signal: AbortSignal, log: FastifyBaseLogger, what: string }): Promise<number> {
  let total = 0
  for (;;) {
    opts.signal.throwIfAborted()
    const deleted = await deleteBatch(DELETE_BATCH)
    total += deleted
    if (deleted > 0) opts.log.info({ deleted, total }, `${opts.what}: batch deleted`)
    if (deleted < DELETE_BATCH) return total
  }
}
