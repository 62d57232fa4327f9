import type { FastifyInstance } from 'fastify'
import { thresholds } from './status.ts'

const count = { type: 'integer', minimum: 0 } as const

/**
 * GET /api/v1/devices/counts: how many devices are in each status, for summary widgets. One
 * statement with the status rule of whereStatus()/statusOf(), so it stays cheap for large fleets.
 */
export function registerCountRoutes (app: FastifyInstance): void {
  app.get('/api/v1/devices/counts', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Devices per status (online, overdue, offline, never seen, revoked)',
      response: { 200: { type: 'object', properties: { online: count, overdue: count, offline: count, never: count, revoked: count, total: count } } }
    }
  }, async request => {
    const row = await request.withTenant(async trx => {
      const t = await thresholds(trx)
      const overdue = new Date(Date.now() - t.overdueAfterSeconds * 1000)
      const offline = new Date(Date.now() - t.offlineAfterSeconds * 1000)
      const live = 'revoked_at is null and last_seen_at is not null'
      return trx('devices').first(
        trx.raw('sum(case when revoked_at is not null then 1 else 0 end) as revoked'),
        trx.raw('sum(case when revoked_at is null and last_seen_at is null then 1 else 0 end) as never'),
        trx.raw(`sum(case when ${live} and last_seen_at >= ? then 1 else 0 end) as online`, [overdue]),
        trx.raw(`sum(case when ${live} and last_seen_at < ? and last_seen_at >= ? then 1 else 0 end) as overdue`, [overdue, offline]),
        trx.raw(`sum(case when ${live} and last_seen_at < ? then 1 else 0 end) as offline`, [offline]),
        trx.raw('count(*) as total'))
    })
    // sum() is null over no rows and a string on pg: numbers either way.
    const n = (v: unknown) => Number(v ?? 0)
    return { online: n(row?.online), overdue: n(row?.overdue), offline: n(row?.offline), never: n(row?.never), revoked: n(row?.revoked), total: n(row?.total) }
  })
}
