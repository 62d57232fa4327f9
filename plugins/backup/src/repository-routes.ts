import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { BackupError, type Ctx } from './context.ts'
import { actorOf, isUniqueViolation, notFound, tenantOf, uuidParam } from './http.ts'
import { checkRepositories, describeRepository, recordUsage, type RepositoryRow } from './repositories.ts'

// Stored as bigint and read back as a JS number: beyond this they would not round-trip (and 8 EiB is no disk).
const MAX_BYTES = Number.MAX_SAFE_INTEGER

const forecastSchema = {
  type: 'object',
  properties: {
    slopeBytesPerDay: { type: ['number', 'null'] }, daysUntilFull: { type: ['number', 'null'] }, fullOn: { type: ['string', 'null'] },
    samples: { type: 'integer' }, windowDays: { type: 'integer' }
  }
} as const
const repositorySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, capacityBytes: { type: ['number', 'null'] }, usedBytes: { type: ['number', 'null'] },
    usageAt: { type: ['string', 'null'] }, warnDays: { type: 'integer' }, warnPercent: { type: 'integer' },
    warning: { type: ['string', 'null'], description: 'null, above_threshold, fills_soon or full' },
    forecast: forecastSchema,
    usage: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, usedBytes: { type: 'number' }, capacityBytes: { type: ['number', 'null'] } } } },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' }
  }
} as const
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  capacityBytes: { type: ['integer', 'null'], minimum: 1, maximum: MAX_BYTES },
  warnDays: { type: 'integer', minimum: 0, maximum: 3650, description: 'Warn when the forecast says full within this many days' },
  warnPercent: { type: 'integer', minimum: 1, maximum: 100, description: 'Warn above this share of the capacity' }
} as const

async function load (trx: Transaction, id: string): Promise<RepositoryRow> {
  const row = await trx('backup_repositories').where({ id }).first()
  if (!row) throw notFound('repository', id)
  return row
}

export function repositoryRoutes (ctx: Ctx, app: FastifyInstance): void {
  app.get('/api/v1/backup/repositories', {
    config: { permission: 'backup.read' },
    schema: { description: 'Repositories by name, each with its forecast.', querystring: pageQuery, response: { 200: pageOf(repositorySchema) } }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { n: 'string', id: 'uuid' })
    return request.withTenant(async trx => {
      const rows = await trx('backup_repositories')
        .modify(b => { if (after) b.where(w => w.where('name_key', '>', after.n).orWhere(w2 => w2.where('name_key', after.n).andWhere('id', '>', after.id))) })
        .orderBy([{ column: 'name_key' }, { column: 'id' }]).limit(q.limit + 1).select('*')
      const p = page(rows as Array<RepositoryRow & { name_key: string }>, q.limit, r => ({ n: r.name_key, id: r.id }))
      const items = []
      for (const r of p.items) items.push(await describeRepository(ctx, trx, r))
      return { items, nextCursor: p.nextCursor }
    })
  })

  app.post('/api/v1/backup/repositories', {
    config: { permission: 'backup.write' },
    schema: { body: { type: 'object', required: ['name'], properties: fields }, response: { 201: repositorySchema } }
  }, async (request, reply) => {
    const body = request.body as { name: string, capacityBytes?: number | null, warnDays?: number, warnPercent?: number }
    const tenantId = tenantOf(request)
    const now = ctx.clock.now()
    const id = randomUUID()
    try {
      const out = await request.withTenant(async trx => {
        await trx('backup_repositories').insert({
          tenant_id: tenantId, id, name: body.name, name_key: body.name.toLowerCase(), capacity_bytes: body.capacityBytes ?? null,
          warn_days: body.warnDays ?? 30, warn_percent: body.warnPercent ?? 85, created_at: now, updated_at: now
        })
        return describeRepository(ctx, trx, await load(trx, id), { series: true })
      })
      await ctx.audit.record({ tenantId, actor: actorOf(request), action: 'backup.repository_created', target: id, details: { name: body.name } })
      return reply.code(201).send(out)
    } catch (err) {
      if (isUniqueViolation(err)) throw new BackupError('backup_repository_exists', `A repository named "${body.name}" exists`)
      throw err
    }
  })

  app.get('/api/v1/backup/repositories/:id', {
    config: { permission: 'backup.read' },
    schema: { description: 'One repository with a year of daily usage and the forecast.', params: uuidParam, response: { 200: repositorySchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => describeRepository(ctx, trx, await load(trx, id), { series: true }))
  })

  app.patch('/api/v1/backup/repositories/:id', {
    config: { permission: 'backup.write' },
    schema: { params: uuidParam, body: { type: 'object', minProperties: 1, properties: fields }, response: { 200: repositorySchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { name?: string, capacityBytes?: number | null, warnDays?: number, warnPercent?: number }
    const tenantId = tenantOf(request)
    try {
      return await request.withTenant(async trx => {
        await load(trx, id)
        await trx('backup_repositories').where({ id }).update({
          ...(body.name !== undefined ? { name: body.name, name_key: body.name.toLowerCase() } : {}),
          ...(body.capacityBytes !== undefined ? { capacity_bytes: body.capacityBytes } : {}),
          ...(body.warnDays !== undefined ? { warn_days: body.warnDays } : {}),
          ...(body.warnPercent !== undefined ? { warn_percent: body.warnPercent } : {}),
          updated_at: ctx.clock.now()
        })
        await checkRepositories(ctx, trx, tenantId, [id])
        return describeRepository(ctx, trx, await load(trx, id), { series: true })
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new BackupError('backup_repository_exists', `A repository named "${body.name}" exists`)
      throw err
    }
  })

  app.delete('/api/v1/backup/repositories/:id', {
    config: { permission: 'backup.admin' },
    schema: { description: 'Deletes a repository and its usage history; its jobs keep running without one.', params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    const name = await request.withTenant(async trx => {
      const row = await load(trx, id)
      await trx('backup_jobs').where({ repository_id: id }).update({ repository_id: null })
      await trx('backup_repositories').where({ id }).del()
      return row.name
    })
    await ctx.audit.record({ tenantId, actor: actorOf(request), action: 'backup.repository_deleted', target: id, details: { name } })
    return reply.code(204).send()
  })

  app.post('/api/v1/backup/repositories/:id/usage', {
    config: { permission: 'backup.write' },
    schema: {
      description: 'Records a usage sample by hand (appliances send theirs with their backup events). The day\'s last sample wins.',
      params: uuidParam,
      body: {
        type: 'object', required: ['usedBytes'],
        properties: { usedBytes: { type: 'integer', minimum: 0, maximum: MAX_BYTES }, capacityBytes: { type: 'integer', minimum: 1, maximum: MAX_BYTES }, at: { type: 'string', format: 'date-time' } }
      },
      response: { 200: repositorySchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { usedBytes: number, capacityBytes?: number, at?: string }
    const tenantId = tenantOf(request)
    return request.withTenant(async trx => {
      await load(trx, id)
      await recordUsage(trx, tenantId, id, body.at ? new Date(body.at) : ctx.clock.now(), body.usedBytes, body.capacityBytes ?? null)
      await checkRepositories(ctx, trx, tenantId, [id])
      return describeRepository(ctx, trx, await load(trx, id), { series: true })
    })
  })
}
