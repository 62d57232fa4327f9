import type { FastifyInstance } from 'fastify'
import { ApiError } from '../../errors/errors.ts'
import type { AuditService } from '../../audit/audit.ts'
import type { IdentityProvider, IdentityProviders } from './providers.ts'

const discoveryFailed = 'body/issuer: OpenID discovery failed. The issuer must be a public https URL that serves /.well-known/openid-configuration, for Entra ID https://login.microsoftonline.com/<directory id>/v2.0'

const view = (p: IdentityProvider, redirectUri: string) => ({
  issuer: p.issuer, clientId: p.clientId, allowedTenantId: p.allowedTenantId, jitProvisioning: p.jitProvisioning,
  defaultRole: p.defaultRole, hasClientSecret: true, redirectUri, updatedAt: p.updatedAt
})

const providerSchema = {
  type: 'object',
  properties: {
    issuer: { type: 'string' }, clientId: { type: 'string' }, allowedTenantId: { type: 'string' }, jitProvisioning: { type: 'boolean' },
    defaultRole: { type: 'string' }, hasClientSecret: { type: 'boolean' }, redirectUri: { type: 'string' }, updatedAt: { type: 'string' }
  }
}

/** A tenant admin configures the tenant's OIDC provider (Microsoft Entra ID); the secret is write-only. */
export function registerIdentityProviderRoutes (app: FastifyInstance, deps: { providers: IdentityProviders, audit: AuditService, redirectUri: string }): void {
  const url = '/api/v1/tenant/identity-provider'
  const config = { permission: 'identity.manage' }
  // The management staff tenant's directory is the deployment's (STAFF_OIDC_*), not an admin's to widen.
  const refusePinned = (tenantId: string) => {
    if (deps.providers.isPinned(tenantId)) throw new ApiError('conflict', 'This tenant\'s identity provider is set by the deployment (STAFF_OIDC_*) and cannot be changed here')
  }

  app.get(url, { config, schema: { tags: ['identity'], summary: 'The tenant\'s identity provider (never the secret)', response: { 200: providerSchema } } }, async request => {
    const provider = await deps.providers.get(request.auth!.tenant!.id)
    if (!provider) throw new ApiError('not_found', 'No identity provider is configured')
    return view(provider, deps.redirectUri)
  })

  app.put(url, {
    config,
    schema: {
      tags: ['identity'],
      summary: 'Configure sign-in with Microsoft Entra ID (or another OIDC provider)',
      body: {
        type: 'object',
        required: ['issuer', 'clientId', 'allowedTenantId'],
        properties: {
          issuer: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 500 },
          clientId: { type: 'string', minLength: 1, maxLength: 200 },
          clientSecret: { type: 'string', minLength: 1, maxLength: 500, description: 'Write-only; omit to keep the stored one' },
          allowedTenantId: { type: 'string', minLength: 1, maxLength: 100, description: 'The Entra directory (tid) whose accounts may sign in' },
          jitProvisioning: { type: 'boolean', default: false },
          defaultRole: { enum: ['member', 'tenant-admin'], default: 'member' }
        }
      },
      response: { 200: providerSchema }
    }
  }, async request => {
    const body = request.body as { issuer: string, clientId: string, clientSecret?: string, allowedTenantId: string, jitProvisioning: boolean, defaultRole: string }
    const tenantId = request.auth!.tenant!.id
    refusePinned(tenantId)
    const stored = await request.withTenant(trx => trx('identity_providers').first('client_secret_sealed'))
    if (!body.clientSecret && !stored) throw new ApiError('validation_failed', 'body/clientSecret: is required the first time a provider is configured', { extra: { errors: [{ in: 'body', pointer: '/clientSecret', message: 'is required' }] } })
    const sealed = body.clientSecret ? deps.providers.sealed(body.clientSecret) : stored.client_secret_sealed as string
    try {
      // Fail now rather than at the first user's sign-in.
      await deps.providers.discover(body.issuer, body.clientId, body.clientSecret ?? 'unused-for-discovery')
    } catch (err) {
      // One answer whatever went wrong (refused address, closed port, timeout, not OpenID):
      // differing texts would turn this endpoint into a port and network scanner.
      request.log.warn({ err: (err as Error).message, cause: ((err as Error).cause as Error | undefined)?.message }, 'OpenID discovery of a tenant issuer failed')
      throw new ApiError('validation_failed', discoveryFailed, { extra: { errors: [{ in: 'body', pointer: '/issuer', message: 'OpenID discovery failed' }] } })
    }
    const row = {
      tenant_id: tenantId, issuer: body.issuer, client_id: body.clientId, client_secret_sealed: sealed,
      allowed_tenant_id: body.allowedTenantId, jit_provisioning: body.jitProvisioning, default_role: body.defaultRole, updated_at: new Date()
    }
    await request.withTenant(async trx => {
      await trx('identity_providers').del()
      await trx('identity_providers').insert(row)
    })
    deps.providers.forget(tenantId)
    await deps.audit.record({ action: 'identity_provider.updated', actor: `user:${request.auth!.userId}`, tenantId, target: `idp:${body.issuer}`, details: { clientId: body.clientId, allowedTenantId: body.allowedTenantId, jitProvisioning: body.jitProvisioning, defaultRole: body.defaultRole, secretChanged: Boolean(body.clientSecret) }, requestId: request.id })
    return view((await deps.providers.get(tenantId))!, deps.redirectUri)
  })

  app.delete(url, { config, schema: { tags: ['identity'], summary: 'Remove the tenant\'s identity provider', response: { 204: { type: 'null' } } } }, async (request, reply) => {
    refusePinned(request.auth!.tenant!.id)
    const removed = await request.withTenant(trx => trx('identity_providers').del())
    if (removed === 0) throw new ApiError('not_found', 'No identity provider is configured')
    deps.providers.forget(request.auth!.tenant!.id)
    await deps.audit.record({ action: 'identity_provider.removed', actor: `user:${request.auth!.userId}`, tenantId: request.auth!.tenant!.id, requestId: request.id })
    return reply.code(204).send()
  })
}
