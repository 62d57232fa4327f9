import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Knex } from 'knex'
import * as oidc from 'openid-client'
import type { AuditService } from '../../audit/audit.ts'
import type { Database } from '../../db/database.ts'
import type { Tenancy } from '../../tenancy/tenants.ts'
import { slugPattern } from '../../tenancy/tenants.ts'
import type { Sessions } from '../sessions.ts'
import type { IdentityProviders } from './providers.ts'
import { readCookie } from '../cookies.ts'

export const OIDC_COOKIE = '__Host-monozu_oidc'
const STATE_TTL_MS = 10 * 60 * 1000
const sha256 = (v: string) => createHash('sha256').update(v).digest('hex')
const relativePath = /^\/(?!\/)[^\s\\]{0,499}$/

export interface OidcDeps {
  owner: Knex
  db: Database
  tenancy: Tenancy
  providers: IdentityProviders
  sessions: Sessions
  audit: AuditService
  /** Where users land: PUBLIC_URL's origin (or '' for same-origin relative redirects). */
  uiOrigin: string
  redirectUri: string
}

/** A sign-in failure the browser is sent back to the UI with: `/sign-in?error=<code>`. */
class SignInFailure extends Error {
  readonly code: string
  constructor (code: string, detail: string) { super(detail); this.code = code }
}

/**
 * Authorization code + PKCE (S256) with state and nonce. The state is stored server-side (any
 * instance can finish the flow), works once, and is bound to this browser by a cookie, so a
 * stolen or replayed callback URL signs nobody in.
 */
export function registerOidcRoutes (app: FastifyInstance, deps: OidcDeps): void {
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/' }

  const fail = async (reply: FastifyReply, err: SignInFailure, tenantId: string | null, requestId: string) => {
    reply.log.warn({ code: err.code, detail: err.message }, 'OIDC sign-in failed')
    await deps.audit.record({ action: 'auth.login_failed', actor: 'oidc', tenantId, details: { method: 'oidc', code: err.code, detail: err.message }, requestId })
    reply.clearCookie(OIDC_COOKIE, cookieOptions)
    return reply.redirect(`${deps.uiOrigin}/sign-in?error=${encodeURIComponent(err.code)}`, 302)
  }

  app.get('/api/v1/auth/methods', {
    config: { public: true },
    schema: {
      tags: ['auth'], security: [], summary: 'How users of a tenant can sign in (for the sign-in page)',
      querystring: { type: 'object', properties: { tenant: { type: 'string', pattern: slugPattern } } },
      response: { 200: { type: 'object', properties: { password: { type: 'boolean' }, oidc: { type: 'boolean' }, oidcLoginUrl: { type: ['string', 'null'] } } } }
    }
  }, async request => {
    const { tenant: slug } = request.query as { tenant?: string }
    const tenant = slug ? await deps.tenancy.tenantBySlug(slug) : undefined
    const provider = tenant && tenant.status === 'active' ? await deps.providers.get(tenant.id) : undefined
    return { password: true, oidc: provider !== undefined, oidcLoginUrl: provider ? `/api/v1/auth/oidc/${slug}/login` : null }
  })

  app.get('/api/v1/auth/oidc/:tenantSlug/login', {
    config: { public: true },
    schema: {
      tags: ['auth'], security: [], summary: 'Start signing in with the tenant\'s identity provider (redirects)',
      params: { type: 'object', required: ['tenantSlug'], properties: { tenantSlug: { type: 'string', pattern: slugPattern } } },
      querystring: { type: 'object', properties: { returnTo: { type: 'string', pattern: relativePath.source } } }
    }
  }, async (request, reply) => {
    const { tenantSlug } = request.params as { tenantSlug: string }
    const { returnTo = '/' } = request.query as { returnTo?: string }
    const tenant = await deps.tenancy.tenantBySlug(tenantSlug)
    if (!tenant || tenant.status !== 'active') return fail(reply, new SignInFailure('unknown_tenant', `no active tenant "${tenantSlug}"`), null, request.id)
    let config: oidc.Configuration
    try {
      ({ config } = await deps.providers.client(tenant.id))
    } catch (err) {
      return fail(reply, new SignInFailure('provider_unavailable', (err as Error).message), tenant.id, request.id)
    }
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const verifier = oidc.randomPKCECodeVerifier()
    await deps.owner('oidc_states').where('expires_at', '<', new Date()).del()
    await deps.owner('oidc_states').insert({ state_hash: sha256(state), tenant: tenant.id, code_verifier: verifier, nonce, return_to: returnTo, expires_at: new Date(Date.now() + STATE_TTL_MS) })
    reply.setCookie(OIDC_COOKIE, state, { ...cookieOptions, maxAge: STATE_TTL_MS / 1000 })
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: deps.redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce
    })
    return reply.redirect(url.href, 302)
  })

  app.get('/api/v1/auth/oidc/callback', {
    config: { public: true },
    schema: { tags: ['auth'], security: [], summary: 'Where the identity provider returns; sets the session cookie and redirects to the UI', querystring: { type: 'object', additionalProperties: true, properties: {} } }
  }, async (request, reply) => {
    const query = request.query as Record<string, string>
    let tenantId: string | null = null
    try {
      if (query.error) throw new SignInFailure('provider_error', `${query.error}: ${query.error_description ?? ''}`)
      const state = query.state
      if (!state || state !== readCookie(request, OIDC_COOKIE)) throw new SignInFailure('invalid_state', 'the state does not belong to this browser')
      const stored = await deps.owner('oidc_states').where({ state_hash: sha256(state) }).first()
      const claimed = stored ? await deps.owner('oidc_states').where({ state_hash: sha256(state) }).del() : 0
      if (!stored || claimed !== 1) throw new SignInFailure('invalid_state', 'the state is unknown or was already used')
      tenantId = stored.tenant as string
      if (new Date(stored.expires_at).getTime() < Date.now()) throw new SignInFailure('invalid_state', 'the sign-in took too long; start again')

      const { provider, config } = await deps.providers.client(stored.tenant)
      const current = new URL(deps.redirectUri)
      current.search = new URL(request.url, 'http://x').search
      let claims: oidc.IDToken
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: stored.code_verifier, expectedState: state, expectedNonce: stored.nonce, idTokenExpected: true })
        claims = tokens.claims() as oidc.IDToken
      } catch (err) {
        throw new SignInFailure('token_rejected', (err as Error).message)
      }
      if (claims.tid !== provider.allowedTenantId) throw new SignInFailure('wrong_directory', `tid ${String(claims.tid)} is not the allowed directory`)
      const subject = await accountFor(deps, stored.tenant, provider, claims)
      await deps.sessions.begin(reply, { kind: 'user', id: subject.userId, tenantId: stored.tenant })
      await deps.audit.record({ action: 'auth.login', actor: `user:${subject.userId}`, tenantId: stored.tenant, target: subject.email, details: { method: 'oidc', issuer: provider.issuer, created: subject.created }, requestId: request.id })
      reply.clearCookie(OIDC_COOKIE, cookieOptions)
      return reply.redirect(`${deps.uiOrigin}${stored.return_to}`, 302)
    } catch (err) {
      if (err instanceof SignInFailure) return fail(reply, err, tenantId, request.id)
      throw err
    }
  })
}

