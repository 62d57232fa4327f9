import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import type { PrincipalResolver } from '../auth/principal.ts'
import type { Sessions } from '../auth/sessions.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import { hashPassword } from '../auth/passwords.ts'
import { isBaseRole, pluginRoles, TENANT_ROLES } from './roles.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import { LANGUAGES, type Language } from '../notifications/types.ts'
import { userFromRow, type Tenancy, type User } from './tenants.ts'

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } }, disabled: { type: 'boolean' }, createdAt: { type: 'string' }
  }
}
// A base role (tenant-admin, member or both) and any plugin roles: the plugins' ids are checked in the handler.
const roles = { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,64}$' } }
const roleSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, base: { type: 'boolean' }, pluginId: { type: ['string', 'null'] },
    name: { type: 'object', properties: { en: { type: 'string' }, pl: { type: 'string' } } }, description: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } }
  }
}
const BASE_ROLES = [
  { id: 'tenant-admin', base: true, pluginId: null, name: { en: 'Tenant admin', pl: 'Administrator' }, description: 'Every permission of the tenant\'s modules, users, sign-in, webhooks and the audit log' },
  { id: 'member', base: true, pluginId: null, name: { en: 'Member', pl: 'Użytkownik' }, description: 'Reads every module (*.read) and asks for service (*.request)' }
]

/** 400 unless `list` holds a base role and only roles the installed plugins declare. */
function checkRoles (list: string[], registry: PluginRegistry): void {
  const known = pluginRoles(registry.records.map(r => r.manifest))
  const fail = (index: number, message: string) => new ApiError('validation_failed', `body/roles/${index}: ${message}`, { extra: { errors: [{ in: 'body', pointer: `/roles/${index}`, message }] } })
  list.forEach((role, i) => { if (!isBaseRole(role) && !known.has(role)) throw fail(i, `unknown role "${role}": ${[...TENANT_ROLES, ...known.keys()].join(', ')}`) })
  if (!list.some(isBaseRole)) throw fail(0, `give a base role (${TENANT_ROLES.join(' or ')}); plugin roles add to it`)
}
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } }

const publicUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, roles: u.roles, disabled: u.disabled, createdAt: u.createdAt })

