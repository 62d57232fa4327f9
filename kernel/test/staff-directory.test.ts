import t from 'tap'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { staffDirectoryFrom } from '../src/auth/oidc/staff-directory.ts'
import { signInAtProvider, startOidcProvider, type StandIn } from './helpers/oidc-provider.ts'

// The management deployment's staff sign in with Entra ID against one directory (STAFF_OIDC_*),
// tried from the attacker's side against a real OpenID Provider standing in for Entra.
const PUBLIC = 'http://management.test'
const REDIRECT = `${PUBLIC}/api/v1/auth/oidc/callback`
const STAFF_TID = '0b5e7a1c-3f0e-4c7d-9a51-5d3c2e1f0a99'
const OTHER_TID = '11111111-2222-4333-8444-555555555555'
const management = fileURLToPath(new URL('../../plugins/management', import.meta.url))
let k: TestKernel
let idp: StandIn
let staffId: string

t.before(async () => {
  idp = await startOidcProvider(
    { clientId: 'monozu-management', clientSecret: 'management-client-secret', redirectUri: REDIRECT },
    // The attacker registers their own app in the same provider, with our callback as its redirect.
    { others: [{ clientId: 'evil-app', clientSecret: 'evil-secret', redirectUri: REDIRECT }], shortCodes: ['late'] }
  )
  idp.accounts.anna = { tid: STAFF_TID, email: 'anna@monozu.example', email_verified: true, name: 'Anna Staff' }
  idp.accounts.late = { tid: STAFF_TID, email: 'late@monozu.example', email_verified: true, name: 'Late Staff' }
  idp.accounts.mallory = { tid: OTHER_TID, email: 'anna@monozu.example', email_verified: true, name: 'Mallory posing as Anna' }
  k = await startTestKernel({
    profile: 'management',
    plugins: [management],
    seedDemo: false,
    config: { publicUrl: PUBLIC, outboundAllowPrivate: true },
    env: { STAFF_OIDC_ISSUER: idp.issuer, STAFF_OIDC_CLIENT_ID: 'monozu-management', STAFF_OIDC_CLIENT_SECRET: 'management-client-secret', STAFF_OIDC_TENANT_ID: STAFF_TID }
  })
  staffId = (await k.kernel.tenancy.tenantBySlug('monozu-staff'))!.id
})
t.teardown(async () => { await k?.close(); await idp?.close() })

const cookieOf = (res: { headers: Record<string, unknown> }, name: string) => ([res.headers['set-cookie']].flat().find(c => String(c).startsWith(`${name}=`)) as string | undefined)?.split(';')[0]

async function start () {
  const res = await k.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/monozu-staff/login?returnTo=/management' })
  t.equal(res.statusCode, 302, 'the staff tenant offers Entra sign-in')
  return { location: String(res.headers.location), cookie: cookieOf(res, '__Host-monozu_oidc') as string }
}
const finish = (back: URL, cookie: string) => k.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie } })
const staffUsers = () => k.kernel.conn.owner('users').where({ tenant_id: staffId }).select('email', 'roles')

t.test('configuration: all four variables or none; the directory must be a GUID', async t => {
  t.equal(staffDirectoryFrom({}), null, 'unset: local accounts only')
  t.throws(() => staffDirectoryFrom({ STAFF_OIDC_ISSUER: idp.issuer }), /config_invalid.*missing STAFF_OIDC_CLIENT_ID, STAFF_OIDC_CLIENT_SECRET, STAFF_OIDC_TENANT_ID/)
  const base = { STAFF_OIDC_ISSUER: idp.issuer, STAFF_OIDC_CLIENT_ID: 'c', STAFF_OIDC_CLIENT_SECRET: 's' }
  t.throws(() => staffDirectoryFrom({ ...base, STAFF_OIDC_TENANT_ID: 'common' }), /a GUID/, '"common" would admit every directory')
  t.throws(() => staffDirectoryFrom({ ...base, STAFF_OIDC_TENANT_ID: 'organizations' }), /a GUID/)
  t.match(staffDirectoryFrom({ ...base, STAFF_OIDC_TENANT_ID: STAFF_TID.toUpperCase() }), { tenantId: STAFF_TID, defaultRole: 'member' })
  const stored = await k.kernel.conn.owner('identity_providers').where({ tenant_id: staffId }).first()
  t.match(stored, { issuer: idp.issuer, client_id: 'monozu-management', allowed_tenant_id: STAFF_TID, jit_provisioning: true, default_role: 'member' })
  t.notMatch(stored.client_secret_sealed, /management-client-secret/, 'the secret is sealed at rest')
})

