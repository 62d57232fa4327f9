import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import { auditAdminCalls } from './audit-calls.ts'
import { registerPluginHealth } from './plugins.ts'
import { registerConsoleUi } from './ui.ts'
import type { AuditService } from '../audit/audit.ts'
import type { Database } from '../db/database.ts'
import type { PrincipalResolver } from '../auth/principal.ts'
import type { Sessions } from '../auth/sessions.ts'
import type { Features } from '../licensing/features.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import type { Invitations } from '../tenancy/invitations.ts'
import { provisionTenant } from '../tenancy/provision.ts'
import { slugPattern, userFromRow, type Tenancy, type Tenant } from '../tenancy/tenants.ts'

export interface AdminDeps {
  tenancy: Tenancy
  invitations: Invitations
  features: Features
  sessions: Sessions
  principals: PrincipalResolver
  audit: AuditService
  db: Database
  registry: PluginRegistry
}

const tenantSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, status: { type: 'string' }, externalId: { type: ['string', 'null'] }, createdAt: { type: 'string' } }
}
const licenseSchema = { type: ['object', 'null'], properties: { features: { type: 'array', items: { type: 'string' } }, seats: { type: 'integer' }, expiresAt: { type: 'string' } } }
const listedTenantSchema = { type: 'object', properties: { ...tenantSchema.properties, license: licenseSchema } }
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } }
const publicTenant = (t: Tenant & { created_at?: Date | string }) => ({
  id: t.id, slug: t.slug, name: t.name, status: t.status, externalId: t.external_id ?? null,
  ...(t.created_at ? { createdAt: new Date(t.created_at).toISOString() } : {})
})
const actor = (request: { auth: { userId: string } | null }) => `operator:${request.auth!.userId}`

/**
 * /api/v1/admin/*: platform operators only, mounted only with ADMIN_PANEL_ENABLED=true, and
 * every call (reads too) lands in the audit log.
 */
