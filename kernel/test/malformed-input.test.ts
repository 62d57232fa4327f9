import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { decodeCursor, encodeCursor } from '../src/http/pagination.ts'
import { findNul } from '../src/http/input.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'

// Input that once reached SQL and came back as a 500 with the SQL error in the log. Each must be
// a 400 (401 for a session cookie) problem+json with a code, and nothing logged at error level.

const ORIGIN = 'https://app.malformed.test'
const errors: string[] = []
let k: TestKernel
let tenant: Tenant
let admin: string

t.before(async () => {
  k = await startTestKernel({
    config: { allowedOrigins: [ORIGIN] },
    log: { level: 'error', stream: { write: (line: string) => { if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line) } } }
  })
  tenant = await k.createTenant()
  admin = (await k.signIn(tenant, ['tenant-admin'])).token
})
t.teardown(() => k?.close())

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

function problem (t: Test, res: { status: number, headers: Record<string, unknown>, body: any }, status: number, code: string, what: string) {
  t.equal(res.status, status, `${what}: ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, `${what}: problem+json`)
  t.equal(res.body?.code, code, `${what}: ${code}`)
}

t.test('a NUL character anywhere in the input is a 400 that says where', async t => {
  const { user } = await k.createUser(tenant, { password: 'correct horse battery' })
  const login = await k.request('POST', '/api/v1/auth/login', { body: { email: `${user.email}\u0000`, password: 'x' } })
  problem(t, login, 400, 'validation_failed', 'login email')
  t.match(login.body.errors, [{ in: 'body', pointer: '/email' }])

  const query = await k.request('GET', '/api/v1/audit?action=user%00.created', { token: admin })
  problem(t, query, 400, 'validation_failed', 'query string')
  t.match(query.body.errors, [{ in: 'querystring', pointer: '/action' }])

  const params = await k.request('PATCH', `/api/v1/users/${randomUUID().slice(0, 35)}%00`, { token: admin, body: { name: 'x' } })
  problem(t, params, 400, 'validation_failed', 'path parameter')
  t.match(params.body.errors, [{ in: 'params', pointer: '/id' }])

  const nested = await k.request('POST', '/api/v1/users', { token: admin, body: { email: 'n@example.com', name: 'N', x: { 'y/z': [1, 'a\u0000'] } } })
  problem(t, nested, 400, 'validation_failed', 'nested body string')
  t.match(nested.body.errors, [{ in: 'body', pointer: '/x/y~1z/1' }])

  const text = await k.request('POST', '/api/v1/auth/login', { body: 'a\u0000b', headers: { 'content-type': 'text/plain' } })
  problem(t, text, 400, 'validation_failed', 'a text body with a NUL byte')
  t.equal(text.body.detail, 'body: must not contain the NUL character (U+0000)')

  t.equal(findNul({ a: [{ b: 'ok' }], c: 1, d: null }), null)
  t.equal(findNul({ 'k\u0000': 1 }), '/k\u0000', 'keys are checked too')
})

t.test('cursors are checked field by field against their kind', async t => {
  const shape = { at: 'date', id: 'uuid', seq: 'integer', n: 'number', s: 'string' } as const
  const good = { at: '2024-02-29T23:59:59.999Z', id: randomUUID(), seq: '9223372036854775807', n: -1.5, s: 'anything' }
  t.same(decodeCursor(encodeCursor(good), shape), good, 'a cursor encodeCursor wrote comes back')
  t.same(decodeCursor(encodeCursor({ ...good, at: '2024-02-29T23:59:59+02:00' }), shape)?.at, '2024-02-29T23:59:59+02:00', 'any RFC 3339 offset')
  t.equal(decodeCursor(undefined, shape), undefined)
  const bad: Array<[string, unknown]> = [
    ['id not a UUID', { ...good, id: 'not-a-uuid' }],
    ['impossible day', { ...good, at: '2023-02-29T00:00:00.000Z' }],
    ['year 0000', { ...good, at: '0000-01-01T00:00:00.000Z' }],
    ['six-digit year', { ...good, at: '+275760-09-13T00:00:00.000Z' }],
    ['not a date', { ...good, at: 'yesterday' }],
    ['hour 24', { ...good, at: '2024-01-01T24:00:00Z' }],
    ['bigint overflow', { ...good, seq: '9223372036854775808' }],
    ['integer as float', { ...good, seq: '1.5' }],
    ['number as string', { ...good, n: '1' }],
    ['infinite number', { ...good, n: 'Infinity' }],
    ['NUL in string', { ...good, s: 'a\u0000' }],
    ['overlong string', { ...good, s: 'x'.repeat(501) }],
    ['missing field', { at: good.at, id: good.id, seq: good.seq, n: good.n }],
    ['extra field', { ...good, more: 1 }],
    ['an array', [good]],
    ['null', null]
  ]
  for (const [what, key] of bad) t.throws(() => decodeCursor(b64(key), shape), { code: 'validation_failed' }, what)
  t.throws(() => decodeCursor('%%%', shape), { code: 'validation_failed' }, 'not base64url JSON')

  const users = await k.request('GET', `/api/v1/users?cursor=${b64({ email: 'a@example.com', id: 'not-a-uuid' })}`, { token: admin })
  problem(t, users, 400, 'validation_failed', 'users list with a forged id')
  const audit = await k.request('GET', `/api/v1/audit?cursor=${b64({ at: '2024-13-45T99:00:00Z', id: randomUUID() })}`, { token: admin })
  problem(t, audit, 400, 'validation_failed', 'audit list with an impossible date')
  const jobs = await k.request('GET', `/api/v1/jobs?cursor=${b64({ createdAt: '0000-01-01T00:00:00.000Z', id: randomUUID() })}`, { token: admin })
  problem(t, jobs, 400, 'validation_failed', 'jobs list with year 0000')
})

t.test('a date-time in year 0000 is refused by the schema', async t => {
  problem(t, await k.request('GET', '/api/v1/audit?from=0000-01-01T00:00:00Z', { token: admin }), 400, 'validation_failed', 'from')
  t.equal((await k.request('GET', '/api/v1/audit?from=0001-01-01T00:00:00Z', { token: admin })).status, 200, 'year 0001 is a date')
})

t.test('a malformed refresh cookie is a 401 refresh_token_invalid; sign-out ignores it', async t => {
  const browser = { 'x-requested-with': 'monozu', origin: ORIGIN }
  for (const value of [`${'-'.repeat(36)}.${'A'.repeat(43)}`, `${'0'.repeat(36)}.${'A'.repeat(43)}`, `${randomUUID().toUpperCase()}.${'A'.repeat(43)}`, '%00', '%E0%A4%A', 'x'.repeat(4000)]) {
    const cookie = `__Host-monozu_rt=${value}`
    problem(t, await k.request('POST', '/api/v1/auth/refresh', { headers: { ...browser, cookie } }), 401, 'refresh_token_invalid', `refresh with ${value.slice(0, 40)}`)
    t.equal((await k.request('POST', '/api/v1/auth/logout', { headers: { ...browser, cookie } })).status, 204, `logout with ${value.slice(0, 40)}`)
  }
})

t.test('a URL the router cannot read is a 400 problem', async t => {
  problem(t, await k.request('PATCH', '/api/v1/users/%E0%A4%A', { token: admin, body: { name: 'x' } }), 400, 'validation_failed', 'bad percent-encoding')
  problem(t, await k.request('PATCH', `/api/v1/users/${'x'.repeat(500)}`, { token: admin, body: { name: 'x' } }), 400, 'validation_failed', 'overlong parameter')
})

t.test('none of it was logged as an error', async t => {
  t.same(errors.map(l => l.slice(0, 300)), [])
})
