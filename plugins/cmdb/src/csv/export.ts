import { PassThrough, pipeline, Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { csvRow } from '@monozu/kernel'
import { FIELD_FILTER, filterQuery, filtersOf, listPage } from '../cis/query.ts'
import { ciOf, type CiRow } from '../cis/store.ts'
import { flatten } from '../cis/model.ts'
import { loadRegistry } from '../types/registry.ts'
import { cellOf } from '../types/values.ts'
import { exportColumns } from './columns.ts'

const PAGE = 1000

export function exportRoutes (app: FastifyInstance): void {
  app.get('/api/v1/cmdb/export', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'The filtered list as CSV (same filters as GET /cis), streamed; re-importable as is',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterQuery }, patternProperties: { [FIELD_FILTER]: { type: 'string', maxLength: 256 } } }
    }
  }, async (request, reply) => {
    const filters = filtersOf(request.query as Record<string, unknown>)
    // The first page is read before the response starts, so bad filters still get a problem+json.
    const first = await request.withTenant(async trx => {
      const registry = await loadRegistry(trx)
      return { registry, page: await listPage(trx, registry, filters, PAGE, undefined) }
    })
    const columns = exportColumns(first.registry, filters.type)
    // Each page in its own short transaction: an export of 100k CIs never holds one open.
    // Every cell goes through the kernel's csvRow: values from users and appliances are
    // neutralised against formula injection, and csvValue on import undoes exactly that.
    async function * lines () {
      yield csvRow(columns)
      let page = first.page
      for (;;) {
        for (const row of page.rows) {
          const ci = ciOf(row as unknown as CiRow)
          const values: Record<string, unknown> = { id: ci.id, type: ci.type, ...flatten(ci) }
          yield csvRow(columns.map(c => (typeof values[c] === 'number' ? values[c] as number : cellOf(values[c]))))
        }
        if (!page.nextCursor) return
        const cursor = page.nextCursor
        page = await request.withTenant(trx => listPage(trx, first.registry, filters, PAGE, cursor))
      }
    }
    const csv = new PassThrough()
    // A failure mid-export aborts the response (the status line is already sent).
    pipeline(Readable.from(lines()), csv, err => { if (err) request.log.error({ err }, 'cmdb: export failed mid-stream') })
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cmdb-export.csv"').send(csv)
  })
}
