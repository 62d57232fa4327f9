import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { signInAtProvider, startOidcProvider, type StandIn } from './helpers/oidc-provider.ts'

const PUBLIC = 'http://monozu.test'
const REDIRECT = `${PUBLIC}/api/v1/auth/oidc/callback`
const ENTRA_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
let k: TestKernel
let idp: StandIn
let tenant: Tenant
let admin: { token: string }

t.before(async () => {
  idp = await startOidcProvider({ clientId: 'monozu-cloud', clientSecret: 'stand-in-client-secret', redirectUri: REDIRECT })
  // The stand-in provider listens on 127.0.0.1, which the outbound guard refuses by default.
  k = await startTestKernel({ config: { publicUrl: PUBLIC, outboundAllowPrivate: true } })
  tenant = await k.createTenant({ slug: 'contoso' })
  admin = await k.signIn(tenant, ['tenant-admin'])
  idp.accounts.alice = { tid: ENTRA_TID, email: 'Alice@Contoso.example', name: 'Alice Example' }
  idp.accounts.mallory = { tid: '00000000-1111-2222-3333-444444444444', email: 'mallory@evil.example', name: 'Mallory' }
  idp.accounts.bob = { tid: ENTRA_TID, email: 'bob@contoso.example', name: 'Bob' }
})
t.teardown(async () => { await k?.close(); await idp?.close() })

const configure = (body: Record<string, unknown>, token = admin.token) => k.request('PUT', '/api/v1/tenant/identity-provider', { token, body })

