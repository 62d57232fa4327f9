import { randomUUID } from 'node:crypto'
import type { Ctx } from './context.ts'
import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import type { DeviceKeys } from './keys.ts'
import { DEFAULT_THRESHOLDS, toDevice, toToken, tokenSchema, type Device } from './model.ts'
import { newSecret, parseSecret, sameHash } from './secrets.ts'

const tags = { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 50 } } as const
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const

export function registerEnrollmentRoutes (app: FastifyInstance, ctx: Ctx, deps: { keys: DeviceKeys, enrolled: (tenantId: string, device: Device) => Promise<void> }): void {
  app.post('/api/v1/devices/enrollment-tokens', {
    config: { permission: 'devices.admin' },
    schema: {
      summary: 'Create an enrollment token (shown once)',
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          expiresInSeconds: { type: 'integer', minimum: 60, maximum: 31536000 },
          maxUses: { type: 'integer', minimum: 1, maximum: 100000 },
          site: text(100),
          tags,
          description: text(200)
        }
      },
      response: { 201: tokenSchema }
    }
  }, async (request, reply) => {
    const tenantId = request.auth!.tenant!.id
    const body = (request.body ?? {}) as { expiresInSeconds?: number, maxUses?: number, site?: string, tags?: string[], description?: string }
    const secret = newSecret('mze', tenantId)
    const row = {
      tenant_id: tenantId,
      id: randomUUID(),
      prefix: secret.prefix,
      token_hash: secret.hash,
      expires_at: new Date(Date.now() + (body.expiresInSeconds ?? 86400) * 1000),
      max_uses: body.maxUses ?? null,
      uses: 0,
      site: body.site ?? null,
      tags: JSON.stringify(body.tags ?? []),
      description: body.description ?? null,
      created_by: request.auth!.userId ?? null
    }
    const [inserted] = await request.withTenant(trx => trx('device_enrollment_tokens').insert(row).returning('*'))
    await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.enrollment_token.create', target: row.id, requestId: request.id })
    return reply.code(201).send({ ...toToken(inserted), token: secret.value })
  })

  app.get('/api/v1/devices/enrollment-tokens', {
    config: { permission: 'devices.admin' },
    schema: {
      summary: 'Enrollment tokens, newest first (never the token itself)',
      querystring: { ...pageQuery, properties: { ...pageQuery.properties, includeRevoked: { type: 'boolean', default: false } } },
      response: { 200: pageOf(tokenSchema) }
    }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string, includeRevoked: boolean }
    const after = decodeCursor<{ at: string, id: string }>(q.cursor, ['at', 'id'])
    const rows = await request.withTenant(trx => {
      const query = trx('device_enrollment_tokens').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1)
      if (!q.includeRevoked) query.whereNull('revoked_at')
      if (after) query.where(w => w.where('created_at', '<', after.at).orWhere(x => x.where('created_at', '=', after.at).andWhere('id', '<', after.id)))
      return query
    })
    return page(rows.map(toToken), q.limit, t => ({ at: t.createdAt, id: t.id }))
  })

  app.delete('/api/v1/devices/enrollment-tokens/:id', {
    config: { permission: 'devices.admin' },
    schema: { summary: 'Revoke an enrollment token', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } }
  }, async (request, reply) => {
    const tenantId = request.auth!.tenant!.id
    const { id } = request.params as { id: string }
    const found = await request.withTenant(async trx => {
      const row = await trx('device_enrollment_tokens').where({ id }).first('id', 'revoked_at')
      if (row && !row.revoked_at) await trx('device_enrollment_tokens').where({ id }).update({ revoked_at: new Date() })
      return row
    })
    if (!found) throw new ApiError('not_found', 'No such enrollment token')
    await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.enrollment_token.revoke', target: id, requestId: request.id })
    return reply.code(204).send()
  })

  app.post('/api/v1/devices/register', {
    config: { public: true },
    schema: {
      summary: 'Register an appliance with an enrollment token (X-Enrollment-Token); the device key is shown once',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['hostname', 'os', 'agentVersion', 'hardwareId'],
        properties: { hostname: text(253), os: text(100), agentVersion: text(50), hardwareId: text(200) }
      },
      response: { 201: { type: 'object', properties: { deviceId: { type: 'string' }, deviceKey: { type: 'string' }, created: { type: 'boolean' } } } }
    }
  }, async (request, reply) => {
    const parsed = parseSecret('mze', request.headers['x-enrollment-token'])
    const refuse = () => new ApiError('invalid_enrollment_token', 'Send a valid enrollment token in the X-Enrollment-Token header')
    if (!parsed) throw refuse()
    const tenant = await ctx.tenants.get(parsed.tenantId)
    if (!tenant || tenant.status !== 'active') throw refuse()
    if (!await ctx.enabledFor(parsed.tenantId)) throw new ApiError('feature_disabled', 'The devices module is not enabled for this tenant')
    const body = request.body as { hostname: string, os: string, agentVersion: string, hardwareId: string }
    const tenantId = parsed.tenantId
    const outcome = await ctx.db.withTenant(tenantId, async trx => {
      // Locked: two appliances racing on the last use of a token cannot both get in.
      const token = await trx('device_enrollment_tokens').where({ token_hash: parsed.hash }).forUpdate().first()
      if (!token || !sameHash(token.token_hash, parsed.hash) || token.revoked_at || new Date(token.expires_at).getTime() <= Date.now() ||
        (token.max_uses !== null && token.uses >= token.max_uses)) return null
      await trx('device_enrollment_tokens').where({ id: token.id }).update({ uses: token.uses + 1 })
      const existing = await trx('devices').where({ hardware_id: body.hardwareId }).forUpdate().first()
      const tokenTags = typeof token.tags === 'string' ? JSON.parse(token.tags) : (token.tags ?? [])
      const fields = { hostname: body.hostname, os: body.os, agent_version: body.agentVersion, site: token.site, tags: JSON.stringify(tokenTags), enrollment_token_id: token.id }
      let deviceId: string
      if (existing) {
        // Re-registration (re-imaged appliance): same device, fresh key, old keys revoked.
        deviceId = existing.id
        await deps.keys.revokeAll(trx, deviceId)
        await trx('devices').where({ id: deviceId }).update({ ...fields, site: fields.site ?? existing.site, revoked_at: null })
      } else {
        deviceId = randomUUID()
        await trx('devices').insert({ tenant_id: tenantId, id: deviceId, hardware_id: body.hardwareId, ...fields })
      }
      const issued = await deps.keys.issue(trx, tenantId, deviceId)
      const device = await trx('devices').where({ id: deviceId }).first()
      return { deviceId, key: issued.key, created: !existing, device: toDevice(device, DEFAULT_THRESHOLDS, [issued.prefix]) }
    })
    if (!outcome) throw refuse()
    deps.keys.forget(outcome.deviceId)
    await ctx.audit.record({ tenantId, actor: `device:${outcome.deviceId}`, action: outcome.created ? 'devices.device.enroll' : 'devices.device.reenroll', target: outcome.deviceId, details: { hostname: body.hostname, hardwareId: body.hardwareId }, requestId: request.id })
    await deps.enrolled(tenantId, outcome.device)
    return reply.code(201).send({ deviceId: outcome.deviceId, deviceKey: outcome.key, created: outcome.created })
  })
}