/** /api/v1/me and the tenant admin's user management. */
export function registerTenancyRoutes (app: FastifyInstance, deps: { tenancy: Tenancy, audit: AuditService, principals: PrincipalResolver, sessions: Sessions, registry: PluginRegistry }): void {
  app.get('/api/v1/me', {
    schema: { tags: ['identity'], summary: 'The signed-in user, tenant, roles and permissions' }
  }, async request => {
    const auth = request.auth!
    // Operators have no tenant row to hold a language: they read English.
    const language = auth.tenant ? (await request.withTenant(trx => trx('users').where({ id: auth.userId }).first('language')))?.language ?? 'en' : 'en'
    return {
      user: { id: auth.userId, email: auth.email, name: auth.name, language },
      tenant: auth.tenant,
      roles: auth.roles,
      permissions: [...auth.permissions].sort()
    }
  })

  app.patch('/api/v1/me', {
    schema: {
      tags: ['identity'],
      summary: 'Change my own settings: the language of my notifications and emails',
      description: 'The UI calls this when the user switches language. Tenant users only.',
      body: { type: 'object', required: ['language'], properties: { language: { enum: [...LANGUAGES] } } },
      response: { 200: { type: 'object', properties: { language: { enum: [...LANGUAGES] } } } }
    }
  }, async request => {
    const { language } = request.body as { language: Language }
    const userId = request.auth!.userId
    await request.withTenant(trx => trx('users').where({ id: userId }).update({ language }))
    return { language }
  })

  app.get('/api/v1/roles', {
    config: { permission: 'users.manage' },
    schema: { tags: ['users'], summary: 'The roles a user can hold: the base roles, then the roles of the installed plugins', response: { 200: { type: 'object', properties: { items: { type: 'array', items: roleSchema } } } } }
  }, async () => ({
    items: [...BASE_ROLES, ...[...pluginRoles(deps.registry.records.map(r => r.manifest)).values()].map(r => ({ ...r, base: false }))]
  }))

  app.get('/api/v1/users', {
    config: { permission: 'users.manage' },
    schema: { tags: ['users'], summary: 'List the tenant\'s users', querystring: pageQuery, response: { 200: pageOf(userSchema) } }
  }, async request => {
    const { limit, cursor } = request.query as { limit: number, cursor?: string }
    const after = decodeCursor(cursor, { email: 'string', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('users')
      .modify(q => { if (after) q.where(b => b.where('email', '>', after.email).orWhere(b2 => b2.where('email', after.email).andWhere('id', '>', after.id))) })
      .orderBy([{ column: 'email' }, { column: 'id' }]).limit(limit + 1))
    return page(rows.map(userFromRow).map(publicUser), limit, (u: { email: string, id: string }) => ({ email: u.email, id: u.id }))
  })

  app.post('/api/v1/users', {
    config: { permission: 'users.manage' },
    schema: {
      tags: ['users'],
      summary: 'Add a user to the tenant',
      body: {
        type: 'object',
        required: ['email', 'name'],
        properties: {
          email: { type: 'string', format: 'email', maxLength: 320 },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          password: { type: 'string', minLength: 10, maxLength: 1024 },
          roles: { ...roles, default: ['member'] }
        }
      },
      response: { 201: userSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { email: string, name: string, password?: string, roles: string[] }
    checkRoles(body.roles, deps.registry)
    const auth = request.auth!
    const user = await deps.tenancy.createUser(auth.tenant!.id, body)
    await deps.audit.record({ action: 'user.created', actor: `user:${auth.userId}`, tenantId: auth.tenant!.id, target: `user:${user.id}`, details: { email: user.email, roles: user.roles }, requestId: request.id })
    return reply.code(201).send(publicUser(user))
  })

  app.patch('/api/v1/users/:id', {
    config: { permission: 'users.manage' },
    schema: {
      tags: ['users'],
      summary: 'Change a user\'s name, roles, password or disabled flag',
      params: idParams,
      body: {
        type: 'object',
        minProperties: 1,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          roles,
          disabled: { type: 'boolean' },
          password: { type: 'string', minLength: 10, maxLength: 1024 }
        }
      },
      response: { 200: userSchema }
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as { name?: string, roles?: string[], disabled?: boolean, password?: string }
    if (body.roles) checkRoles(body.roles, deps.registry)
    const auth = request.auth!
    const passwordHash = body.password ? await hashPassword(body.password) : undefined
    const { before, after, revoke } = await request.withTenant(async trx => {
      const row = await trx('users').where({ id }).forUpdate().first()
      if (!row) throw new ApiError('not_found', `No user ${id} in this tenant`)
      const before = userFromRow(row)
      const nextRoles = body.roles ?? before.roles
      const losesAdmin = before.roles.includes('tenant-admin') && !before.disabled && (!nextRoles.includes('tenant-admin') || body.disabled === true)
      if (losesAdmin) {
        const admins = (await trx('users').where({ disabled: false }).select('roles')).filter(r => JSON.parse(r.roles).includes('tenant-admin')).length
        if (admins <= 1) throw new ApiError('conflict', 'This is the tenant\'s last active tenant-admin; promote another user first')
      }
      const patch: Record<string, unknown> = { updated_at: new Date() }
      if (body.name !== undefined) patch.name = body.name
      if (body.roles !== undefined) patch.roles = JSON.stringify(body.roles)
      if (body.disabled !== undefined) patch.disabled = body.disabled
      if (passwordHash !== undefined) patch.password_hash = passwordHash
      // A new password, a disabled account or a lost role ends every session the user has:
      // raising the session version in this transaction refuses older tokens on every instance.
      const revoke = [
        ...(passwordHash !== undefined ? ['password'] : []),
        ...(body.disabled === true && !before.disabled ? ['disabled'] : []),
        ...(before.roles.some(r => !nextRoles.includes(r)) ? ['roles'] : [])
      ]
      if (revoke.length > 0) patch.session_version = Number(row.session_version) + 1
      await trx('users').where({ id }).update(patch)
      return { before, after: userFromRow({ ...row, ...patch }), revoke }
    })
    deps.principals.forget(auth.tenant!.id, id)
    if (revoke.length > 0) {
      const sessions = await deps.sessions.revokeSubject(id)
      await deps.audit.record({ action: 'auth.sessions_revoked', actor: `user:${auth.userId}`, tenantId: auth.tenant!.id, target: `user:${id}`, details: { reasons: revoke, sessions }, requestId: request.id })
    }
    const changes: Record<string, unknown> = {}
    if (body.roles) changes.roles = { from: before.roles, to: after.roles }
    if (body.disabled !== undefined) changes.disabled = { from: before.disabled, to: after.disabled }
    if (body.name !== undefined) changes.name = { from: before.name, to: after.name }
    if (body.password !== undefined) changes.password = 'changed'
    const action = body.roles ? 'user.roles_changed' : 'user.updated'
    await deps.audit.record({ action, actor: `user:${auth.userId}`, tenantId: auth.tenant!.id, target: `user:${id}`, details: changes, requestId: request.id })
    return publicUser(after)
  })
}
