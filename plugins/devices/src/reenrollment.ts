import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { newSecret } from './secrets.ts'

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const

/**
 * The admin's half of re-enrolling an appliance (re-imaged, or revoked and recovered): a token
 * bound to one device, single use and short-lived. The device's current key keeps working until
 * the appliance registers with it (POST /api/v1/devices/register, enrollment.ts).
 */
export function registerReenrollmentRoutes (app: FastifyInstance, ctx: Ctx): void {
  app.post('/api/v1/devices/:id/reenrollment', {
    config: { permission: 'devices.admin' },
    schema: {
      summary: 'Issue a one-time re-enrolment token for a device (shown once); earlier unused ones are revoked',
      params: idParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { expiresInSeconds: { type: 'integer', minimum: 60, maximum: 86400 } }
      },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, token: { type: 'string' }, deviceId: { type: 'string' }, hardwareId: { type: 'string' }, expiresAt: { type: 'string' } } } }
    }
  }, async (request, reply) => {
    const tenantId = request.auth!.tenant!.id
    const { id: deviceId } = request.params as { id: string }
    const body = (request.body ?? {}) as { expiresInSeconds?: number }
    const secret = newSecret('mze', tenantId)
    const expiresAt = new Date(Date.now() + (body.expiresInSeconds ?? 3600) * 1000)
    const tokenId = randomUUID()
    const hardwareId = await request.withTenant(async trx => {
      const device = await trx('devices').where({ id: deviceId }).forUpdate().first('id', 'hardware_id')
      if (!device) throw new ApiError('not_found', 'No such device')
      // One outstanding token per device: a token handed out earlier and never used is void.
      await trx('device_enrollment_tokens').where({ device_id: deviceId }).whereNull('revoked_at').where('uses', 0).update({ revoked_at: new Date() })
      await trx('device_enrollment_tokens').insert({
        tenant_id: tenantId,
        id: tokenId,
        prefix: secret.prefix,
        token_hash: secret.hash,
        expires_at: expiresAt,
        max_uses: 1,
        uses: 0,
        tags: JSON.stringify([]),
        created_by: request.auth!.userId ?? null,
        device_id: deviceId
      })
      return device.hardware_id as string
    })
    await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.device.reenrollment_token.create', target: deviceId, details: { tokenId, expiresAt: expiresAt.toISOString() }, requestId: request.id })
    return reply.code(201).send({ id: tokenId, token: secret.value, deviceId, hardwareId, expiresAt: expiresAt.toISOString() })
  })
}
