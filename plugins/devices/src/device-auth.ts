import { DevicesError } from './errors.ts'
import type { Ctx } from './context.ts'
import type { FastifyRequest } from 'fastify'
import type { DeviceIdentity, DeviceKeys } from './keys.ts'

declare module 'fastify' {
  interface FastifyRequest { device?: DeviceIdentity }
}

/**
 * The preHandler of appliance routes (`config.public`: the kernel's token guard does not apply).
 * The module's license gate is checked here, since only the key tells the tenant.
 */
export function deviceAuth (ctx: Ctx, keys: DeviceKeys) {
  return async (request: FastifyRequest): Promise<void> => {
    const identity = await keys.authenticate(request.headers['x-device-key'])
    if (!identity) throw new DevicesError('invalid_device_key', 'Send a valid device key in the X-Device-Key header', { headers: { 'www-authenticate': 'DeviceKey' } })
    if (!await ctx.enabledFor(identity.tenantId)) throw new DevicesError('feature_disabled', 'The devices module is not enabled for this tenant')
    request.device = identity
    ;(request.log as unknown as { setBindings (b: object): void }).setBindings({ tenantId: identity.tenantId, deviceId: identity.deviceId })
  }
}

export function deviceOf (request: FastifyRequest): DeviceIdentity {
  if (!request.device) throw new DevicesError('invalid_device_key', 'Send a valid device key in the X-Device-Key header')
  return request.device
}