export function registerAdminRoutes (app: FastifyInstance, deps: AdminDeps): void {
  auditAdminCalls(app, deps.audit)
  registerConsoleUi(app)
  app.register(async admin => {
    admin.addHook('onRoute', route => { route.config = { ...(route.config as object), operator: true } as typeof route.config })
    registerPluginHealth(admin, deps.registry)

    const tenantOr404 = async (id: string) => {
      const tenant = await deps.tenancy.tenantById(id)
      if (!tenant) throw new ApiError('not_found', `No tenant ${id}`)
      return tenant
    }

    admin.get('/api/v1/admin/tenants', {
      schema: {
        tags: ['admin'], summary: 'List tenants',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, status: { enum: ['active', 'suspended'] } } },
        response: { 200: pageOf(listedTenantSchema) }
      }
    }, async request => {
      const { limit, cursor, status } = request.query as { limit: number, cursor?: string, status?: string }
      const after = decodeCursor(cursor, { slug: 'string' })
      // The license summary comes in the same query: the console's list shows it for every row.
      const rows = await deps.db.platform({ actor: actor(request), reason: 'operator lists tenants' }, trx => trx('tenants')
        .leftJoin('licenses', 'licenses.tenant', 'tenants.id')
        .select('tenants.*', 'licenses.features as license_features', 'licenses.seats as license_seats', 'licenses.expires_at as license_expires_at')
        .modify(q => { if (status) q.where('tenants.status', status); if (after) q.where('tenants.slug', '>', after.slug) })
        .orderBy('tenants.slug').limit(limit + 1))
      const listed = rows.map((r: Tenant & Record<string, any>) => ({
        ...publicTenant(r),
        license: r.license_features == null ? null : { features: JSON.parse(r.license_features) as string[], seats: Number(r.license_seats), expiresAt: new Date(r.license_expires_at).toISOString() }
      }))
      return page(listed, limit, (t: { slug: string }) => ({ slug: t.slug }))
    })

    admin.post('/api/v1/admin/tenants', {
      schema: {
        tags: ['admin'], summary: 'Create a tenant and invite its first admin',
        body: {
          type: 'object',
          required: ['name', 'slug'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            slug: { type: 'string', pattern: slugPattern },
            admin: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, name: { type: 'string', maxLength: 200 } } }
          }
        }
      }
    }, async (request, reply) => {
      const result = await provisionTenant(deps, request.body as { name: string, slug: string }, { actor: actor(request), requestId: request.id })
      return reply.code(201).send({ tenant: publicTenant(result.tenant), invitation: result.invitation })
    })

    admin.get('/api/v1/admin/tenants/:id', { schema: { tags: ['admin'], summary: 'A tenant with its license and features', params: idParams } }, async request => {
      const tenant = await tenantOr404((request.params as { id: string }).id)
      return { tenant: publicTenant(tenant), license: await deps.features.license(tenant.id), features: await deps.features.overview(tenant.id) }
    })

    admin.patch('/api/v1/admin/tenants/:id', {
      schema: {
        tags: ['admin'], summary: 'Rename, suspend or reactivate a tenant', params: idParams,
        body: { type: 'object', minProperties: 1, properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, status: { enum: ['active', 'suspended'] } } },
        response: { 200: tenantSchema }
      }
    }, async request => {
      const tenant = await tenantOr404((request.params as { id: string }).id)
      const body = request.body as { name?: string, status?: Tenant['status'] }
      if (body.name !== undefined) await deps.tenancy.renameTenant(tenant.id, body.name)
      if (body.status !== undefined && body.status !== tenant.status) {
        await deps.tenancy.setTenantStatus(tenant.id, body.status)
        deps.principals.forget(tenant.id)
        if (body.status === 'suspended') await deps.sessions.revokeTenant(tenant.id)
        await deps.audit.record({ action: body.status === 'suspended' ? 'tenant.suspended' : 'tenant.activated', actor: actor(request), tenantId: tenant.id, target: `tenant:${tenant.id}`, requestId: request.id })
      }
      return publicTenant(await tenantOr404(tenant.id))
    })

    admin.put('/api/v1/admin/tenants/:id/license', {
      schema: { tags: ['admin'], summary: 'Install a license (a JWS signed by the management key)', params: idParams, body: { type: 'object', required: ['license'], properties: { license: { type: 'string', minLength: 20, maxLength: 20000 } } } }
    }, async request => {
      const tenant = await tenantOr404((request.params as { id: string }).id)
      return deps.features.installLicense(tenant.id, (request.body as { license: string }).license, { actor: actor(request), requestId: request.id })
    })

    admin.get('/api/v1/admin/tenants/:id/features', { schema: { tags: ['admin'], summary: 'Every plugin\'s licensing and toggle state for a tenant', params: idParams } }, async request => {
      const tenant = await tenantOr404((request.params as { id: string }).id)
      return { items: await deps.features.overview(tenant.id) }
    })

    admin.put('/api/v1/admin/tenants/:id/features/:feature', {
      schema: {
        tags: ['admin'], summary: 'Switch a feature on or off for a tenant',
        params: { type: 'object', required: ['id', 'feature'], properties: { id: { type: 'string', format: 'uuid' }, feature: { type: 'string', pattern: '^[a-z][a-z0-9-.]{1,63}$' } } },
        body: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } }
      }
    }, async request => {
      const { id, feature } = request.params as { id: string, feature: string }
      const tenant = await tenantOr404(id)
      return deps.features.setFeature(tenant.id, feature, (request.body as { enabled: boolean }).enabled, { actor: actor(request), requestId: request.id })
    })

    admin.get('/api/v1/admin/users', {
      schema: {
        tags: ['admin'], summary: 'Users across tenants',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, tenant: { type: 'string', format: 'uuid' }, email: { type: 'string', maxLength: 320 } } }
      }
    }, async request => {
      const { limit, cursor, tenant, email } = request.query as { limit: number, cursor?: string, tenant?: string, email?: string }
      const after = decodeCursor(cursor, { email: 'string', id: 'uuid' })
      const rows = await deps.db.platform({ actor: actor(request), reason: 'operator reads users across tenants' }, trx => trx('users')
        .modify(q => {
          if (tenant) q.where({ tenant_id: tenant })
          if (email) q.where({ email: email.trim().toLowerCase() })
          if (after) q.where(b => b.where('email', '>', after.email).orWhere(b2 => b2.where('email', after.email).andWhere('id', '>', after.id)))
        })
        .orderBy([{ column: 'email' }, { column: 'id' }]).limit(limit + 1))
      const users = rows.map(userFromRow).map((u: ReturnType<typeof userFromRow>) => ({ id: u.id, tenantId: u.tenantId, email: u.email, name: u.name, roles: u.roles, disabled: u.disabled, createdAt: u.createdAt }))
      return page(users, limit, (u: { email: string, id: string }) => ({ email: u.email, id: u.id }))
    })
  })
}
