import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance } from 'fastify'
import { parse } from 'csv-parse'
import { ApiError, csvValue, type Transaction } from '@monozu/kernel'
import { changeContext, invalid, messageSchema, tenantOf } from '../http.ts'
import { idsOf, type Live } from '../live.ts'
import { insertOrConflict } from '../cis/service.ts'
import { updateCis } from '../cis/store.ts'
import type { ChangeContext } from '../cis/model.ts'
import type { ImportReport } from '../types/model.ts'
import { loadRegistry } from '../types/registry.ts'
import { checkHeader } from './columns.ts'
import { Planner, type CsvRow } from './plan.ts'

const CHUNK = 500
const DETAIL_LIMIT = 1000
const PROGRESS_EVERY = 5000

/** Copies the upload to a temporary file, refusing more than `max` bytes: never held in memory. */
async function spool (body: Readable, max: number): Promise<{ path: string, bytes: number }> {
  const path = join(tmpdir(), `monozu-cmdb-import-${randomUUID()}.csv`)
  let bytes = 0
  const limit = new Transform({
    transform (chunk: Buffer, _enc, done) {
      bytes += chunk.length
      if (bytes <= max) return done(null, chunk)
      // Stop storing but let the rest of the upload drain: destroying the request would also
      // kill the socket the 413 must go out on (the reply closes the connection after it).
      body.unpipe(limit)
      body.resume()
      done(new ApiError('payload_too_large', `A CSV import may have at most ${max} bytes`, { headers: { connection: 'close' } }))
    }
  })
  try {
    const written = pipeline(limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
    body.on('error', err => limit.destroy(err))
    body.pipe(limit)
    await written
  } catch (err) {
    await rm(path, { force: true })
    throw err
  }
  return { path, bytes }
}

/** The file's header, then its data rows in chunks; row numbers as a spreadsheet shows them. */
async function * chunks (path: string): AsyncGenerator<{ header: string[] } | { rows: CsvRow[] }> {
  const parser = createReadStream(path).pipe(parse({ bom: true, skip_empty_lines: true, max_record_size: 1024 * 1024 }))
  let header: string[] | undefined
  let rows: CsvRow[] = []
  let n = 1
  try {
    for await (const raw of parser as AsyncIterable<string[]>) {
      // Undo the formula-injection prefix an export adds, so that an export imports unchanged.
      const record = raw.map(csvValue)
      if (!header) { header = record.map(c => c.trim()); yield { header }; continue }
      rows.push({ row: ++n, cells: record })
      if (rows.length >= CHUNK) { yield { rows }; rows = [] }
    }
  } catch (err) {
    const e = err as { code?: string, message?: string, lines?: number }
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw invalid([{ in: 'csv', pointer: `/lines/${e.lines ?? 0}`, message: e.message ?? 'is not valid CSV', rule: 'csv' }])
    }
    throw err
  }
  if (!header) throw invalid([{ in: 'csv', pointer: '/header', message: 'the file is empty: it needs a header row', rule: 'required' }])
  if (rows.length > 0) yield { rows }
}

