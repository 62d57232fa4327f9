import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Ctx } from './context.ts'
import { ApiError, decodeCursor, page, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { deviceOf } from './device-auth.ts'
import type { DeviceKeys } from './keys.ts'
import { deviceSchema, STATUSES, toDevice, type Device, type Status } from './model.ts'
import { thresholds } from './status.ts'
import type { DeviceEvents } from './events.ts'

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const
const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['overdueAfterSeconds', 'offlineAfterSeconds'],
  properties: { overdueAfterSeconds: { type: 'integer', minimum: 60, maximum: 86400 }, offlineAfterSeconds: { type: 'integer', minimum: 60, maximum: 2592000 } }
} as const

export async function loadDevice (trx: Transaction, keys: DeviceKeys, id: string): Promise<Device> {
  const row = await trx('devices').where({ id }).first()
  if (!row) throw new ApiError('not_found', 'No such device')
  return toDevice(row, await thresholds(trx), await keys.prefixes(trx, id))
}

// The status filter in SQL, with the same thresholds as statusOf().
function whereStatus (query: ReturnType<Transaction>, status: Status, t: { overdueAfterSeconds: number, offlineAfterSeconds: number }) {
  const overdue = new Date(Date.now() - t.overdueAfterSeconds * 1000)
  const offline = new Date(Date.now() - t.offlineAfterSeconds * 1000)
  if (status === 'revoked') return query.whereNotNull('revoked_at')
  query.whereNull('revoked_at')
  if (status === 'never') return query.whereNull('last_seen_at')
  if (status === 'online') return query.where('last_seen_at', '>=', overdue)
  if (status === 'overdue') return query.where('last_seen_at', '<', overdue).andWhere('last_seen_at', '>=', offline)
  return query.where('last_seen_at', '<', offline)
}

