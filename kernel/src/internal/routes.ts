import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import type { Features } from '../licensing/features.ts'
import type { Invitations } from '../tenancy/invitations.ts'
import { provisionTenant } from '../tenancy/provision.ts'
import { slugPattern, type Tenancy } from '../tenancy/tenants.ts'
import { internalTokenMatches, verifyWebhook } from './tokens.ts'
import { createWebhookClaims } from './webhook-claims.ts'
import { registerLifecycleRoutes, type LifecycleDeps } from './lifecycle.ts'

export interface InternalDeps extends LifecycleDeps {
  owner: Knex
  tenancy: Tenancy
  invitations: Invitations
  features: Features
  audit: AuditService
  internalTokens: string[]
  webhookSecrets: string[]
}

declare module 'fastify' {
  interface FastifyRequest { rawBody?: Buffer }
}

/** Machine-to-machine routes for the management side: never reachable with a user's token. */
export function registerInternalRoutes (app: FastifyInstance, deps: InternalDeps): void {
  app.register(async internal => {
    internal.addHook('onRequest', async request => {
      if (deps.internalTokens.length === 0) throw new ApiError('not_found', 'The internal API is not configured (INTERNAL_TOKENS)')
      const given = request.headers['x-internal-token']
      if (!internalTokenMatches(typeof given === 'string' ? given : undefined, deps.internalTokens)) throw new ApiError('unauthorized', 'X-Internal-Token is missing or wrong')
    })

    registerLifecycleRoutes(internal, deps)

    internal.post('/internal/v1/tenants', {
      config: { public: true },
      schema: {
        tags: ['internal'], summary: 'Provision a tenant and invite its first admin (idempotent on externalId)', security: [],
        body: {
          type: 'object',
          required: ['externalId', 'name', 'slug', 'admin'],
          properties: {
            externalId: { type: 'string', minLength: 1, maxLength: 200 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            slug: { type: 'string', pattern: slugPattern },
            admin: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, name: { type: 'string', maxLength: 200 } } }
          }
        }
      }
    }, async (request, reply) => {
      const result = await provisionTenant(deps, request.body as { name: string, slug: string, externalId: string, admin: { email: string } }, { actor: 'internal:management', requestId: request.id })
      const t = result.tenant
      return reply.code(result.created ? 201 : 200).send({
        created: result.created,
        tenant: { id: t.id, slug: t.slug, name: t.name, status: t.status, externalId: t.external_id ?? null },
        invitation: result.invitation
      })
    })
  })

  app.register(async webhook => {
    const claims = createWebhookClaims(deps.owner)
    // The signature covers the exact bytes sent, so keep them before JSON parsing.
    webhook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer
      try { done(null, JSON.parse((body as Buffer).toString('utf8'))) } catch {
        done(Object.assign(new Error('The body is not valid JSON'), { statusCode: 400 }), undefined)
      }
    })
    webhook.addHook('preValidation', async request => {
      if (deps.webhookSecrets.length === 0) throw new ApiError('not_found', 'The license webhook is not configured (LICENSE_WEBHOOK_SECRET)')
      const h = request.headers
      const verdict = verifyWebhook({ id: h['webhook-id'] as string, timestamp: h['webhook-timestamp'] as string, signature: h['webhook-signature'] as string }, request.rawBody ?? Buffer.alloc(0), deps.webhookSecrets)
      if (verdict !== 'ok') {
        const why = { missing: 'webhook-id, webhook-timestamp and webhook-signature are required', stale: 'webhook-timestamp is more than 5 minutes from now', bad_signature: 'no signature matches' }[verdict]
        throw new ApiError('invalid_signature', why)
      }
    })

    webhook.post('/internal/license/refresh', {
      config: { public: true },
      schema: {
        tags: ['internal'], summary: 'Standard Webhooks delivery of a new license', security: [],
        body: {
          type: 'object',
          required: ['type', 'tenantId', 'license'],
          properties: { type: { const: 'license.updated' }, tenantId: { type: 'string', format: 'uuid' }, license: { type: 'string', minLength: 20, maxLength: 20000 } }
        }
      }
    }, async request => {
      const id = request.headers['webhook-id'] as string
      if (await claims.claim(id) === 'done') return { received: true, duplicate: true }
      const { tenantId, license } = request.body as { tenantId: string, license: string }
      let installed
      try {
        if (!(await deps.tenancy.tenantById(tenantId))) throw new ApiError('not_found', `No tenant ${tenantId}`)
        installed = await deps.features.installLicense(tenantId, license, { actor: 'internal:license-webhook', requestId: request.id }, { onlyNewer: true })
      } catch (err) {
        // A delivery that failed may be retried with the same id; if even the release fails, the
        // claim goes stale and a retry takes it over (webhook-claims.ts).
        await claims.release(id).catch(releaseErr => request.log.warn({ err: releaseErr, webhookId: id }, 'could not release a failed webhook delivery'))
        throw err
      }
      await claims.complete(id)
      return { received: true, duplicate: false, license: installed }
    })
  })
}
