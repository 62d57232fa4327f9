import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { cmdbService } from '@monozu/plugin-cmdb/service'
import { BackupError, type Ctx } from './context.ts'
import type { Devices } from './devices.ts'
import { actorOf, invalid, iso, isUniqueViolation, notFound, nullableNumber, tenantOf, uuidParam } from './http.ts'
import { STATUSES } from './model.ts'
import { refreshDevices } from './device-status.ts'
import { liveProtection, refreshJobs } from './status.ts'

const nullableString = (max: number) => ({ type: ['string', 'null'], minLength: 1, maxLength: max })
const policy = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  schedule: { ...nullableString(100), description: 'Cron expression or free text as the appliance schedules it (informational)' },
  rpoMinutes: { type: 'integer', minimum: 5, maximum: 525600, description: 'Recovery point objective: the oldest a last success may be' },
  retentionDays: { type: ['integer', 'null'], minimum: 1, maximum: 36500 },
  restoreTestDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'Without a passed restore test in this many days the job is untested' },
  repositoryId: { type: ['string', 'null'], format: 'uuid' },
  enabled: { type: 'boolean' },
  disabledReason: nullableString(500),
  ciId: { type: ['string', 'null'], format: 'uuid', description: 'The CMDB configuration item this job protects' }
} as const

export const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, deviceId: { type: ['string', 'null'] }, deviceName: { type: ['string', 'null'] }, externalId: { type: ['string', 'null'] },
    name: { type: 'string' }, source: { type: 'string' }, schedule: { type: ['string', 'null'] }, rpoMinutes: { type: 'integer' },
    retentionDays: { type: ['integer', 'null'] }, restoreTestDays: { type: 'integer' }, repositoryId: { type: ['string', 'null'] },
    enabled: { type: 'boolean' }, disabledReason: { type: ['string', 'null'] }, ciId: { type: ['string', 'null'] },
    ciName: { type: ['string', 'null'], description: 'The linked CI\'s name from the CMDB (single-job responses; null when the CI is gone)' },
    status: { enum: [...STATUSES] }, reason: { type: 'string' }, statusChangedAt: { type: 'string' }, statusDueAt: { type: ['string', 'null'] },
    lastRunAt: { type: ['string', 'null'] }, lastRunState: { type: ['string', 'null'] }, lastSuccessAt: { type: ['string', 'null'] },
    lastRestoreTestAt: { type: ['string', 'null'] }, lastRestoreTestOk: { type: ['boolean', 'null'] },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' }
  }
} as const

export function jobOut (r: Record<string, any>) {
  return {
    id: r.id, deviceId: r.device_id, deviceName: r.device_name ?? null, externalId: r.external_id, name: r.name, source: r.source,
    schedule: r.schedule, rpoMinutes: r.rpo_minutes, retentionDays: r.retention_days, restoreTestDays: r.restore_test_days,
    repositoryId: r.repository_id, enabled: r.enabled, disabledReason: r.disabled_reason, ciId: r.ci_id,
    status: r.status, reason: r.reason, statusChangedAt: iso(r.status_changed_at), statusDueAt: iso(r.status_due_at),
    lastRunAt: iso(r.last_run_at), lastRunState: r.last_run_state, lastSuccessAt: iso(r.last_success_at),
    lastRestoreTestAt: iso(r.last_restore_test_at), lastRestoreTestOk: r.last_restore_test_ok,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at)
  }
}

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, runId: { type: 'string' }, type: { type: 'string' }, state: { type: 'string' },
    startedAt: { type: ['string', 'null'] }, endedAt: { type: ['string', 'null'] }, durationMs: { type: ['number', 'null'] },
    bytes: { type: ['number', 'null'] }, files: { type: ['number', 'null'] }, repository: { type: ['string', 'null'] },
    snapshotId: { type: ['string', 'null'] }, error: { type: ['string', 'null'] }, verifiedFiles: { type: ['number', 'null'] },
    checksum: { type: ['string', 'null'] }, commandId: { type: ['string', 'null'] }, sortAt: { type: 'string' }
  }
} as const

function runOut (r: Record<string, any>) {
  return {
    id: r.id, runId: r.run_id, type: r.type, state: r.state, startedAt: iso(r.started_at), endedAt: iso(r.ended_at),
    durationMs: nullableNumber(r.duration_ms), bytes: nullableNumber(r.bytes), files: nullableNumber(r.files), repository: r.repository,
    snapshotId: r.snapshot_id, error: r.error, verifiedFiles: nullableNumber(r.verified_files), checksum: r.checksum,
    commandId: r.command_id, sortAt: iso(r.sort_at)
  }
}

