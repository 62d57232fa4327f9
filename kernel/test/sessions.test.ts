import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'

const ORIGIN = 'https://app.monozu.test'
let k: TestKernel
let tenant: Tenant

t.before(async () => {
  // Sessions expire and the race grace ends on the kernel clock, which the tests move.
  k = await startTestKernel({ clock: 'manual', config: { allowedOrigins: [ORIGIN], refreshRaceGraceSeconds: 1, refreshAbsoluteSeconds: 300, refreshIdleSeconds: 600 } })
  tenant = await k.createTenant({ slug: 'sessions' })
})
t.teardown(() => k?.close())

interface Cookie { value: string, attributes: Record<string, string | true> }

function sessionCookie (res: { headers: Record<string, unknown> }): Cookie | undefined {
  const header = res.headers['set-cookie']
  const all = (Array.isArray(header) ? header : header ? [header] : []) as string[]
  const raw = all.find(c => c.startsWith('__Host-monozu_rt='))
  if (!raw) return undefined
  const [pair, ...attrs] = raw.split(';').map(s => s.trim())
  const attributes: Record<string, string | true> = {}
  for (const a of attrs) {
    const [name, ...rest] = a.split('=')
    attributes[(name as string).toLowerCase()] = rest.length ? rest.join('=') : true
  }
  return { value: (pair as string).slice('__Host-monozu_rt='.length), attributes }
}

async function signIn () {
  const { user, password } = await k.createUser(tenant, { roles: ['tenant-admin'] })
  const res = await k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } })
  return { user, res, cookie: sessionCookie(res) as Cookie }
}

const refresh = (cookie?: string, headers: Record<string, string> = { 'x-requested-with': 'monozu', origin: ORIGIN }) =>
  k.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { ...headers, ...(cookie ? { cookie: `__Host-monozu_rt=${cookie}` } : {}) } })

t.test('sign-in sets the refresh cookie with exactly the safe attributes', async t => {
  const { res, cookie } = await signIn()
  t.equal(res.statusCode, 200)
  t.ok(cookie, 'cookie set')
  t.match(cookie.value, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/)
  t.same(Object.keys(cookie.attributes).sort(), ['expires', 'httponly', 'path', 'samesite', 'secure'])
  t.equal(cookie.attributes.httponly, true)
  t.equal(cookie.attributes.secure, true)
  t.equal(cookie.attributes.samesite, 'Strict')
  t.equal(cookie.attributes.path, '/')
  t.notOk('domain' in cookie.attributes, 'no Domain: a __Host- cookie stays on this host')
  t.notMatch(res.body, cookie.value, 'the refresh token is never in the body')
})

t.test('refresh needs the CSRF header, an allowed Origin and a cookie', async t => {
  const { cookie } = await signIn()
  const noHeader = await refresh(cookie.value, { origin: ORIGIN })
  t.equal(noHeader.statusCode, 403)
  t.equal(noHeader.json().code, 'origin_not_allowed')
  const evil = await refresh(cookie.value, { 'x-requested-with': 'monozu', origin: 'https://evil.example' })
  t.equal(evil.json().code, 'origin_not_allowed')
  const noOrigin = await refresh(cookie.value, { 'x-requested-with': 'monozu' })
  t.equal(noOrigin.statusCode, 403)
  const none = await refresh()
  t.equal(none.statusCode, 204, 'no cookie at all: signed out, not an error (the shell asks on every page load)')
  t.equal(none.body, '')
  const other = await refresh(undefined, { 'x-requested-with': 'monozu', origin: ORIGIN, cookie: 'theme=dark' })
  t.equal(other.statusCode, 204, 'other cookies only: the same')
  t.equal((await refresh(undefined, { origin: ORIGIN })).statusCode, 403, 'the CSRF header is still checked first')
  const empty = await refresh(undefined, { 'x-requested-with': 'monozu', origin: ORIGIN, cookie: '__Host-monozu_rt=' })
  t.equal(empty.statusCode, 401, 'an empty session cookie is a bad one')
  t.equal(empty.json().code, 'refresh_token_invalid')
  const forged = await refresh(`${cookie.value.split('.')[0]}.${'A'.repeat(43)}`)
  t.equal(forged.json().code, 'refresh_token_invalid', 'right id, wrong secret')
  t.equal((await refresh(cookie.value)).statusCode, 200, 'the cookie still works after the refused attempts')
})

