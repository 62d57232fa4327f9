import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'
import type { AuditService } from '../audit/audit.ts'

export const ADMIN_PREFIX = '/api/v1/admin/'

/**
 * The audit actor of a signed-in caller. Operators have no tenant; anyone else who reaches an
 * admin route is a tenant user and is recorded as such, in their own tenant's log, so a probing
 * tenant admin shows up as themselves and not as the operator they tried to act as.
 */
export function callerOf (auth: NonNullable<FastifyRequest['auth']>): { actor: string, tenantId: string | null } {
  return auth.tenant ? { actor: `user:${auth.userId}`, tenantId: auth.tenant.id } : { actor: `operator:${auth.userId}`, tenantId: null }
}

/**
 * Every call to `/api/v1/admin/*` by a signed-in caller lands in the audit log with its status,
 * refused ones included, whichever module mounts the route (admin, jobs, audit). Attached per
 * route on registration, so requests to the rest of the API pay nothing for it. Must be installed
 * before the admin routes are registered.
 */
export function auditAdminCalls (app: FastifyInstance, audit: AuditService): void {
  const record = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.auth) return
    await audit.record({ action: 'admin.request', ...callerOf(request.auth), target: `${request.method} ${request.url.split('?')[0]}`, details: { status: reply.statusCode }, requestId: request.id })
  }
  app.addHook('onRoute', route => {
    if (!route.url.startsWith(ADMIN_PREFIX)) return
    const own = route.onResponse ?? []
    route.onResponse = [...(Array.isArray(own) ? own : [own]), record as onResponseHookHandler]
  })
}
