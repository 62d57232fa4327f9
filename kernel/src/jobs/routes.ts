import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import type { JobQueue, JobRow } from './queue.ts'

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, plugin: { type: 'string' }, name: { type: 'string' }, tenantId: { type: ['string', 'null'] },
    state: { type: 'string' }, attempts: { type: 'integer' }, maxAttempts: { type: 'integer' }, runAt: { type: 'string' },
    lastError: { type: ['string', 'null'] }, createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] }
  }
}
const filters = {
  state: { enum: ['pending', 'running', 'succeeded', 'dead', 'cancelled'] },
  plugin: { type: 'string', maxLength: 32 },
  name: { type: 'string', maxLength: 64 }
}
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)
const view = (r: JobRow) => ({
  id: r.id, plugin: r.plugin, name: r.name, tenantId: r.tenant, state: r.state, attempts: r.attempts, maxAttempts: r.max_attempts,
  runAt: iso(r.run_at), lastError: r.last_error, createdAt: iso(r.created_at), finishedAt: iso(r.finished_at)
})

/** Tenant admins see their tenant's jobs; operators see all and may retry or cancel. */
export function registerJobRoutes (app: FastifyInstance, deps: { queue: JobQueue, owner: import('knex').Knex, audit: AuditService, admin: boolean }): void {
  const list = async (query: { limit: number, cursor?: string, state?: string, plugin?: string, name?: string }, tenant: string | undefined) => {
    const after = decodeCursor(query.cursor, { createdAt: 'date', id: 'uuid' })
    const rows: JobRow[] = await deps.owner('jobs')
      .modify(q => {
        if (tenant) q.where({ tenant })
        if (query.state) q.where({ state: query.state })
        if (query.plugin) q.where({ plugin: query.plugin })
        if (query.name) q.where({ name: query.name })
        if (after) q.where(b => b.where('created_at', '<', new Date(after.createdAt)).orWhere(b2 => b2.where('created_at', new Date(after.createdAt)).andWhere('id', '<', after.id)))
      })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit + 1)
    return page(rows.map(view), query.limit, j => ({ createdAt: j.createdAt as string, id: j.id }))
  }

  app.get('/api/v1/jobs', {
    config: { permission: 'jobs.read' },
    schema: { tags: ['jobs'], summary: 'The tenant\'s background jobs, newest first', querystring: { ...pageQuery, properties: { ...pageQuery.properties, ...filters } }, response: { 200: pageOf(jobSchema) } }
  }, async request => list(request.query as { limit: number }, request.auth!.tenant?.id ?? '00000000-0000-0000-0000-000000000000'))

  if (!deps.admin) return
  app.register(async admin => {
    admin.addHook('onRoute', route => { route.config = { ...(route.config as object), operator: true } as typeof route.config })
    admin.get('/api/v1/admin/jobs', {
      schema: { tags: ['admin'], summary: 'Jobs of every tenant and the platform', querystring: { ...pageQuery, properties: { ...pageQuery.properties, ...filters, tenant: { type: 'string', format: 'uuid' } } }, response: { 200: pageOf(jobSchema) } }
    }, async request => {
      const q = request.query as { limit: number, tenant?: string }
      return list(q, q.tenant)
    })
    for (const action of ['retry', 'cancel'] as const) {
      admin.post(`/api/v1/admin/jobs/:id/${action}`, {
        schema: { tags: ['admin'], summary: action === 'retry' ? 'Run a dead or cancelled job again' : 'Cancel a pending job', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } }
      }, async request => {
        const { id } = request.params as { id: string }
        const row: JobRow | undefined = await deps.owner('jobs').where({ id }).first()
        if (!row) throw new ApiError('not_found', `No job ${id}`)
        // The answer is the state this action left, not a re-read: a worker may already have claimed a retried job.
        const done = action === 'retry' ? await deps.queue.retry(id) : await deps.queue.cancel(id)
        if (!done) throw new ApiError('conflict', action === 'retry' ? `Job ${id} is ${row.state}; only dead or cancelled jobs can be retried` : `Job ${id} is ${row.state}; only pending jobs can be cancelled`)
        await deps.audit.record({ action: `job.${action === 'retry' ? 'retried' : 'cancelled'}`, actor: `operator:${request.auth!.userId}`, tenantId: row.tenant, target: `job:${id}`, requestId: request.id })
        return view(done)
      })
    }
  })
}
