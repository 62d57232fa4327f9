import type { FastifyInstance, FastifyRequest } from 'fastify'
import type {} from '@fastify/websocket'
import { ApiError } from '../errors/errors.ts'
import type { PrincipalResolver } from '../auth/principal.ts'
import type { TokenService } from '../auth/tokens.ts'
import type { Features } from '../licensing/features.ts'
import type { ChannelInfo, Hub } from './hub.ts'

declare module 'fastify' {
  interface FastifyRequest { channelAuth?: { tenantId: string, userId: string, exp: number, sv: number, channel: ChannelInfo } }
}

/** The token rides in Sec-WebSocket-Protocol as `bearer, <token>`: browsers cannot set headers on sockets. */
function tokenOf (request: FastifyRequest): string | undefined {
  const parts = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map(p => p.trim())
  return parts[0] === 'bearer' && parts[1] ? parts[1] : undefined
}

/**
 * GET /api/ws/:channel. Everything is decided before the upgrade, as plain HTTP: 401 without a
 * valid token, 403 for a foreign Origin, a disabled feature or a missing permission, 404 for an
 * undeclared channel.
 */
export function registerChannelRoute (app: FastifyInstance, deps: { hub: Hub, tokens: TokenService, principals: PrincipalResolver, features: Features, channels: () => Map<string, ChannelInfo>, origins: Set<string> }): void {
  app.get('/api/ws/:channel', {
    websocket: true,
    config: { public: true },
    schema: {
      tags: ['channels'],
      summary: 'Live events of one channel (WebSocket; Sec-WebSocket-Protocol: bearer, <access token>)',
      params: { type: 'object', required: ['channel'], properties: { channel: { type: 'string', pattern: '^[a-z][a-z0-9-.]{1,63}$' } } }
    },
    preValidation: async request => {
      const origin = request.headers.origin
      if (origin !== undefined && !deps.origins.has(origin)) throw new ApiError('origin_not_allowed', `Origin ${origin} may not open sockets`)
      const token = tokenOf(request)
      if (!token) throw new ApiError('unauthorized', 'Send Sec-WebSocket-Protocol: bearer, <access token>')
      const claims = await deps.tokens.verify(token)
      const identity = await deps.principals.resolve(claims)
      if (!identity.tenant) throw new ApiError('forbidden', 'Channels carry tenant events; platform operators have no tenant')
      const channel = deps.channels().get((request.params as { channel: string }).channel)
      if (!channel) throw new ApiError('not_found', 'No such channel')
      // Kernel channels (no plugin, no permission) are open to every active user of the tenant.
      if (channel.plugin !== null || channel.permission !== null) {
        const grants = await deps.features.grants(identity.tenant.id, identity.roles)
        if (channel.plugin !== null && !grants.enabled.some(r => r.manifest.id === channel.plugin)) throw new ApiError('feature_disabled', `The ${channel.plugin} module is not enabled for this tenant`)
        if (channel.permission !== null && !grants.permissions.has(channel.permission)) throw new ApiError('forbidden', `You need the permission ${channel.permission}`)
      }
      request.channelAuth = { tenantId: identity.tenant.id, userId: identity.userId, exp: claims.exp, sv: claims.sv ?? 0, channel }
    }
  }, (socket, request) => {
    deps.hub.attach(socket, request.channelAuth!)
  })
}