t.test('a staff member of the directory signs in and gets management.read', async t => {
  const s = await start()
  const back = await signInAtProvider(s.location, 'anna', REDIRECT)
  const done = await finish(back, s.cookie)
  t.equal(done.headers.location, `${PUBLIC}/management`)
  const rt = cookieOf(done, '__Host-monozu_rt') as string
  const refreshed = await k.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: rt, 'x-requested-with': 'monozu', origin: PUBLIC } })
  t.equal(refreshed.statusCode, 200)
  t.match(refreshed.json(), { user: { email: 'anna@monozu.example' }, tenant: { slug: 'monozu-staff' } })
  const me = await k.request('GET', '/api/v1/me', { token: refreshed.json().accessToken })
  t.ok(me.body.permissions.includes('management.read'), 'member staff see management')
  t.notOk(me.body.permissions.includes('management.write'), 'and change nothing until an admin promotes them')
})

t.test('a token from another directory is refused, even with a staff member\'s email', async t => {
  const before = await staffUsers()
  const s = await start()
  const back = await signInAtProvider(s.location, 'mallory', REDIRECT)
  const done = await finish(back, s.cookie)
  t.equal(done.headers.location, `${PUBLIC}/sign-in?error=wrong_directory`)
  t.notOk(cookieOf(done, '__Host-monozu_rt'), 'no session')
  t.same(await staffUsers(), before, 'no account created or linked')
})

t.test('a code issued to another app (wrong audience) is refused', async t => {
  const s = await start()
  // The attacker keeps our state, nonce and PKCE challenge but swaps in their own app's client id.
  const forged = new URL(s.location)
  forged.searchParams.set('client_id', 'evil-app')
  const back = await signInAtProvider(forged.href, 'anna', REDIRECT)
  t.ok(back.searchParams.get('code'), 'the provider issued a code to evil-app')
  const done = await finish(back, s.cookie)
  t.equal(done.headers.location, `${PUBLIC}/sign-in?error=token_rejected`)
  t.notOk(cookieOf(done, '__Host-monozu_rt'))
})

t.test('expired: an old authorization code and a stale sign-in are refused', async t => {
  const s = await start()
  const back = await signInAtProvider(s.location, 'late', REDIRECT)
  await sleep(2500) // the provider gave this account's code 1 second
  const expiredCode = await finish(back, s.cookie)
  t.equal(expiredCode.headers.location, `${PUBLIC}/sign-in?error=token_rejected`)
  t.notOk(cookieOf(expiredCode, '__Host-monozu_rt'))

  const s2 = await start()
  const state = new URL(s2.location).searchParams.get('state') as string
  const back2 = await signInAtProvider(s2.location, 'anna', REDIRECT)
  await k.kernel.conn.owner('oidc_states').where({ state_hash: createHash('sha256').update(state).digest('hex') }).update({ expires_at: new Date(Date.now() - 1000) })
  const stale = await finish(back2, s2.cookie)
  t.equal(stale.headers.location, `${PUBLIC}/sign-in?error=invalid_state`)
  t.notOk(cookieOf(stale, '__Host-monozu_rt'))
  t.notOk((await staffUsers()).some((u: { email: string }) => u.email === 'late@monozu.example'), 'the late account was never created')
})

t.test('no staff admin can widen sign-in to another directory through the API', async t => {
  const admin = await k.signIn({ id: staffId } as never, ['tenant-admin'])
  const put = await k.request('PUT', '/api/v1/tenant/identity-provider', { token: admin.token, body: { issuer: idp.issuer, clientId: 'monozu-management', clientSecret: 'x', allowedTenantId: OTHER_TID } })
  t.equal(put.status, 409)
  t.match(put.body.detail, /STAFF_OIDC_/)
  t.equal((await k.request('DELETE', '/api/v1/tenant/identity-provider', { token: admin.token })).status, 409)
  t.equal((await k.kernel.conn.owner('identity_providers').where({ tenant_id: staffId }).first()).allowed_tenant_id, STAFF_TID, 'unchanged')
  const failures = await k.kernel.conn.owner('audit_log').where({ action: 'auth.login_failed', tenant_id: staffId }).select('details')
  t.same(failures.map(f => JSON.parse(f.details).code).sort(), ['invalid_state', 'token_rejected', 'token_rejected', 'wrong_directory'], 'every refused attempt is in the staff audit log')
})