/** Maps issuer + subject to a user; links an existing user by email or creates one when JIT is on. */
async function accountFor (deps: OidcDeps, tenantId: string, provider: { issuer: string, jitProvisioning: boolean, defaultRole: 'tenant-admin' | 'member' }, claims: oidc.IDToken) {
  const email = String(claims.email ?? claims.preferred_username ?? '').trim().toLowerCase()
  const name = String(claims.name ?? email)
  const tenant = await deps.tenancy.tenantById(tenantId)
  if (!tenant || tenant.status !== 'active') throw new SignInFailure('tenant_suspended', 'the tenant is suspended')
  return deps.db.withTenant(tenantId, async trx => {
    const link = await trx('user_identities').where({ issuer: provider.issuer, subject: claims.sub }).first()
    let user = link ? await trx('users').where({ id: link.user_id }).first() : undefined
    let created = false
    if (!user) {
      if (!email.includes('@')) throw new SignInFailure('no_email', 'the ID token carries no email or preferred_username')
      user = await trx('users').where({ email }).first()
      if (!user) {
        if (!provider.jitProvisioning) throw new SignInFailure('no_account', `${email} has no account in this tenant`)
        const created_ = await deps.tenancy.createUser(tenantId, { email, name, roles: [provider.defaultRole] }, trx)
        user = { id: created_.id, email: created_.email, disabled: false }
        created = true
      }
      await trx('user_identities').insert({ tenant_id: tenantId, user_id: user.id, issuer: provider.issuer, subject: claims.sub, created_at: new Date() })
    }
    if (user.disabled) throw new SignInFailure('account_disabled', `${user.email} is disabled`)
    return { userId: user.id as string, email: user.email as string, created }
  })
}
