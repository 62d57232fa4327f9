import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { rowsOf } from './database.ts'
import { assertIdentifier } from './dialects/sql.ts'

export const DELETE_BATCH = 5000
/** Heap pages per statement of `deleteByPages`: about 5,000 narrow rows. */
export const PAGE_WINDOW = 64
const PROGRESS_MS = 5000

interface BatchOptions { signal: AbortSignal, log: FastifyBaseLogger, what: string }

/**
 * Runs `deleteBatch(limit)` until it deletes fewer rows than the limit: retention deletes in
 * bounded statements, so none locks a table for long, with progress in the log.
 */
export async function deleteInBatches (deleteBatch: (limit: number) => Promise<number>, opts: BatchOptions): Promise<number> {
  let total = 0
  for (;;) {
    opts.signal.throwIfAborted()
    const deleted = await deleteBatch(DELETE_BATCH)
    total += deleted
    if (deleted > 0) opts.log.info({ deleted, total }, `${opts.what}: batch deleted`)
    if (deleted < DELETE_BATCH) return total
  }
}

/** The block number of a tid's text form, `(block,offset)`. */
const blockOf = (tid: string) => Number(tid.slice(1, tid.indexOf(',')))

/**
 * PostgreSQL and PGlite: deletes the rows of `table` that match `where`, one window of heap pages
 * per statement (a TID range scan), for a table whose only index on `where`'s column is BRIN.
 * One query first finds the pages that hold matching rows (through the BRIN index where the
 * planner takes it); the windows then cover only those pages, each read once, and no statement
 * holds more than a window's rows. A batch picked by `IN (select ... limit n)` instead made the
 * database search the table again for every batch.
 */
export async function deleteByPages (knex: Knex, table: string, where: { sql: string, bindings: Knex.RawBinding[] }, opts: BatchOptions): Promise<number> {
  assertIdentifier(table)
  const [span] = rowsOf<{ first: string | null, last: string | null }>(await knex.raw(
    `select min(ctid)::text as first, max(ctid)::text as last from ${table} where ${where.sql}`, where.bindings))
  if (!span?.first || !span.last) return 0
  const first = blockOf(span.first)
  const last = blockOf(span.last)
  let total = 0
  let logged = Date.now()
  for (let from = first; from <= last; from += PAGE_WINDOW) {
    opts.signal.throwIfAborted()
    const [row] = rowsOf<{ n: number }>(await knex.raw(
      `with gone as (delete from ${table} where ctid >= ?::tid and ctid < ?::tid and (${where.sql}) returning 1) select count(*)::int as n from gone`,
      [`(${from},0)`, `(${from + PAGE_WINDOW},0)`, ...where.bindings]))
    total += row?.n ?? 0
    if (Date.now() - logged >= PROGRESS_MS) {
      logged = Date.now()
      opts.log.info({ deleted: total, pagesRead: Math.min(last + 1, from + PAGE_WINDOW) - first, pages: last + 1 - first }, `${opts.what}: in progress`)
    }
  }
  return total
}
