import { randomUUID } from 'node:crypto'
import type { Ctx } from './context.ts'
import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import { DevicesError } from './errors.ts'
import type { DeviceKeys } from './keys.ts'
import { DEFAULT_THRESHOLDS, toDevice, toToken, tokenSchema, type Device } from './model.ts'
import { newSecret, parseSecret, sameHash } from './secrets.ts'

const tags = { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 50 } } as const
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const

type Outcome =
  | { refused: 'token' }
  | { refused: 'bound' }
  | { refused: 'enrolled', deviceId: string | null, tokenId: string }
  | { deviceId: string, key: string, created: boolean, tokenId: string, wasRevoked: boolean, device: Device }

export function registerEnrollmentRoutes (app: FastifyInstance, ctx: Ctx, deps: {
  keys: DeviceKeys
  enrolled: (tenantId: string, device: Device) => Promise<void>
  /** Closes the socket of a device whose keys were just revoked. */
  disconnect: (deviceId: string) => void
}): void {
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
    const after = decodeCursor(q.cursor, { at: 'date', id: 'uuid' })
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
    if (!found) throw new DevicesError('not_found', 'No such enrollment token')
    await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.enrollment_token.revoke', target: id, requestId: request.id })
    return reply.code(204).send()
  })

  app.post('/api/v1/devices/register', {
    config: { public: true },
    schema: {
      summary: 'Register an appliance with an enrollment token (X-Enrollment-Token), or re-enrol its device with a re-enrolment token; the device key is shown once',
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
    const refuse = () => new DevicesError('invalid_enrollment_token', 'Send a valid enrollment token in the X-Enrollment-Token header')
    if (!parsed) throw refuse()
    const tenant = await ctx.tenants.get(parsed.tenantId)
    if (!tenant || tenant.status !== 'active') throw refuse()
    if (!await ctx.enabledFor(parsed.tenantId)) throw new DevicesError('feature_disabled', 'The devices module is not enabled for this tenant')
    const body = request.body as { hostname: string, os: string, agentVersion: string, hardwareId: string }
    const tenantId = parsed.tenantId
    const outcome: Outcome = await ctx.db.withTenant(tenantId, async trx => {
      // Locked: two appliances racing on the last use of a token cannot both get in.
      const token = await trx('device_enrollment_tokens').where({ token_hash: parsed.hash }).forUpdate().first()
      if (!token || !sameHash(token.token_hash, parsed.hash) || token.revoked_at || new Date(token.expires_at).getTime() <= Date.now() ||
        (token.max_uses !== null && token.uses >= token.max_uses)) return { refused: 'token' }
      const existing = await trx('devices').where({ hardware_id: body.hardwareId }).forUpdate().first()
      const fields = { hostname: body.hostname, os: body.os, agent_version: body.agentVersion, enrollment_token_id: token.id }
      let deviceId: string
      if (token.device_id) {
        // A re-enrolment token: only its own device, never a new one.
        if (!existing || existing.id !== token.device_id) return { refused: 'bound' }
        deviceId = existing.id
        await deps.keys.revokeAll(trx, deviceId)
        await trx('devices').where({ id: deviceId }).update({ ...fields, revoked_at: null })
      } else {
        // Hardware ids are visible to every devices.read user: an ordinary token must not take over
        // a live device or bring back a revoked one.
        if (existing) return { refused: 'enrolled', deviceId: existing.id, tokenId: token.id }
        deviceId = randomUUID()
        const tokenTags = typeof token.tags === 'string' ? JSON.parse(token.tags) : (token.tags ?? [])
        const inserted = await trx('devices').insert({ tenant_id: tenantId, id: deviceId, hardware_id: body.hardwareId, ...fields, site: token.site, tags: JSON.stringify(tokenTags) })
          .onConflict(['tenant_id', 'hardware_id']).ignore().returning('id')
        // Another registration of this hardware id committed first.
        if (inserted.length === 0) return { refused: 'enrolled', deviceId: null, tokenId: token.id }
      }
      await trx('device_enrollment_tokens').where({ id: token.id }).update({ uses: token.uses + 1 })
      const issued = await deps.keys.issue(trx, tenantId, deviceId)
      const device = await trx('devices').where({ id: deviceId }).first()
      return { deviceId, key: issued.key, created: !existing, tokenId: token.id as string, wasRevoked: Boolean(existing?.revoked_at), device: toDevice(device, DEFAULT_THRESHOLDS, [issued.prefix]) }
    })
    if ('refused' in outcome) {
      if (outcome.refused === 'token') throw refuse()
      if (outcome.refused === 'bound') throw new DevicesError('invalid_enrollment_token', 'This re-enrolment token belongs to another device: register with that device\'s hardware id')
      // A holder of a valid token tried a known hardware id: recorded, since it may be an attempt to take a device over.
      request.log.warn({ tenantId, deviceId: outcome.deviceId, tokenId: outcome.tokenId }, 'registration of an already enrolled hardware id refused')
      await ctx.audit.record({ tenantId, actor: `enrollment-token:${outcome.tokenId}`, action: 'devices.device.enroll_refused', ...(outcome.deviceId ? { target: outcome.deviceId } : {}), details: { hostname: body.hostname, hardwareId: body.hardwareId }, requestId: request.id })
      throw new DevicesError('device_already_enrolled', 'An appliance with this hardware id is already enrolled in this tenant (or was revoked). A devices admin can issue a re-enrolment token for it (POST /api/v1/devices/{id}/reenrollment).')
    }
    deps.keys.forget(outcome.deviceId)
    // The re-enrolled device's old keys are revoked: its open socket goes too.
    if (!outcome.created) deps.disconnect(outcome.deviceId)
    await ctx.audit.record({
      tenantId,
      actor: `device:${outcome.deviceId}`,
      action: outcome.created ? 'devices.device.enroll' : 'devices.device.reenroll',
      target: outcome.deviceId,
      details: { hostname: body.hostname, hardwareId: body.hardwareId, tokenId: outcome.tokenId, ...(outcome.wasRevoked ? { wasRevoked: true } : {}) },
      requestId: request.id
    })
    await deps.enrolled(tenantId, outcome.device)
    return reply.code(201).send({ deviceId: outcome.deviceId, deviceKey: outcome.key, created: outcome.created })
  })
}
