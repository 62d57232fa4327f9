import type { FastifyInstance } from 'fastify'
import type { Ctx } from './context.ts'
import { ApiError, decodeCursor, page, pageOf, rowsOf, type IngestedEvent, type Transaction } from '@monozu/kernel'

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const
const MAX_BUCKETS = 1000

// Every metric of every event in one statement: the batch travels as one JSON parameter.
const metricsSql = `
insert into device_metrics (tenant_id, device_id, ts, name, value)
select ?::uuid, e.device_id, e.ts, m.key, m.value::double precision
from jsonb_to_recordset(?::jsonb) as e(device_id uuid, ts timestamptz, metrics jsonb), jsonb_each_text(e.metrics) as m(key, value)`

export async function storeTelemetry (events: IngestedEvent[], trx: Transaction): Promise<void> {
  const tenantId = events[0]?.tenantId
  if (!tenantId) return
  const batch = events.map(e => ({ device_id: e.deviceId, ts: e.ts, metrics: e.data.metrics }))
  await trx.raw(metricsSql, [tenantId, JSON.stringify(batch)])
}

// PostgreSQL text cannot hold NUL: stored as U+FFFD, or the line would fail its batch for ever.
const storable = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s)

export async function storeLogs (events: IngestedEvent[], trx: Transaction): Promise<void> {
  const rows = events.map(e => ({
    tenant_id: e.tenantId,
    device_id: e.deviceId,
    ts: e.ts,
    level: e.data.level as string,
    message: storable(e.data.message as string),
    source: e.data.source === undefined ? null : storable(e.data.source as string)
  }))
  for (let i = 0; i < rows.length; i += 1000) await trx('device_logs').insert(rows.slice(i, i + 1000))
}

function range (q: { from?: string, to?: string, step?: number }): { from: Date, to: Date, step: number } {
  const to = q.to ? new Date(q.to) : new Date()
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3600_000)
  if (from >= to) throw new ApiError('validation_failed', 'querystring/from: must be before to', { extra: { errors: [{ in: 'querystring', pointer: '/from', message: 'must be before to' }] } })
  const span = (to.getTime() - from.getTime()) / 1000
  const step = q.step ?? Math.max(1, Math.ceil(span / 60))
  if (span / step > MAX_BUCKETS) {
    throw new ApiError('validation_failed', `querystring/step: ${step} s gives more than ${MAX_BUCKETS} points for this range; use at least ${Math.ceil(span / MAX_BUCKETS)}`, { extra: { errors: [{ in: 'querystring', pointer: '/step', message: `at least ${Math.ceil(span / MAX_BUCKETS)}` }] } })
  }
  return { from, to, step }
}

async function assertDevice (trx: Transaction, id: string): Promise<void> {
  if (!await trx('devices').where({ id }).first('id')) throw new ApiError('not_found', 'No such device')
}

export function registerTelemetryRoutes (app: FastifyInstance): void {
  app.get('/api/v1/devices/:id/metrics', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Telemetry of a device, downsampled to buckets of `step` seconds (avg, min, max, count)',
      params: idParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, step: { type: 'integer', minimum: 1, maximum: 86400 * 31 } }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, to: { type: 'string' }, step: { type: 'integer' },
            series: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, points: { type: 'array', items: { type: 'object', properties: { t: { type: 'string' }, avg: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' }, count: { type: 'integer' } } } } } } }
          }
        }
      }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const { from, to, step } = range(request.query as { from?: string, to?: string, step?: number })
    const rows = await request.withTenant(async trx => {
      await assertDevice(trx, id)
      return rowsOf<{ name: string, bucket: string | number, avg: number, min: number, max: number, count: string | number }>(await trx.raw(
        `select name, floor(extract(epoch from ts) / ?) * ? as bucket, avg(value) as avg, min(value) as min, max(value) as max, count(*) as count
         from device_metrics where device_id = ? and ts >= ? and ts < ?
         group by name, bucket order by name, bucket`, [step, step, id, from, to]))
    })
    const series = new Map<string, Array<{ t: string, avg: number, min: number, max: number, count: number }>>()
    for (const r of rows) {
      const points = series.get(r.name) ?? []
      points.push({ t: new Date(Number(r.bucket) * 1000).toISOString(), avg: Number(r.avg), min: Number(r.min), max: Number(r.max), count: Number(r.count) })
      series.set(r.name, points)
    }
    return { from: from.toISOString(), to: to.toISOString(), step, series: [...series].map(([name, points]) => ({ name, points })) }
  })

  app.get('/api/v1/devices/:id/logs', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Log lines of a device, newest first',
      params: idParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 500 },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          level: { enum: ['debug', 'info', 'warn', 'error'] }
        }
      },
      response: { 200: pageOf({ type: 'object', properties: { ts: { type: 'string' }, level: { type: 'string' }, message: { type: 'string' }, source: { type: ['string', 'null'] } } }) }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const q = request.query as { limit: number, cursor?: string, from?: string, to?: string, level?: string }
    const after = decodeCursor(q.cursor, { seq: 'integer' })
    const rows = await request.withTenant(async trx => {
      await assertDevice(trx, id)
      const query = trx('device_logs').where({ device_id: id }).orderBy('id', 'desc').limit(q.limit + 1)
      if (q.from) query.where('ts', '>=', q.from)
      if (q.to) query.where('ts', '<', q.to)
      if (q.level) query.where({ level: q.level })
      if (after) query.where('id', '<', after.seq)
      return query
    })
    const items = rows.map((r: { id: string | number, ts: Date | string, level: string, message: string, source: string | null }) => ({ seq: String(r.id), ts: new Date(r.ts).toISOString(), level: r.level, message: r.message, source: r.source }))
    return page(items, q.limit, (r: { seq: string }) => ({ seq: r.seq }))
  })
}

/** Deletes telemetry, logs and status history past their retention, in bounded batches. */
export async function applyRetention (ctx: Ctx, tenantId: string, days: { metrics: number, logs: number, history: number }, signal: AbortSignal): Promise<Record<string, number>> {
  const cutoff = (d: number) => new Date(Date.now() - d * 86400_000)
  const deleted: Record<string, number> = {}
  const plan: Array<[string, string, string, Date]> = [
    ['device_metrics', 'ctid', 'ts', cutoff(days.metrics)],
    ['device_logs', 'id', 'ts', cutoff(days.logs)],
    ['device_status_history', 'id', 'at', cutoff(days.history)]
  ]
  for (const [table, key, column, before] of plan) {
    deleted[table] = 0
    for (;;) {
      signal.throwIfAborted()
      const n = await ctx.db.withTenant(tenantId, async trx => rowsOf<{ n: number }>(await trx.raw(
        `with gone as (delete from ${table} where ${key} in (select ${key} from ${table} where ${column} < ? limit 5000) returning 1) select count(*)::int as n from gone`, [before]))[0]?.n ?? 0)
      deleted[table] += n
      if (n < 5000) break
    }
  }
  return deleted
}
