import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'

// The attacker fires guesses in parallel, hoping many are checked before any is counted.
// Limits (README): 5 per account and IP, 50 per IP, per 15 minutes.
let k: TestKernel
let tenant: Tenant

t.before(async () => {
  k = await startTestKernel()
  tenant = await k.createTenant({ slug: 'limiter' })
})
t.teardown(() => k?.close())

const login = (email: string, password: string, ip: string) =>
  k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip })
    .then(r => ({ status: r.statusCode, code: r.json().code as string | undefined, retryAfter: r.headers['retry-after'] }))

function tally (results: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1
  return counts
}

t.test('120 parallel wrong passwords for one account: exactly 5 are checked', async t => {
  const { user, password } = await k.createUser(tenant)
  const results = await Promise.all(Array.from({ length: 120 }, (_, i) => login(user.email, `guess-${i}`, '10.9.0.1')))
  t.same(tally(results), { 401: 5, 429: 115 })
  t.ok(results.filter(r => r.status === 429).every(r => r.code === 'too_many_requests' && Number(r.retryAfter) > 0), 'every refusal is too_many_requests with Retry-After')
  const right = await login(user.email, password, '10.9.0.1')
  t.equal(right.status, 429, 'the right password is still refused while locked')
  t.equal((await login(user.email, password, '10.9.0.2')).status, 200, 'another IP is not locked out')
})

t.test('120 parallel guesses over many accounts from one IP: exactly 50 are checked', async t => {
  const results = await Promise.all(Array.from({ length: 120 }, (_, i) => login(`nobody-${i}@limiter.example`, 'guess', '10.9.1.1')))
  t.same(tally(results), { 401: 50, 429: 70 })
})

t.test('a correct password takes its attempt back and starts the account count again', async t => {
  const { user, password } = await k.createUser(tenant)
  const ip = '10.9.2.1'
  for (let i = 0; i < 4; i++) t.equal((await login(user.email, `guess-${i}`, ip)).status, 401)
  t.equal((await login(user.email, password, ip)).status, 200)
  for (let i = 0; i < 5; i++) t.equal((await login(user.email, `again-${i}`, ip)).status, 401, `wrong guess ${i + 1} after the sign-in is checked`)
  t.equal((await login(user.email, password, ip)).status, 429, 'the sixth is not')
  const row = await k.kernel.conn.owner('login_failures').where({ key: `ip:${ip}` }).first()
  t.equal(Number(row.failures), 10, 'the IP counts the 9 wrong guesses and the refused attempt, not the sign-in')
})
