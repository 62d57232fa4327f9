import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { deviceOf } from './device-auth.ts'
import { DevicesError } from './errors.ts'
import type { AuthenticatedDevice, DeviceResourceHandler } from './service.ts'

const RESOURCE = /^[a-z][a-z0-9-]{0,31}(\/[a-z0-9][a-z0-9-]{0,31}){0,3}$/

/** A strong validator of the body: appliances poll, and an unchanged resource costs them a 304. */
const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('base64url')}"`

function matches (header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some(t => { const v = t.trim(); return v === '*' || v === etag || v === `W/${etag}` })
}

/**
 * Resources other plugins serve to appliances under /api/v1/devices/self/<resource> (the VPN's
 * config): devices owns the prefix and the device key, the provider owns the content. The handler
 * runs in the device's tenant scope; the provider checks its own module is enabled.
 */
export function deviceResources (ctx: Ctx) {
  const handlers = new Map<string, DeviceResourceHandler>()
  return {
    serve (resource: string, handler: DeviceResourceHandler): void {
      if (!RESOURCE.test(resource)) throw new TypeError(`devices.serveToDevices: resource "${resource}" must match ${RESOURCE}`)
      if (handlers.has(resource)) throw new TypeError(`devices.serveToDevices: resource "${resource}" is already served`)
      handlers.set(resource, handler)
    },
    register (app: FastifyInstance, devicePreHandler: (request: FastifyRequest) => Promise<void>): void {
      app.get('/api/v1/devices/self/*', {
        config: { public: true },
        preHandler: devicePreHandler as preHandlerAsyncHookHandler,
        schema: {
          summary: 'A resource another module serves to the calling device (device key), e.g. vpn/config; ETag and If-None-Match',
          params: { type: 'object', properties: { '*': { type: 'string' } } }
        }
      }, async (request, reply) => {
        const resource = (request.params as { '*': string })['*']
        const handler = handlers.get(resource)
        if (!handler) throw new DevicesError('not_found', `No resource "${resource}" is served to devices`)
        const device: AuthenticatedDevice = deviceOf(request)
        const result = await ctx.db.withTenant(device.tenantId, (trx: Transaction) => handler(trx, device))
        if (!result) throw new DevicesError('not_found', `Nothing at "${resource}" for this device`)
        const etag = etagOf(result.body)
        reply.header('etag', etag).header('cache-control', 'no-cache')
        if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send()
        return reply.type(result.contentType ?? 'text/plain; charset=utf-8').send(result.body)
      })
    }
  }
}
