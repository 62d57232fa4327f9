import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import * as oidc from 'openid-client'
import type { AuditService } from '../../audit/audit.ts'
import type { Database } from '../../db/database.ts'
import type { Tenancy } from '../../tenancy/tenants.ts'
import { slugPattern } from '../../tenancy/tenants.ts'
import type { Sessions } from '../sessions.ts'
import type { IdentityProviders } from './providers.ts'
import { readCookie } from '../cookies.ts'
import { createLoginLimiter } from '../login-limiter.ts'
import { ApiError } from '../../errors/errors.ts'
import { accountFor } from './account-link.ts'
import { oauthErrorCode, printable, SignInFailure } from './sign-in-failure.ts'

export const OIDC_COOKIE = '__Host-monozu_oidc'
const STATE_TTL_MS = 10 * 60 * 1000
const sha256 = (v: string) => createHash('sha256').update(v).digest('hex')
const relativePath = /^\/(?!\/)[^\s\\]{0,499}$/
/** Sign-in starts and callbacks per client IP in the limiter's 15-minute window; a completed sign-in gives its two back. */
export const OIDC_STARTS_PER_IP = 50
export const OIDC_CALLBACKS_PER_IP = 50

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

/**
 * Authorization code + PKCE (S256) with state and nonce. The state is stored server-side (any
 * instance can finish the flow), works once, and is bound to this browser by a cookie, so a
 * stolen or replayed callback URL signs nobody in.
 */
export function registerOidcRoutes (app: FastifyInstance, deps: OidcDeps): void {
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/' }

  const limiter = createLoginLimiter(deps.owner)
  const limits = (ip: string) => ({ start: { key: `oidc-start:${ip}`, max: OIDC_STARTS_PER_IP }, callback: { key: `oidc-callback:${ip}`, max: OIDC_CALLBACKS_PER_IP } })

  /**
   * Back to the sign-in page with a code. Only a callback that carried this browser's valid state
   * is a real sign-in attempt and goes to the tenant's audit log; anything before that (a bare
   * login redirect, a forged callback) is only logged, so anonymous requests cannot fill it.
   */
  const fail = async (request: FastifyRequest, reply: FastifyReply, err: SignInFailure, tenantId: string | null, audited: boolean) => {
    const detail = printable(err.message)
    request.log.warn({ oidc: { code: err.code, detail }, tenantId }, 'OIDC sign-in failed')
    if (audited && tenantId) await deps.audit.record({ action: 'auth.login_failed', actor: `anonymous@${request.ip}`, tenantId, details: { method: 'oidc', code: err.code, detail }, requestId: request.id })
    reply.clearCookie(OIDC_COOKIE, cookieOptions)
    return reply.redirect(`${deps.uiOrigin}/sign-in?error=${encodeURIComponent(err.code)}`, 302)
  }

  /** Counts the attempt; past the limit the browser goes back to the sign-in page with `rate_limited`. */
  const admitted = async (request: FastifyRequest, reply: FastifyReply, rule: { key: string, max: number }) => {
    try {
      await limiter.attempt([rule])
      return true
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'too_many_requests') throw err
      request.log.warn({ oidc: { code: 'rate_limited', key: rule.key } }, 'OIDC sign-in refused: too many attempts')
      reply.headers(err.headers ?? {})
      reply.redirect(`${deps.uiOrigin}/sign-in?error=rate_limited`, 302)
      return false
    }
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
    if (!await admitted(request, reply, limits(request.ip).start)) return reply
    // One answer for an unknown or suspended tenant and for a tenant whose provider is missing
    // or unreachable: a different one would tell an outsider which tenant slugs exist.
    const unavailable = (detail: string, tenantId: string | null) => fail(request, reply, new SignInFailure('provider_unavailable', detail), tenantId, false)
    const tenant = await deps.tenancy.tenantBySlug(tenantSlug)
    if (!tenant || tenant.status !== 'active') return unavailable('no active tenant has this slug', null)
    let config: oidc.Configuration
    try {
      ({ config } = await deps.providers.client(tenant.id))
    } catch (err) {
      return unavailable((err as Error).message, tenant.id)
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
    // The query carries the authorization code and the provider's (or a forger's) free text:
    // the request lines at info level would write both to the log.
    logLevel: 'warn',
    schema: { tags: ['auth'], security: [], summary: 'Where the identity provider returns; sets the session cookie and redirects to the UI', querystring: { type: 'object', additionalProperties: true, properties: {} } }
  }, async (request, reply) => {
    const rules = limits(request.ip)
    if (!await admitted(request, reply, rules.callback)) return reply
    const query = request.query as Record<string, unknown>
    let tenantId: string | null = null
    try {
      const state = typeof query.state === 'string' ? query.state : ''
      if (!state || state !== readCookie(request, OIDC_COOKIE)) throw new SignInFailure('invalid_state', 'the state does not belong to this browser')
      const stored = await deps.owner('oidc_states').where({ state_hash: sha256(state) }).first()
      const claimed = stored ? await deps.owner('oidc_states').where({ state_hash: sha256(state) }).del() : 0
      if (!stored || claimed !== 1) throw new SignInFailure('invalid_state', 'the state is unknown or was already used')
      tenantId = stored.tenant as string
      if (new Date(stored.expires_at).getTime() < Date.now()) throw new SignInFailure('invalid_state', 'the sign-in took too long; start again')
      // The provider's error_description is free text anyone can put in the URL: never kept.
      if (query.error !== undefined) throw new SignInFailure('provider_error', `the provider answered ${oauthErrorCode(query.error)}`)

      const { provider, config } = await deps.providers.client(stored.tenant).catch((err: Error) => { throw new SignInFailure('provider_unavailable', err.message) })
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
      await limiter.succeeded([], [rules.start.key, rules.callback.key])
      reply.clearCookie(OIDC_COOKIE, cookieOptions)
      return reply.redirect(`${deps.uiOrigin}${stored.return_to}`, 302)
    } catch (err) {
      if (err instanceof SignInFailure) return fail(request, reply, err, tenantId, true)
      throw err
    }
  })
}
