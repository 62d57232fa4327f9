import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import { iso, notFound } from './http.ts'
import { jobOut, jobSchema } from './jobs.ts'
import { STATUSES } from './model.ts'

const deviceSchema = {
  type: 'object',
  properties: {
    deviceId: { type: 'string' }, name: { type: 'string' }, status: { enum: [...STATUSES] }, reason: { type: 'string' },
    jobs: { type: 'integer' }, jobsDisabled: { type: 'integer' }, jobsAtRisk: { type: 'integer' }, jobsUnprotected: { type: 'integer' },
    jobsUntested: { type: 'integer' }, lastSuccessAt: { type: ['string', 'null'] }, statusChangedAt: { type: 'string' }
  }
} as const

function deviceOut (r: Record<string, any>) {
  return {
    deviceId: r.device_id, name: r.name, status: r.status, reason: r.reason, jobs: r.jobs, jobsDisabled: r.jobs_disabled,
    jobsAtRisk: r.jobs_at_risk, jobsUnprotected: r.jobs_unprotected, jobsUntested: r.jobs_untested,
    lastSuccessAt: iso(r.last_success_at), statusChangedAt: iso(r.status_changed_at)
  }
}

const counts = { type: 'object', properties: Object.fromEntries(STATUSES.map(s => [s, { type: 'integer' }])) } as const

export function protectionRoutes (app: FastifyInstance): void {
  app.get('/api/v1/backup/protection', {
    config: { permission: 'backup.read' },
    schema: {
      description: 'Protection per device (its worst enabled job; no enabled job is unprotected), by name. `q` matches the start of the name. Stored status: as of the last event or dead-man sweep.',
      querystring: {
        type: 'object',
        properties: { ...pageQuery.properties, status: { enum: [...STATUSES] }, q: { type: 'string', minLength: 1, maxLength: 253 } }
      },
      response: { 200: pageOf(deviceSchema) }
    }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string, status?: string, q?: string }
    const after = decodeCursor(q.cursor, { n: 'string', id: 'uuid' })
    const prefix = q.q?.toLowerCase()
    const rows = await request.withTenant(trx => trx('backup_devices')
      .modify(b => {
        if (q.status) b.where('status', q.status)
        // A range on the stored lower-case name: leakproof, so the index serves it under RLS.
        if (prefix) b.where('name_key', '>=', prefix).andWhere('name_key', '<', `${prefix}\uffff`)
        if (after) b.where(w => w.where('name_key', '>', after.n).orWhere(w2 => w2.where('name_key', after.n).andWhere('device_id', '>', after.id)))
      })
      .orderBy([{ column: 'name_key' }, { column: 'device_id' }]).limit(q.limit + 1).select('*'))
    const p = page(rows, q.limit, (r: { name_key: string, device_id: string }) => ({ n: r.name_key, id: r.device_id }))
    return { items: p.items.map(deviceOut), nextCursor: p.nextCursor }
  })

  app.get('/api/v1/backup/protection/summary', {
    config: { permission: 'backup.read' },
    schema: {
      description: 'How many devices and jobs are in each status; disabled jobs counted apart.',
      response: { 200: { type: 'object', properties: { devices: counts, jobs: counts, disabledJobs: { type: 'integer' } } } }
    }
  }, async request => {
    return request.withTenant(async trx => {
      const zero = () => Object.fromEntries(STATUSES.map(s => [s, 0])) as Record<string, number>
      const devices = zero()
      const jobs = zero()
      for (const r of await trx('backup_devices').groupBy('status').select('status').count('* as n')) devices[r.status as string] = Number(r.n)
      for (const r of await trx('backup_jobs').where({ enabled: true }).groupBy('status').select('status').count('* as n')) jobs[r.status as string] = Number(r.n)
      const disabled = await trx('backup_jobs').where({ enabled: false }).count('* as n').first()
      return { devices, jobs, disabledJobs: Number(disabled?.n ?? 0) }
    })
  })

  app.get('/api/v1/backup/protection/devices/:deviceId', {
    config: { permission: 'backup.read' },
    schema: {
      params: { type: 'object', required: ['deviceId'], properties: { deviceId: { type: 'string', format: 'uuid' } } },
      response: { 200: { type: 'object', properties: { ...deviceSchema.properties, jobList: { type: 'array', items: jobSchema } } } }
    }
  }, async request => {
    const { deviceId } = request.params as { deviceId: string }
    return request.withTenant(async trx => {
      const device = await trx('backup_devices').where({ device_id: deviceId }).first()
      if (!device) throw notFound('device', deviceId)
      const jobs = await trx('backup_jobs').where({ device_id: deviceId }).orderBy('name_key').select('*')
      return { ...deviceOut(device), jobList: jobs.map(j => jobOut({ ...j, device_name: device.name })) }
    })
  })
}
