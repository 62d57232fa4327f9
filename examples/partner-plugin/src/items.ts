import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageQuery, type PluginContext } from '@monozu/kernel'

interface ItemRow { id: string, title: string, archived: boolean, created_at: Date | string }

const present = (row: ItemRow) => ({ id: row.id, title: row.title, archived: row.archived, createdAt: new Date(row.created_at).toISOString() })

/**
 * The plugin's routes, mounted under its prefix /api/v1/partner-notes. Each names the permission it
 * needs; the kernel checks it, the token and the tenant's license before the handler runs.
 * Queries carry no tenant filter: `request.withTenant` scopes them by row-level security.
 */
export function itemRoutes (ctx: PluginContext, app: FastifyInstance): void {
  app.get('/api/v1/partner-notes/items', { config: { permission: 'partner-notes.read' }, schema: { querystring: pageQuery } }, async request => {
    const query = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(query.cursor, { at: 'date', id: 'uuid' })
    const rows = await request.withTenant(trx => {
      const q = trx<ItemRow>('partner_notes_items').select('id', 'title', 'archived', 'created_at').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit + 1)
      if (after) q.where(b => b.where('created_at', '<', after.at).orWhere(b2 => b2.where('created_at', after.at).andWhere('id', '<', after.id)))
      return q
    })
    return page(rows.map(present), query.limit, item => ({ at: item.createdAt, id: item.id }))
  })

  app.post('/api/v1/partner-notes/items', {
    config: { permission: 'partner-notes.write' },
    schema: { body: { type: 'object', additionalProperties: false, required: ['title'], properties: { title: { type: 'string', minLength: 1, maxLength: 200 } } } }
  }, async (request, reply) => {
    const tenantId = request.auth!.tenant!.id
    const row = { tenant_id: tenantId, id: randomUUID(), title: (request.body as { title: string }).title, archived: false, created_at: ctx.clock.now() }
    await request.withTenant(trx => trx('partner_notes_items').insert(row))
    const item = present(row)
    // Live: a failed publish never fails the change that caused it.
    ctx.channels.publish(tenantId, 'partner-notes', 'item.created', item).catch(err => ctx.log.warn({ err }, 'partner-notes: live event not published'))
    return reply.code(201).send(item)
  })

  app.post('/api/v1/partner-notes/archive', {
    config: { permission: 'partner-notes.write' },
    schema: { body: { type: 'object', additionalProperties: false, properties: { olderThanDays: { type: 'integer', minimum: 0, maximum: 3650 } } } }
  }, async (request, reply) => {
    const body = (request.body ?? {}) as { olderThanDays?: number }
    const job = await ctx.jobs.enqueue('archive', body, { tenantId: request.auth!.tenant!.id })
    return reply.code(202).send({ jobId: job.id })
  })
}
