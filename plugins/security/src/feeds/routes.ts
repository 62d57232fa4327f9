import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '@monozu/kernel'
import { iso } from '../http.ts'
import { FEEDS } from './job.ts'

const feedOut = {
  type: 'object',
  properties: {
    feed: { type: 'string' }, status: { type: 'string' }, lastSuccessAt: { type: ['string', 'null'] }, lastAttemptAt: { type: ['string', 'null'] },
    lastError: { type: ['string', 'null'] }, items: { type: 'integer' }, lastChanged: { type: 'integer' }
  }
} as const

export function feedRoutes (app: FastifyInstance, ctx: PluginContext): void {
  app.get('/api/v1/security/feeds', {
    config: { permission: 'security.read' },
    schema: {
      summary: 'Feed status (shared by all tenants): last sync, counts, errors',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: feedOut }, advisories: { type: 'integer' } } } }
    }
  }, async request => {
    // Platform tables: every tenant reads the one copy (the request role has SELECT, nothing more).
    return request.withTenant(async trx => {
      const rows = await trx('security_feed_state').select('*').orderBy('feed')
      const n = await trx('security_advisories').count({ n: '*' }).first()
      return {
        items: rows.map((r: Record<string, any>) => ({ feed: r.feed, status: r.status, lastSuccessAt: iso(r.last_success_at), lastAttemptAt: iso(r.last_attempt_at), lastError: r.last_error, items: Number(r.items), lastChanged: Number(r.last_changed) })),
        advisories: Number(n?.n ?? 0)
      }
    })
  })

  app.post('/api/v1/security/feeds/sync', {
    config: { operator: true },
    schema: {
      summary: 'Platform operators: start a feed sync now (a platform job; tenants\' scans follow it)',
      body: { type: 'object', additionalProperties: false, properties: { feeds: { type: 'array', items: { enum: FEEDS }, uniqueItems: true, minItems: 1 } } },
      response: { 202: { type: 'object', properties: { jobId: { type: 'string' }, deduplicated: { type: 'boolean' } } } }
    }
  }, async (request, reply) => {
    const { feeds } = (request.body ?? {}) as { feeds?: string[] }
    const job = await ctx.jobs.enqueue('feeds.sync', { ...(feeds ? { feeds } : {}), by: `operator:${request.auth!.userId}` }, { tenantId: null, dedupeKey: 'security-feeds-sync' })
    await ctx.audit.record({ action: 'security.feeds_sync_requested', actor: request.auth!.userId, target: job.id, requestId: request.id, ...(feeds ? { details: { feeds } } : {}) })
    reply.code(202)
    return { jobId: job.id, deduplicated: job.deduplicated }
  })
}