/** One job as the single-job routes answer it: with its CI's name, asked of the cmdb service. */
async function jobWithCi (ctx: Ctx, trx: Transaction, id: string) {
  const row = await loadJob(trx, id)
  const ci = row.ci_id ? (await ctx.service(cmdbService).getCis(trx, [row.ci_id]))[0] : undefined
  return { ...jobOut(row), ciName: ci?.name ?? null }
}

export async function loadJob (trx: Transaction, id: string) {
  const row = await trx('backup_jobs as j').leftJoin('backup_devices as d', 'd.device_id', 'j.device_id')
    .where('j.id', id).first('j.*', 'd.name as device_name')
  if (!row) throw notFound('backup job', id)
  return row
}

/**
 * A repository is checked in backup's own table; a CMDB CI only through the cmdb service (never its
 * tables), inside this tenant's transaction, so another tenant's CI id reads as unknown.
 */
async function checkRefs (ctx: Ctx, trx: Transaction, body: { repositoryId?: string | null, ciId?: string | null }): Promise<void> {
  if (body.repositoryId && !(await trx('backup_repositories').where({ id: body.repositoryId }).first('id'))) {
    throw invalid('/repositoryId', 'not_found', `no repository ${body.repositoryId}`)
  }
  if (body.ciId && (await ctx.service(cmdbService).getCis(trx, [body.ciId])).length === 0) {
    throw invalid('/ciId', 'not_found', `no configuration item ${body.ciId}`)
  }
}