export function registerDeviceRoutes (app: FastifyInstance, ctx: Ctx, deps: {
  keys: DeviceKeys
  events: DeviceEvents
  devicePreHandler: (request: FastifyRequest) => Promise<void>
  updated: (tenantId: string, device: Device) => Promise<void>
  revoked: (deviceId: string) => void
}): void {
  const { keys } = deps
  const actor = (request: FastifyRequest) => request.auth!.userId ?? 'unknown'

  app.get('/api/v1/devices', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Devices by hostname, with live status',
      querystring: {
        ...pageQuery,
        properties: { ...pageQuery.properties, status: { enum: STATUSES }, site: { type: 'string', maxLength: 100 }, q: { type: 'string', maxLength: 200 } }
      },
      response: { 200: pageOf(deviceSchema) }
    }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string, status?: Status, site?: string, q?: string }
    const after = decodeCursor(q.cursor, { hostname: 'string', id: 'uuid' })
    const { rows, t } = await request.withTenant(async trx => {
      const t = await thresholds(trx)
      const query = trx('devices').orderBy([{ column: 'hostname' }, { column: 'id' }]).limit(q.limit + 1)
      if (q.status) whereStatus(query, q.status, t)
      if (q.site) query.where({ site: q.site })
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, m => '\\' + m)}%`
        query.where(w => w.whereILike('hostname', like).orWhereILike('hardware_id', like).orWhereILike('os', like))
      }
      if (after) query.where(w => w.where('hostname', '>', after.hostname).orWhere(x => x.where('hostname', '=', after.hostname).andWhere('id', '>', after.id)))
      return { rows: await query, t }
    })
    return page(rows.map((r: Record<string, unknown>) => toDevice(r, t)), q.limit, d => ({ hostname: d.hostname, id: d.id }))
  })

  app.get('/api/v1/devices/settings', {
    config: { permission: 'devices.read' },
    schema: { summary: 'Status thresholds of the tenant', response: { 200: settingsSchema } }
  }, async request => request.withTenant(trx => thresholds(trx)))

  app.put('/api/v1/devices/settings', {
    config: { permission: 'devices.admin' },
    schema: { summary: 'Change the status thresholds', body: settingsSchema, response: { 200: settingsSchema } }
  }, async request => {
    const tenantId = request.auth!.tenant!.id
    const body = request.body as { overdueAfterSeconds: number, offlineAfterSeconds: number }
    if (body.offlineAfterSeconds <= body.overdueAfterSeconds) {
      throw new ApiError('validation_failed', 'body/offlineAfterSeconds: must be greater than overdueAfterSeconds', { extra: { errors: [{ in: 'body', pointer: '/offlineAfterSeconds', message: 'must be greater than overdueAfterSeconds' }] } })
    }
    await request.withTenant(trx => trx('device_settings')
      .insert({ tenant_id: tenantId, overdue_after_seconds: body.overdueAfterSeconds, offline_after_seconds: body.offlineAfterSeconds })
      .onConflict('tenant_id').merge())
    await ctx.audit.record({ tenantId, actor: actor(request), action: 'devices.settings.update', details: body, requestId: request.id })
    return body
  })

  app.get('/api/v1/devices/self', {
    config: { public: true },
    preHandler: deps.devicePreHandler,
    schema: { summary: 'The calling device (device key)', response: { 200: deviceSchema } }
  }, async request => {
    const { tenantId, deviceId } = deviceOf(request)
    return ctx.db.withTenant(tenantId, async trx => { await deps.events.touch(trx, [deviceId]); return loadDevice(trx, keys, deviceId) })
  })

  app.get('/api/v1/devices/:id', {
    config: { permission: 'devices.read' },
    schema: { summary: 'One device', params: idParams, response: { 200: deviceSchema } }
  }, async request => request.withTenant(trx => loadDevice(trx, keys, (request.params as { id: string }).id)))

  app.get('/api/v1/devices/:id/history', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Status changes of a device, newest first',
      params: idParams,
      querystring: pageQuery,
      response: { 200: pageOf({ type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, at: { type: 'string' } } }) }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const q = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { seq: 'integer' })
    const rows = await request.withTenant(async trx => {
      if (!await trx('devices').where({ id }).first('id')) throw new ApiError('not_found', 'No such device')
      const query = trx('device_status_history').where({ device_id: id }).orderBy('id', 'desc').limit(q.limit + 1)
      if (after) query.where('id', '<', after.seq)
      return query
    })
    const items = rows.map((r: { id: string | number, from_status: string, to_status: string, at: Date | string }) => ({ seq: String(r.id), from: r.from_status, to: r.to_status, at: new Date(r.at).toISOString() }))
    return page(items, q.limit, (r: { seq: string }) => ({ seq: r.seq }))
  })

  app.post('/api/v1/devices/:id/rotate-key', {
    config: { permission: 'devices.admin' },
    schema: {
      summary: 'Issue a new device key; the current one keeps working for the overlap',
      params: idParams,
      response: { 201: { type: 'object', properties: { deviceKey: { type: 'string' }, previousKeyValidUntil: { type: 'string' } } } }
    }
  }, async (request, reply) => {
    const tenantId = request.auth!.tenant!.id
    const { id } = request.params as { id: string }
    const rotated = await request.withTenant(async trx => {
      const device = await trx('devices').where({ id }).forUpdate().first('id', 'revoked_at')
      if (!device) throw new ApiError('not_found', 'No such device')
      if (device.revoked_at) throw new ApiError('invalid_state', 'The device is revoked; re-enrol it with a re-enrolment token (POST /api/v1/devices/{id}/reenrollment)')
      return keys.rotate(trx, tenantId, id)
    })
    keys.forget(id)
    await ctx.audit.record({ tenantId, actor: actor(request), action: 'devices.key.rotate', target: id, details: { previousKeyValidUntil: rotated.previousKeyValidUntil }, requestId: request.id })
    return reply.code(201).send({ deviceKey: rotated.key, previousKeyValidUntil: rotated.previousKeyValidUntil })
  })

  app.post('/api/v1/devices/:id/revoke', {
    config: { permission: 'devices.admin' },
    schema: { summary: 'Revoke every key of a device at once', params: idParams, response: { 200: deviceSchema } }
  }, async request => {
    const tenantId = request.auth!.tenant!.id
    const { id } = request.params as { id: string }
    const device = await request.withTenant(async trx => {
      const row = await trx('devices').where({ id }).forUpdate().first('id', 'revoked_at')
      if (!row) throw new ApiError('not_found', 'No such device')
      await keys.revokeAll(trx, id)
      if (!row.revoked_at) await trx('devices').where({ id }).update({ revoked_at: new Date() })
      return loadDevice(trx, keys, id)
    })
    keys.forget(id)
    deps.revoked(id)
    await ctx.audit.record({ tenantId, actor: actor(request), action: 'devices.device.revoke', target: id, requestId: request.id })
    await deps.updated(tenantId, device)
    return device
  })
}
