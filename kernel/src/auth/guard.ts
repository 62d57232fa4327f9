import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import type { Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import { prefixesOf } from '../plugins/manifest.ts'
import type { PluginRecord, PluginRegistry } from '../plugins/registry.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
import type { PrincipalResolver } from './principal.ts'
import type { TokenService } from './tokens.ts'

const none: ReadonlySet<string> = new Set()
const bearer = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

export interface GuardDeps {
  tokens: TokenService
  principals: PrincipalResolver
  db: Database
  features: Features
  registry: PluginRegistry
}

/** The plugin owning a URL by its declared prefixes (whether or not a route matches). */
function ownerOf (registry: PluginRegistry): (url: string) => PluginRecord | undefined {
  let table: Array<{ prefix: string, record: PluginRecord }> | undefined
  return url => {
    table ??= registry.records.flatMap(record => prefixesOf(record.manifest).map(prefix => ({ prefix, record })))
    const path = url.split('?')[0] as string
    return table.find(e => path === e.prefix || path.startsWith(e.prefix + '/'))?.record
  }
}

/**
 * Every API route (and every route naming a permission) needs a valid access token unless it
 * is marked `public`. Then, in this order:
 * the plugin owning the URL prefix must be enabled for the caller's tenant (403
 * feature_disabled, before any plugin code runs), and the route's `permission` or `operator`
 * rule must hold. Runs on onRequest, before any body is parsed.
 */
export function installGuard (app: FastifyInstance, deps: GuardDeps): void {
  const owner = ownerOf(deps.registry)
  app.decorateRequest('auth', null)
  app.decorateRequest('withTenant', function (this: { auth: { tenant: { id: string } | null } | null }, fn: Parameters<Database['withTenant']>[1]) {
    const tenant = this.auth?.tenant
    if (!tenant) return Promise.reject(new ApiError('forbidden', 'This route works on a tenant; platform operators use /api/v1/admin routes'))
    return deps.db.withTenant(tenant.id, fn)
  })
  // A callback hook, not an async one: a public or unguarded request (ingest: thousands a second)
  // goes on at once instead of through a promise and its microtask turns.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config ?? {}
    if (config.public) return done()
    const plugin = owner(request.url)
    // The API needs a token; the UI's static files and machine routes with their own auth do not.
    const guarded = request.url.startsWith('/api/') || plugin !== undefined || config.permission !== undefined || config.operator === true
    if (!guarded || (request.is404 && !plugin)) return done()
    authorize(request, config, plugin).then(() => done(), done)
  })

  async function authorize (request: FastifyRequest, config: FastifyContextConfig, plugin: PluginRecord | undefined): Promise<void> {
    const header = request.headers.authorization
    if (!header) throw new ApiError('unauthorized', 'Send an access token: Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer' } })
    const match = bearer.exec(header)
    if (!match) throw new ApiError('invalid_token', 'The Authorization header must be "Bearer <JWT>"', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } })
    const identity = await deps.principals.resolve(await deps.tokens.verify(match[1] as string))
    let permissions = none
    if (identity.tenant) {
      const grants = await deps.features.grants(identity.tenant.id, identity.roles)
      if (plugin && !grants.enabled.includes(plugin)) {
        if (plugin.state !== 'running') throw new ApiError('service_unavailable', `The ${plugin.manifest.id} module is unavailable: it failed to start`)
        throw new ApiError('feature_disabled', `The ${plugin.manifest.id} module is not enabled for this tenant`)
      }
      permissions = grants.permissions
    }
    request.auth = { ...identity, permissions }
    // pino's setBindings: cheaper than a child logger per request (this logger is already per request).
    ;(request.log as unknown as { setBindings (b: object): void }).setBindings({ tenantId: identity.tenant?.id ?? null, userId: identity.userId })
    if (config.operator && !identity.roles.includes(OPERATOR_ROLE)) throw new ApiError('forbidden', 'Platform operators only')
    if (config.permission && !permissions.has(config.permission)) {
      throw new ApiError('forbidden', `You need the permission ${config.permission}`)
    }
  }
}
