import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import type { Database } from '../db/database.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
import type { PrincipalResolver } from './principal.ts'
import type { TokenService } from './tokens.ts'

const bearer = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

/**
 * Every route needs a valid access token unless it is marked `public`; then the route's
 * `permission` (or `operator`) is checked. Runs on onRequest, before any body is parsed.
 */
export function installGuard (app: FastifyInstance, tokens: TokenService, principals: PrincipalResolver, db: Database): void {
  app.decorateRequest('auth', null)
  app.decorateRequest('withTenant', function (this: { auth: { tenant: { id: string } | null } | null }, fn: Parameters<Database['withTenant']>[1]) {
    const tenant = this.auth?.tenant
    if (!tenant) return Promise.reject(new ApiError('forbidden', 'This route works on a tenant; platform operators use /api/v1/admin routes'))
    return db.withTenant(tenant.id, fn)
  })
  app.addHook('onRequest', async request => {
    const config = request.routeOptions.config ?? {}
    if (config.public || request.is404) return
    const header = request.headers.authorization
    if (!header) throw new ApiError('unauthorized', 'Send an access token: Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer' } })
    const match = bearer.exec(header)
    if (!match) throw new ApiError('invalid_token', 'The Authorization header must be "Bearer <JWT>"', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } })
    const claims = await tokens.verify(match[1] as string)
    const principal = await principals.resolve(claims)
    request.auth = principal
    request.log = request.log.child({ tenantId: principal.tenant?.id ?? null, userId: principal.userId })
    if (config.operator && !principal.roles.includes(OPERATOR_ROLE)) throw new ApiError('forbidden', 'Platform operators only')
    if (config.permission && !principal.permissions.has(config.permission)) {
      throw new ApiError('forbidden', `You need the permission ${config.permission}`)
    }
  })
}
