import type { Knex } from 'knex'
import type { Span } from '@opentelemetry/api'
import type { Connections } from '../db/connections.ts'
import { activeTracer, SpanKind, SpanStatusCode } from './tracing.ts'

interface QueryData { __knexQueryUid?: string, sql?: string, method?: string }

/**
 * A CLIENT span per SQL statement, from knex's query events: no wrapper around the database API,
 * and knex emits `query` in the caller's async context, so the span's parent is the request, job
 * or delivery that ran it. The statement text is kept (it carries `?` placeholders, not values).
 */
export function traceQueries (conn: Connections): void {
  const tracer = activeTracer()
  if (!tracer) return
  const system = conn.dialect === 'mssql' ? 'mssql' : 'postgresql'
  // On PGlite owner and app are one knex: the Map keeps it once.
  for (const [db, role] of new Map<Knex, string>([[conn.owner, 'owner'], [conn.app, 'app']])) {
    const open = new Map<string, Span>()
    db.on('query', (q: QueryData) => {
      if (!q.__knexQueryUid) return
      const sql = (q.sql ?? '').slice(0, 2000)
      open.set(q.__knexQueryUid, tracer.startSpan(`${(q.method ?? sql.split(/\s/, 1)[0] ?? 'query').toUpperCase()} ${conn.dialect}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': system, 'db.query.text': sql, 'monozu.db.pool': role } }))
    })
    const end = (q: QueryData, err?: Error) => {
      const span = q.__knexQueryUid ? open.get(q.__knexQueryUid) : undefined
      if (!span) return
      open.delete(q.__knexQueryUid as string)
      if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
      span.end()
    }
    db.on('query-response', (_res: unknown, q: QueryData) => end(q))
    db.on('query-error', (err: Error, q: QueryData) => end(q, err))
  }
}