export function jobRoutes (ctx: Ctx, app: FastifyInstance, devices: Devices): void {
  app.get('/api/v1/backup/jobs', {
    config: { permission: 'backup.read' },
    schema: {
      description: 'Jobs with their stored protection status, by name.',
      querystring: {
        type: 'object',
        properties: {
          ...pageQuery.properties,
          status: { enum: [...STATUSES] },
          deviceId: { type: 'string', format: 'uuid' },
          repositoryId: { type: 'string', format: 'uuid' },
          enabled: { type: 'boolean' }
        }
      },
      response: { 200: pageOf(jobSchema) }
    }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string, status?: string, deviceId?: string, repositoryId?: string, enabled?: boolean }
    const after = decodeCursor(q.cursor, { n: 'string', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('backup_jobs as j').leftJoin('backup_devices as d', 'd.device_id', 'j.device_id')
      .modify(b => {
        if (q.status) b.where('j.status', q.status)
        if (q.deviceId) b.where('j.device_id', q.deviceId)
        if (q.repositoryId) b.where('j.repository_id', q.repositoryId)
        if (q.enabled !== undefined) b.where('j.enabled', q.enabled)
        if (after) b.where(w => w.where('j.name_key', '>', after.n).orWhere(w2 => w2.where('j.name_key', after.n).andWhere('j.id', '>', after.id)))
      })
      .orderBy([{ column: 'j.name_key' }, { column: 'j.id' }]).limit(q.limit + 1).select('j.*', 'd.name as device_name'))
    return strip(page(rows.map((r: Record<string, any>) => ({ ...jobOut(r), n: r.name_key as string })), q.limit, (r: { n: string, id: string }) => ({ n: r.n, id: r.id })))
  })

  app.post('/api/v1/backup/jobs', {
    config: { permission: 'backup.write' },
    schema: {
      description: 'Creates a job by hand (appliances create theirs with their first event).',
      body: { type: 'object', required: ['deviceId', 'name', 'rpoMinutes'], properties: { deviceId: { type: 'string', format: 'uuid' }, ...policy } },
      response: { 201: jobSchema }
    }
  }, async (request, reply) => {
    const body = request.body as Record<string, any>
    if (body.enabled === false && !body.disabledReason) throw invalid('/disabledReason', 'required', 'a disabled job needs a reason')
    const tenantId = tenantOf(request)
    const now = ctx.clock.now()
    const id = randomUUID()
    const row = await request.withTenant(async trx => {
      const known = await devices.known(trx, [body.deviceId])
      if (!known.has(body.deviceId)) throw invalid('/deviceId', 'not_found', `no device ${body.deviceId}`)
      await checkRefs(ctx, trx, body)
      if (await trx('backup_jobs').where({ device_id: body.deviceId, name_key: body.name.toLowerCase() }).first('id')) {
        throw new BackupError('backup_job_exists', `The device already has a job named "${body.name}"`)
      }
      await devices.ensure(trx, tenantId, [body.deviceId], now)
      await trx('backup_jobs').insert({
        tenant_id: tenantId, id, device_id: body.deviceId, name: body.name, name_key: body.name.toLowerCase(), source: 'manual',
        schedule: body.schedule ?? null, rpo_minutes: body.rpoMinutes, retention_days: body.retentionDays ?? null,
        restore_test_days: body.restoreTestDays ?? ctx.config.restoreTestDays, repository_id: body.repositoryId ?? null,
        enabled: body.enabled ?? true, disabled_reason: body.enabled === false ? body.disabledReason : null, ci_id: body.ciId ?? null,
        status: 'unprotected', reason: 'never_succeeded', status_changed_at: now, created_at: now, updated_at: now
      })
      await refreshJobs(ctx, trx, tenantId, [id], now, { created: new Set([id]) })
      return jobWithCi(ctx, trx, id)
    })
    await ctx.audit.record({ tenantId, actor: actorOf(request), action: 'backup.job_created', target: id, details: { name: body.name } })
    return reply.code(201).send(row)
  })

  app.get('/api/v1/backup/jobs/:id', {
    config: { permission: 'backup.read' },
    schema: { params: uuidParam, response: { 200: jobSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(trx => jobWithCi(ctx, trx, id))
  })

  app.patch('/api/v1/backup/jobs/:id', {
    config: { permission: 'backup.write' },
    schema: {
      description: 'Changes a job\'s policy. Disabling needs a reason; enabling clears it.',
      params: uuidParam,
      body: { type: 'object', minProperties: 1, properties: policy },
      response: { 200: jobSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as Record<string, any>
    const tenantId = tenantOf(request)
    const now = ctx.clock.now()
    const row = await request.withTenant(async trx => {
      const job = await loadJob(trx, id)
      await checkRefs(ctx, trx, body)
      const enabled = body.enabled ?? job.enabled
      const disabledReason = enabled ? null : (body.disabledReason ?? job.disabled_reason)
      if (!enabled && !disabledReason) throw invalid('/disabledReason', 'required', 'a disabled job needs a reason')
      const patch: Record<string, unknown> = { enabled, disabled_reason: disabledReason, updated_at: now }
      if (body.name !== undefined) {
        const clash = await trx('backup_jobs').where({ device_id: job.device_id, name_key: body.name.toLowerCase() }).whereNot({ id }).first('id')
        if (clash) throw new BackupError('backup_job_exists', `The device already has a job named "${body.name}"`)
        patch.name = body.name
        patch.name_key = body.name.toLowerCase()
      }
      const map: Record<string, string> = { schedule: 'schedule', rpoMinutes: 'rpo_minutes', retentionDays: 'retention_days', restoreTestDays: 'restore_test_days', repositoryId: 'repository_id', ciId: 'ci_id' }
      for (const [k, col] of Object.entries(map)) if (body[k] !== undefined) patch[col] = body[k]
      await trx('backup_jobs').where({ id }).update(patch)
      await refreshJobs(ctx, trx, tenantId, [id], now)
      return jobWithCi(ctx, trx, id)
    })
    await ctx.audit.record({ tenantId, actor: actorOf(request), action: 'backup.job_changed', target: id, details: { name: row.name, fields: Object.keys(body) } })
    return row
  })

  app.delete('/api/v1/backup/jobs/:id', {
    config: { permission: 'backup.admin' },
    schema: { description: 'Deletes a job with its runs. An appliance that still reports it creates it again.', params: uuidParam }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const tenantId = tenantOf(request)
    const name = await request.withTenant(async trx => {
      const job = await loadJob(trx, id)
      await trx('backup_jobs').where({ id }).del()
      if (job.device_id) liveProtection(ctx, trx, tenantId, [], await refreshDevices(ctx, trx, tenantId, [job.device_id], ctx.clock.now()))
      return job.name as string
    })
    await ctx.audit.record({ tenantId, actor: actorOf(request), action: 'backup.job_deleted', target: id, details: { name } })
    return reply.code(204).send()
  })

  app.get('/api/v1/backup/jobs/:id/runs', {
    config: { permission: 'backup.read' },
    schema: {
      description: 'A job\'s runs, newest first: backups, or restore tests with `type=restore_test`.',
      params: uuidParam,
      querystring: { type: 'object', properties: { ...pageQuery.properties, type: { enum: ['backup', 'restore_test'] } } },
      response: { 200: pageOf(runSchema) }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const q = request.query as { limit: number, cursor?: string, type?: string }
    const after = decodeCursor(q.cursor, { at: 'date', id: 'uuid' })
    const rows = await request.withTenant(async trx => {
      await loadJob(trx, id)
      return trx('backup_runs').where({ job_id: id, type: q.type ?? 'backup' })
        .modify(b => { if (after) b.where(w => w.where('sort_at', '<', after.at).orWhere(w2 => w2.where('sort_at', after.at).andWhere('id', '<', after.id))) })
        .orderBy([{ column: 'sort_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1).select('*')
    })
    return page(rows.map(runOut), q.limit, (r: { sortAt: string, id: string }) => ({ at: r.sortAt, id: r.id }))
  })
}

function strip<T extends { items: Array<Record<string, unknown>> }> (p: T): T {
  for (const item of p.items) delete item.n
  return p
}