/** The browser side of the flow: start at the kernel, sign in at the provider, come back. */
async function flow (account: string, slug = 'contoso') {
  const start = await k.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/${slug}/login?returnTo=/cmdb` })
  const stateCookie = [start.headers['set-cookie']].flat().find(c => String(c).startsWith('__Host-monozu_oidc=')) as string | undefined
  if (start.statusCode !== 302 || !stateCookie) return { start, callback: undefined, back: undefined }
  const back = await signInAtProvider(String(start.headers.location), account, REDIRECT)
  const cookie = stateCookie.split(';')[0] as string
  const callback = await k.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie } })
  return { start, back, callback, cookie }
}

const sessionCookie = (res: { headers: Record<string, unknown> }) => [res.headers['set-cookie']].flat().find(c => String(c).startsWith('__Host-monozu_rt=')) as string | undefined

t.test('a tenant admin configures the provider; the secret is write-only', async t => {
  const bad = await configure({ issuer: 'http://127.0.0.1:9/nothing-here', clientId: 'x', clientSecret: 'y', allowedTenantId: ENTRA_TID })
  t.equal(bad.status, 400, 'an issuer without discovery is refused at once')
  t.match(bad.body, { code: 'validation_failed', detail: /^body\/issuer: OpenID discovery failed\./, errors: [{ pointer: '/issuer' }] })
  t.equal((await configure({ issuer: idp.issuer, clientId: 'monozu-cloud', allowedTenantId: ENTRA_TID })).status, 400, 'a first configuration needs the secret')
  const member = await k.signIn(tenant, ['member'])
  t.equal((await configure({ issuer: idp.issuer, clientId: 'monozu-cloud', clientSecret: 's', allowedTenantId: ENTRA_TID }, member.token)).status, 403)

  const res = await configure({ issuer: idp.issuer, clientId: 'monozu-cloud', clientSecret: 'stand-in-client-secret', allowedTenantId: ENTRA_TID, jitProvisioning: true, defaultRole: 'member' })
  t.equal(res.status, 200)
  t.match(res.body, { issuer: idp.issuer, clientId: 'monozu-cloud', hasClientSecret: true, redirectUri: REDIRECT, jitProvisioning: true })
  t.notMatch(JSON.stringify(res.body), /stand-in-client-secret/, 'never returned')
  const got = await k.request('GET', '/api/v1/tenant/identity-provider', { token: admin.token })
  t.notMatch(JSON.stringify(got.body), /stand-in-client-secret/)
  const stored = await k.kernel.conn.owner('identity_providers').where({ tenant_id: tenant.id }).first()
  t.notMatch(stored.client_secret_sealed, /stand-in-client-secret/, 'sealed at rest')
})

t.test('the full authorization-code + PKCE flow signs a new user in (JIT)', async t => {
  const { start, callback } = await flow('alice')
  const authorize = new URL(String(start.headers.location))
  t.equal(authorize.origin, idp.issuer)
  t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
  t.match(authorize.searchParams.get('code_challenge'), /^[\w-]{43}$/)
  t.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'), 'state and nonce sent')
  t.equal(authorize.searchParams.get('redirect_uri'), REDIRECT)
  t.equal(callback?.statusCode, 302)
  t.equal(callback?.headers.location, `${PUBLIC}/cmdb`, 'lands on the UI page it started from')
  const rt = sessionCookie(callback!)
  t.match(rt, /HttpOnly; Secure; SameSite=Strict/)
  const refreshed = await k.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: (rt as string).split(';')[0] as string, 'x-requested-with': 'monozu', origin: PUBLIC } })
  t.equal(refreshed.statusCode, 200, 'the UI turns the cookie into an access token')
  t.match(refreshed.json(), { user: { email: 'alice@contoso.example', name: 'Alice Example' }, tenant: { slug: 'contoso' } })
  const me = await k.request('GET', '/api/v1/me', { token: refreshed.json().accessToken })
  t.same(me.body.roles, ['member'], 'JIT users get the default role')

  const again = await flow('alice')
  t.equal(again.callback?.statusCode, 302)
  const users = await k.kernel.conn.owner('users').where({ tenant_id: tenant.id, email: 'alice@contoso.example' }).count('* as n').first()
  t.equal(Number(users?.n), 1, 'the second sign-in maps issuer + subject to the same user')
})

t.test('refusals: wrong directory, replayed state, bad nonce, unknown tenant, no JIT', async t => {
  const wrongTid = await flow('mallory')
  t.equal(wrongTid.callback?.headers.location, `${PUBLIC}/sign-in?error=wrong_directory`)
  t.notOk(sessionCookie(wrongTid.callback!), 'no session')

  const ok = await flow('bob')
  t.equal(ok.callback?.statusCode, 302)
  const replay = await k.app.inject({ method: 'GET', url: ok.back!.pathname + ok.back!.search, headers: { cookie: ok.cookie! } })
  t.equal(replay.headers.location, `${PUBLIC}/sign-in?error=invalid_state`, 'a replayed callback (state used once) is refused')
  t.notOk(sessionCookie(replay))

  // Another browser cannot finish a flow it did not start (login CSRF).
  const start = await k.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/contoso/login' })
  const back = await signInAtProvider(String(start.headers.location), 'bob', REDIRECT)
  const foreign = await k.app.inject({ method: 'GET', url: back.pathname + back.search })
  t.equal(foreign.headers.location, `${PUBLIC}/sign-in?error=invalid_state`)

  // The nonce the kernel stored no longer matches the one in the ID token.
  const s2 = await k.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/contoso/login' })
  const state = new URL(String(s2.headers.location)).searchParams.get('state') as string
  const back2 = await signInAtProvider(String(s2.headers.location), 'bob', REDIRECT)
  const { createHash } = await import('node:crypto')
  await k.kernel.conn.owner('oidc_states').where({ state_hash: createHash('sha256').update(state).digest('hex') }).update({ nonce: 'tampered-nonce' })
  const cookie2 = ([s2.headers['set-cookie']].flat().find(c => String(c).startsWith('__Host-monozu_oidc=')) as string).split(';')[0] as string
  const badNonce = await k.app.inject({ method: 'GET', url: back2.pathname + back2.search, headers: { cookie: cookie2 } })
  t.equal(badNonce.headers.location, `${PUBLIC}/sign-in?error=token_rejected`, 'an ID token with another nonce is rejected')

  const unknown = await k.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/no-such-tenant/login' })
  t.equal(unknown.headers.location, `${PUBLIC}/sign-in?error=provider_unavailable`, 'an unknown tenant looks like an unavailable provider')

  await configure({ issuer: idp.issuer, clientId: 'monozu-cloud', allowedTenantId: ENTRA_TID, jitProvisioning: false })
  idp.accounts.carol = { tid: ENTRA_TID, email: 'carol@contoso.example', email_verified: true }
  const noJit = await flow('carol')
  t.equal(noJit.callback?.headers.location, `${PUBLIC}/sign-in?error=no_account`, 'without JIT an unknown account is refused')
  await k.createUser(tenant, { email: 'carol@contoso.example' })
  const linked = await flow('carol')
  t.equal(linked.callback?.headers.location, `${PUBLIC}/cmdb`, 'an existing user is linked by email')

  const failures = await k.kernel.conn.owner('audit_log').where({ action: 'auth.login_failed', tenant_id: tenant.id }).select('details')
  const codes = failures.map(f => JSON.parse(f.details).code).sort()
  t.same(codes, ['no_account', 'token_rejected', 'wrong_directory'], 'failed callbacks with a valid state are audited; forged callbacks and bare login redirects are not')
})

t.test('an existing account is linked by email only when the provider verified the email', async t => {
  await configure({ issuer: idp.issuer, clientId: 'monozu-cloud', allowedTenantId: ENTRA_TID, jitProvisioning: true })
  const { user: victim } = await k.createUser(tenant, { email: 'dana@contoso.example', roles: ['tenant-admin'] })
  // Anyone can type the admin's address into their own profile at many providers.
  idp.accounts.impostor = { tid: ENTRA_TID, email: 'Dana@Contoso.example', email_verified: false, name: 'Not Dana' }
  const unverified = await flow('impostor')
  t.equal(unverified.callback?.headers.location, `${PUBLIC}/sign-in?error=email_unverified`)
  t.notOk(sessionCookie(unverified.callback!), 'no session for the impostor')
  idp.accounts.silent = { tid: ENTRA_TID, email: 'dana@contoso.example' }
  t.equal((await flow('silent')).callback?.headers.location, `${PUBLIC}/sign-in?error=email_unverified`, 'no email_verified claim is not verified either (Entra without xms_edov)')
  idp.accounts.upn = { tid: ENTRA_TID, preferred_username: 'dana@contoso.example', email_verified: true }
  t.equal((await flow('upn')).callback?.headers.location, `${PUBLIC}/sign-in?error=email_unverified`, 'preferred_username never links')
  const links = await k.kernel.conn.owner('user_identities').where({ user_id: victim.id }).count('* as n').first()
  t.equal(Number(links?.n), 0, 'the admin account got no foreign identity')

  idp.accounts.entra = { tid: ENTRA_TID, email: 'dana@contoso.example', xms_edov: true, name: 'Dana' }
  const entra = await flow('entra')
  t.equal(entra.callback?.headers.location, `${PUBLIC}/cmdb`, 'Entra\'s xms_edov: true marks a domain-verified email')
  const linked = await k.kernel.conn.owner('user_identities').where({ user_id: victim.id }).count('* as n').first()
  t.equal(Number(linked?.n), 1)

  idp.accounts.erin = { tid: ENTRA_TID, email: 'erin@contoso.example', email_verified: false }
  t.equal((await flow('erin')).callback?.headers.location, `${PUBLIC}/cmdb`, 'JIT still creates a new account for an unverified email that no account has')
})
