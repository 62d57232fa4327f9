import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
import { slugPattern } from '../tenancy/tenants.ts'
import { createLoginLimiter } from './login-limiter.ts'
import { verifyPassword } from './passwords.ts'
import type { TokenService } from './tokens.ts'
import type { Sessions } from './sessions.ts'
import { signedInSchema } from './subjects.ts'

const PER_ACCOUNT = 5
const PER_IP = 50

interface Candidate {
  kind: 'user' | 'operator'
  id: string
  email: string
  name: string
  password_hash: string | null
  disabled: boolean
  roles: string[]
  sessionVersion: number
  tenant: { id: string, slug: string, name: string, status: string } | null
}

async function candidates (owner: Knex, email: string, tenantSlug: string | undefined): Promise<Candidate[]> {
  const users = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
    .where('users.email', email).modify(q => { if (tenantSlug) q.where('tenants.slug', tenantSlug) })
    .select('users.id', 'users.email', 'users.name', 'users.password_hash', 'users.disabled', 'users.roles', 'users.session_version',
      'tenants.id as tenant_id', 'tenants.slug', 'tenants.name as tenant_name', 'tenants.status')
  const found: Candidate[] = users.map((u: any) => ({
    kind: 'user', id: u.id, email: u.email, name: u.name, password_hash: u.password_hash, disabled: Boolean(u.disabled),
    roles: JSON.parse(u.roles), sessionVersion: Number(u.session_version), tenant: { id: u.tenant_id, slug: u.slug, name: u.tenant_name, status: u.status }
  }))
  if (!tenantSlug) {
    const op = await owner('operators').where({ email }).first()
    if (op) found.push({ kind: 'operator', id: op.id, email: op.email, name: op.name, password_hash: op.password_hash, disabled: Boolean(op.disabled), roles: [OPERATOR_ROLE], sessionVersion: Number(op.session_version), tenant: null })
  }
  return found
}

/** POST /api/v1/auth/login: local accounts, one 401 for every wrong email or password; starts a refresh session. */
export function registerLogin (app: FastifyInstance, deps: { owner: Knex, tokens: TokenService, audit: AuditService, sessions: Sessions }): void {
  const limiter = createLoginLimiter(deps.owner)
  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password',
      security: [],
      body: {
        type: 'object',
        required: ['email', 'password'],
        properties: {
          email: { type: 'string', minLength: 3, maxLength: 320 },
          password: { type: 'string', minLength: 1, maxLength: 1024 },
          tenant: { type: 'string', pattern: slugPattern }
        }
      },
      response: { 200: signedInSchema }
    }
  }, async (request, reply) => {
    const body = request.body as { email: string, password: string, tenant?: string }
    const email = body.email.trim().toLowerCase()
    const ip = `ip:${request.ip}`
    const account = `account:${request.ip}|${email}`
    await limiter.attempt([{ key: ip, max: PER_IP }, { key: account, max: PER_ACCOUNT }])
    const found = await candidates(deps.owner, email, body.tenant)
    const checks = found.length > 0 ? found : [null]
    const verified = await Promise.all(checks.map(c => verifyPassword(body.password, c?.password_hash)))
    const matches = found.filter((_, i) => verified[i])
    if (matches.length === 0) {
      await deps.audit.record({ action: 'auth.login_failed', actor: `anonymous@${request.ip}`, tenantId: found.length === 1 ? found[0]?.tenant?.id : null, target: email, requestId: request.id })
      throw new ApiError('invalid_credentials')
    }
    await limiter.succeeded([account], [ip])
    if (matches.length > 1) {
      throw new ApiError('tenant_required', 'This account exists in several tenants; send "tenant" with one of their slugs', { extra: { tenants: matches.map(m => m.tenant?.slug ?? null) } })
    }
    const who = matches[0] as Candidate
    if (who.tenant && who.tenant.status !== 'active') throw new ApiError('tenant_suspended', 'The tenant is suspended; contact your provider')
    if (who.disabled) throw new ApiError('account_disabled')
    const tenant = who.tenant ? { id: who.tenant.id, slug: who.tenant.slug, name: who.tenant.name } : null
    const { token, expiresIn } = await deps.tokens.issue({ sub: who.id, ...(tenant ? { tid: tenant.id } : {}), roles: who.roles, email: who.email, name: who.name, sv: who.sessionVersion })
    await deps.sessions.begin(reply, { kind: who.kind, id: who.id, tenantId: tenant?.id ?? null, version: who.sessionVersion })
    await deps.audit.record({ action: 'auth.login', actor: `${who.kind}:${who.id}`, tenantId: tenant?.id ?? null, target: who.email, requestId: request.id })
    return { accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: who.id, email: who.email, name: who.name }, tenant }
  })
}