export function importRoutes (app: FastifyInstance, live: Live, options: { maxBytes: number }): void {
  // The upload stays a stream (no body parsing, no 1 MiB body limit): spool() bounds it instead.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => done(null, payload))

  app.post('/api/v1/cmdb/import', {
    config: { permission: 'cmdb.write' },
    schema: {
      summary: 'Import CSV (text/csv): dryRun=true reports per-row errors and what would change; otherwise all rows apply or none',
      querystring: {
        type: 'object',
        properties: { dryRun: { type: 'boolean', default: false }, emptyCells: { enum: ['clear', 'keep'], default: 'clear' }, message: messageSchema }
      }
    }
  }, async request => {
    const query = request.query as { dryRun: boolean, emptyCells: 'clear' | 'keep', message?: string }
    const tenantId = tenantOf(request)
    if (!(request.body && typeof (request.body as Readable).pipe === 'function')) throw new ApiError('unsupported_media_type', 'Send the file as the request body with Content-Type: text/csv')
    const ctx: ChangeContext = changeContext(request, live, query.message ?? 'CSV import', 'import')
    const importId = request.id
    const progress = (phase: string, rows: number, errors: number) => live.publish(tenantId, 'import.progress', { importId, phase, rows, errors, dryRun: query.dryRun })

    const file = await spool(request.body as Readable, options.maxBytes)
    try {
      progress('uploaded', 0, 0)
      const report: ImportReport = { importId, dryRun: query.dryRun, applied: false, rows: 0, created: 0, updated: 0, unchanged: 0, errorCount: 0, errors: [], changes: [], truncated: false }

      // Pass 1: check every row, each chunk in its own short read transaction.
      let planner: Planner | undefined
      const registry = await request.withTenant(loadRegistry)
      for await (const part of chunks(file.path)) {
        if ('header' in part) {
          const errors = checkHeader(part.header, registry)
          if (errors.length > 0) throw invalid(errors)
          planner = new Planner(registry, part.header, query.emptyCells, ctx)
          continue
        }
        const plan = await request.withTenant(trx => (planner as Planner).plan(trx, part.rows, { forUpdate: false }))
        report.rows += part.rows.length
        report.errorCount += plan.errors.length
        for (const r of plan.rows) report[r.action === 'create' ? 'created' : r.action === 'update' ? 'updated' : 'unchanged']++
        report.errors.push(...plan.errors.slice(0, DETAIL_LIMIT - report.errors.length))
        const changes = plan.rows.filter(r => r.action !== 'unchanged')
        report.changes.push(...changes.slice(0, DETAIL_LIMIT - report.changes.length))
        if (report.changes.length >= DETAIL_LIMIT && changes.length > 0) report.truncated = true
        if (report.rows % PROGRESS_EVERY < CHUNK) progress('checked', report.rows, report.errorCount)
      }
      if (report.errorCount > 0 && !query.dryRun) {
        progress('failed', report.rows, report.errorCount)
        throw new ApiError('validation_failed', `${report.errorCount} error(s) in the file; nothing was imported. Fix them (POST with ?dryRun=true to check) and import again.`,
          { extra: { errors: report.errors, errorCount: report.errorCount, rows: report.rows, importId } })
      }
      if (query.dryRun) {
        progress('done', report.rows, report.errorCount)
        return report
      }

      // Pass 2: the same plan again inside one transaction, applied as it goes: all rows or none.
      const ids: string[] = []
      await request.withTenant(async (trx: Transaction) => {
        const applier = { planner: undefined as Planner | undefined, done: 0 }
        for await (const part of chunks(file.path)) {
          if ('header' in part) { applier.planner = new Planner(registry, part.header, query.emptyCells, ctx); continue }
          const plan = await (applier.planner as Planner).plan(trx, part.rows, { forUpdate: true })
          if (plan.errors.length > 0) throw new ApiError('conflict', 'The CMDB changed while the file was imported; nothing was imported. Import it again.', { extra: { errors: plan.errors.slice(0, DETAIL_LIMIT) } })
          await insertOrConflict(trx, tenantId, plan.creates, ctx)
          await updateCis(trx, tenantId, plan.updates, ctx)
          ids.push(...plan.creates.map(c => c.id), ...plan.updates.map(u => u.before.id))
          applier.done += part.rows.length
          if (applier.done % PROGRESS_EVERY < CHUNK) progress('applying', applier.done, 0)
        }
      })
      report.applied = true
      progress('done', report.rows, 0)
      if (ids.length > 0) live.publish(tenantId, 'cis.changed', { requestId: importId, created: report.created, updated: report.updated, ids: idsOf(ids) })
      return report
    } finally {
      await rm(file.path, { force: true })
    }
  })
}