t.test('refresh rotates the cookie and returns a working access token', async t => {
  const { user, cookie } = await signIn()
  const res = await refresh(cookie.value)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { tokenType: 'Bearer', expiresIn: 600, user: { id: user.id }, tenant: { id: tenant.id } })
  const next = sessionCookie(res) as Cookie
  t.not(next.value, cookie.value, 'a new refresh token')
  t.equal((await k.request('GET', '/api/v1/me', { token: body.accessToken })).status, 200)
  t.ok(new Date(next.attributes.expires as string).getTime() <= k.clock.now().getTime() + 300_000, 'rotation never extends past the absolute lifetime')
})

t.test('reusing a rotated token revokes the whole family', async t => {
  const { cookie } = await signIn()
  const first = await refresh(cookie.value)
  const newest = sessionCookie(first) as Cookie
  await k.clock.advance(1001) // past the race grace: this is a replay, not a second tab
  const replay = await refresh(cookie.value)
  t.equal(replay.statusCode, 401)
  t.equal(replay.json().code, 'refresh_token_reused')
  t.match(String(replay.headers['set-cookie']), /__Host-monozu_rt=;/, 'the cookie is cleared')
  const after = await refresh(newest.value)
  t.equal(after.statusCode, 401, 'the newest token of the family fails too')
  t.equal(after.json().code, 'refresh_token_invalid')
  const audit = await k.kernel.conn.owner('audit_log').where({ action: 'auth.refresh_reused', tenant_id: tenant.id }).first()
  t.ok(audit, 'reuse is audited')
})

t.test('two refreshes racing with one token: one wins, one gets 401, the family survives', async t => {
  const { cookie } = await signIn()
  const [a, b] = await Promise.all([refresh(cookie.value), refresh(cookie.value)])
  const codes = [a, b].map(r => r.statusCode).sort()
  t.same(codes, [200, 401])
  const loser = a.statusCode === 401 ? a : b
  const winner = a.statusCode === 200 ? a : b
  t.equal(loser.json().code, 'refresh_conflict')
  t.notOk(sessionCookie(loser), 'the loser does not clear the cookie the winner set')
  const next = await refresh((sessionCookie(winner) as Cookie).value)
  t.equal(next.statusCode, 200, 'the family survives: the winner\'s token refreshes')
})

t.test('idle expiry, sign-out and suspension end sessions', async t => {
  const idle = await signIn()
  await k.kernel.conn.owner('refresh_tokens').where({ id: idle.cookie.value.split('.')[0] }).update({ expires_at: new Date(k.clock.now().getTime() - 1000) })
  t.equal((await refresh(idle.cookie.value)).json().code, 'refresh_token_invalid', 'an idle-expired token is refused')

  const { cookie } = await signIn()
  const out = await k.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-requested-with': 'monozu', origin: ORIGIN, cookie: `__Host-monozu_rt=${cookie.value}` } })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /__Host-monozu_rt=;.*Expires=Thu, 01 Jan 1970/, 'cookie cleared')
  t.equal((await refresh(cookie.value)).statusCode, 401, 'the session is gone')

  const other = await k.createTenant()
  const { user, password } = await k.createUser(other, { roles: ['member'] })
  const login = await k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } })
  await k.kernel.tenancy.setTenantStatus(other.id, 'suspended')
  const suspended = await refresh((sessionCookie(login) as Cookie).value)
  t.equal(suspended.statusCode, 403)
  t.equal(suspended.json().code, 'tenant_suspended')
})
