import t, { type Test } from 'tap'
import { startTestKernel, waitFor, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import type { TenantRole } from '../src/tenancy/roles.ts'

// The attacker holds a stolen access token and refresh cookie; the account's owner or an admin
// reacts (new password, role removed, account disabled). Both stolen credentials must die.
const ORIGIN = 'https://app.monozu.test'
let k: TestKernel
let tenant: Tenant
let admin: { token: string, id: string }

t.before(async () => {
  k = await startTestKernel({ config: { allowedOrigins: [ORIGIN] } })
  tenant = await k.createTenant({ slug: 'revocation' })
  const signedIn = await k.signIn(tenant, ['tenant-admin'])
  admin = { token: signedIn.token, id: signedIn.user.id }
})
t.teardown(() => k?.close())

interface Session { accessToken: string, cookie: string }

function cookieOf (headers: Record<string, unknown>): string {
  const all = [headers['set-cookie']].flat().filter(Boolean) as string[]
  const raw = all.find(c => c.startsWith('__Host-monozu_rt=')) ?? ''
  return raw.split(';')[0]!.slice('__Host-monozu_rt='.length)
}

async function login (email: string, password: string): Promise<Session> {
  const res = await k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return { accessToken: res.json().accessToken, cookie: cookieOf(res.headers) }
}

const refresh = (cookie: string) => k.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { 'x-requested-with': 'monozu', origin: ORIGIN, cookie: `__Host-monozu_rt=${cookie}` } })
const me = (token: string) => k.request('GET', '/api/v1/me', { token })

async function victim (roles: TenantRole[] = ['member']) {
  const { user, password } = await k.createUser(tenant, { roles })
  return { user, password, stolen: await login(user.email, password) }
}

/** The stolen credentials are refused: the cookie at once, the access token within 2 s. */
async function assertRevoked (t: Test, stolen: Session) {
  const started = Date.now()
  const res = await waitFor('the old access token to be refused', async () => {
    const r = await me(stolen.accessToken)
    return r.status !== 200 && r
  }, 2000)
  t.equal(res.status, 401, `the old access token is 401 (after ${Date.now() - started} ms)`)
  t.equal(res.body.code, 'invalid_token')
  const again = await refresh(stolen.cookie)
  t.equal(again.statusCode, 401, 'the old refresh cookie is 401')
  t.equal(again.json().code, 'refresh_token_invalid')
}

async function revocations (userId: string) {
  return k.kernel.conn.owner('audit_log').where({ action: 'auth.sessions_revoked', tenant_id: tenant.id, target: `user:${userId}` }).orderBy('at')
}

t.test('an admin resets a password: the old session dies, a new sign-in works', async t => {
  const { user, stolen } = await victim()
  t.equal((await me(stolen.accessToken)).status, 200, 'the stolen token works before the reset')
  const reset = await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { password: 'brand-new-password-1' } })
  t.equal(reset.status, 200)
  await assertRevoked(t, stolen)
  t.equal((await k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'old-or-guessed' } })).statusCode, 401)
  const fresh = await login(user.email, 'brand-new-password-1')
  t.equal((await me(fresh.accessToken)).status, 200, 'the new session\'s access token works')
  const next = await refresh(fresh.cookie)
  t.equal(next.statusCode, 200, 'the new session\'s refresh cookie works')
  t.equal((await me(next.json().accessToken)).status, 200, 'and so does the token it refreshes to')
  const [entry] = await revocations(user.id)
  t.ok(entry, 'the revocation is audited')
  t.equal(entry.actor, `user:${admin.id}`)
  t.match(JSON.parse(entry.details), { reasons: ['password'], sessions: 1 })
  const live = await k.kernel.conn.owner('refresh_tokens').where({ subject_id: user.id, family_id: (await k.kernel.conn.owner('refresh_tokens').where({ id: stolen.cookie.split('.')[0] }).first()).family_id }).whereNull('revoked_at')
  t.equal(live.length, 0, 'the stolen family is marked revoked in the table')
})

t.test('a user changes their own password: every earlier session ends, the next one works', async t => {
  const { user, password, stolen } = await victim(['tenant-admin'])
  const own = await login(user.email, password)
  const change = await k.request('PATCH', `/api/v1/users/${user.id}`, { token: own.accessToken, body: { password: 'my-own-new-password' } })
  t.equal(change.status, 200)
  await assertRevoked(t, stolen)
  await assertRevoked(t, own)
  const fresh = await login(user.email, 'my-own-new-password')
  t.equal((await me(fresh.accessToken)).status, 200)
  t.equal((await refresh(fresh.cookie)).statusCode, 200)
  t.match(JSON.parse((await revocations(user.id))[0].details), { reasons: ['password'], sessions: 2 })
})

t.test('removing a role ends the sessions; adding one does not', async t => {
  const { user, password, stolen } = await victim(['member'])
  const promoted = await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { roles: ['member', 'tenant-admin'] } })
  t.equal(promoted.status, 200)
  t.equal((await me(stolen.accessToken)).status, 200, 'a granted role keeps the session')
  const rotated = await refresh(stolen.cookie)
  t.equal(rotated.statusCode, 200, 'and its refresh cookie')
  const held: Session = { accessToken: rotated.json().accessToken, cookie: cookieOf(rotated.headers) }
  t.same((await me(held.accessToken)).body.roles, ['member', 'tenant-admin'])

  const demoted = await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { roles: ['member'] } })
  t.equal(demoted.status, 200)
  await assertRevoked(t, held)
  const fresh = await login(user.email, password)
  t.same((await me(fresh.accessToken)).body.roles, ['member'], 'a new sign-in works with the remaining role')
  const entries = await revocations(user.id)
  t.equal(entries.length, 1, 'only the removal is a revocation')
  t.match(JSON.parse(entries[0].details), { reasons: ['roles'] })
})

t.test('disabling ends the sessions; re-enabling does not bring them back', async t => {
  const { user, password, stolen } = await victim()
  t.equal((await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { disabled: true } })).status, 200)
  await assertRevoked(t, stolen)
  t.equal((await k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } })).json().code, 'account_disabled')
  t.equal((await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { disabled: false } })).status, 200)
  t.equal((await me(stolen.accessToken)).status, 401, 'the old access token stays dead')
  t.equal((await refresh(stolen.cookie)).statusCode, 401, 'the old cookie stays dead')
  const fresh = await login(user.email, password)
  t.equal((await me(fresh.accessToken)).status, 200, 'the re-enabled user signs in again')
  t.match(JSON.parse((await revocations(user.id))[0].details), { reasons: ['disabled'] })
})

t.test('a rename changes nothing about the sessions', async t => {
  const { user, stolen } = await victim()
  t.equal((await k.request('PATCH', `/api/v1/users/${user.id}`, { token: admin.token, body: { name: 'Renamed' } })).status, 200)
  t.equal((await me(stolen.accessToken)).status, 200)
  t.equal((await refresh(stolen.cookie)).statusCode, 200)
  t.equal((await revocations(user.id)).length, 0)
})
