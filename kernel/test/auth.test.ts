import t from 'tap'
import { SignJWT, generateKeyPair } from 'jose'
import { createHmac } from 'node:crypto'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { loadSigningKeys } from '../src/auth/keys.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { notesAndTags } from './helpers/paths.ts'

let k: TestKernel
let acme: Tenant
let globex: Tenant

t.before(async () => {
  k = await startTestKernel({ plugins: notesAndTags })
  acme = await k.createTenant({ slug: 'acme', name: 'Acme' })
  globex = await k.createTenant({ slug: 'globex', name: 'Globex' })
})
t.teardown(() => k?.close())

const login = (body: Record<string, unknown>, ip = '10.0.0.1') =>
  k.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress: ip }).then(r => ({ status: r.statusCode, body: r.json(), headers: r.headers }))

t.test('sign-in with email and password', async t => {
  const { user, password } = await k.createUser(acme, { roles: ['tenant-admin'], email: 'Boss@Acme.example' })
  const res = await login({ email: 'BOSS@acme.example', password })
  t.equal(res.status, 200)
  t.match(res.body, { tokenType: 'Bearer', expiresIn: 600, user: { id: user.id, email: 'boss@acme.example', name: 'Test User' }, tenant: { id: acme.id, slug: 'acme', name: 'Acme' } })
  const [header, payload] = res.body.accessToken.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()))
  t.match(header, { alg: 'ES256', typ: 'at+jwt' })
  t.match(payload, { sub: user.id, tid: acme.id, roles: ['tenant-admin'], aud: 'monozu-api', iss: 'urn:monozu:kernel' })
  t.equal(payload.exp - payload.iat, 600)
  const jwks = await k.request('GET', '/.well-known/jwks.json')
  t.ok(jwks.body.keys.some((key: { kid: string, kty: string, d?: string }) => key.kid === header.kid && key.kty === 'EC' && key.d === undefined), 'JWKS publishes the public key only')
  const me = await k.request('GET', '/api/v1/me', { token: res.body.accessToken })
  t.equal(me.status, 200)
  t.same(me.body.roles, ['tenant-admin'])
  t.ok(me.body.permissions.includes('users.manage') && me.body.permissions.includes('fx-notes.write'))
})

t.test('wrong email and wrong password look the same', async t => {
  const { user } = await k.createUser(acme, { email: 'same@acme.example' })
  const wrongPassword = await login({ email: user.email, password: 'not-the-password' }, '10.0.0.2')
  const wrongEmail = await login({ email: 'nobody@acme.example', password: 'not-the-password' }, '10.0.0.2')
  t.equal(wrongPassword.status, 401)
  t.equal(wrongEmail.status, 401)
  t.equal(wrongPassword.body.code, 'invalid_credentials')
  t.equal(wrongPassword.headers['content-type'], 'application/problem+json; charset=utf-8')
  const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined })
  t.same(strip(wrongPassword.body), strip(wrongEmail.body), 'identical bodies')
})

t.test('repeated failures per IP and email give 429 with Retry-After', async t => {
  const { user, password } = await k.createUser(acme, { email: 'target@acme.example' })
  for (let i = 0; i < 5; i++) t.equal((await login({ email: user.email, password: `guess-${i}` }, '10.0.0.3')).status, 401)
  const locked = await login({ email: user.email, password }, '10.0.0.3')
  t.equal(locked.status, 429, 'even the right password is refused while locked')
  t.equal(locked.body.code, 'too_many_requests')
  t.ok(Number(locked.headers['retry-after']) > 800 && Number(locked.headers['retry-after']) <= 900, `Retry-After ${locked.headers['retry-after']}`)
  t.equal((await login({ email: user.email, password }, '10.0.0.4')).status, 200, 'another IP is not locked out')
})

t.test('suspended tenants and disabled accounts', async t => {
  const tenant = await k.createTenant()
  const { user, password } = await k.createUser(tenant, { roles: ['tenant-admin'] })
  const token = await k.login(user.email, password)
  await k.kernel.tenancy.setTenantStatus(tenant.id, 'suspended')
  t.equal((await login({ email: user.email, password }, '10.0.0.5')).body.code, 'tenant_suspended', 'cannot sign in')
  const res = await k.request('GET', '/api/v1/me', { token })
  t.equal(res.status, 403)
  t.equal(res.body.code, 'tenant_suspended', 'an issued token stops working')
})

t.test('forged, expired and foreign tokens are refused', async t => {
  const { user } = await k.createUser(acme, { roles: ['tenant-admin'] })
  const keys = await loadSigningKeys(k.kernel.config.dataDir)
  const claims = { tid: acme.id, roles: ['tenant-admin'], email: user.email, name: user.name }
  const sign = (opts: { key?: Parameters<SignJWT['sign']>[0], alg?: string, iss?: string, aud?: string, exp?: number | string, typ?: string } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'ES256', typ: opts.typ ?? 'at+jwt', kid: keys.kid })
      .setSubject(user.id).setIssuer(opts.iss ?? 'urn:monozu:kernel').setAudience(opts.aud ?? 'monozu-api')
      .setIssuedAt().setJti(crypto.randomUUID()).setExpirationTime(opts.exp ?? '5m').sign(opts.key ?? keys.privateKey)
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims, sub: user.id, iss: 'urn:monozu:kernel', aud: 'monozu-api', exp: now + 300, jti: 'x' })}.`
  const publicPem = JSON.stringify(keys.jwks.keys[0])
  const hsWithPublic = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: keys.kid })}.${b64({ ...claims, sub: user.id, iss: 'urn:monozu:kernel', aud: 'monozu-api', exp: now + 300, jti: 'y' })}`
  const hsToken = `${hsWithPublic}.${createHmac('sha256', publicPem).update(hsWithPublic).digest('base64url')}`
  const other = await generateKeyPair('ES256')

  const cases: Array<[string, string | undefined, number, string]> = [
    ['no token', undefined, 401, 'unauthorized'],
    ['not a bearer JWT', 'Basic Zm9vOmJhcg==', 401, 'invalid_token'],
    ['garbage', 'Bearer a.b.c', 401, 'invalid_token'],
    ['alg none', `Bearer ${unsigned}`, 401, 'invalid_token'],
    ['HS256 signed with the public key', `Bearer ${hsToken}`, 401, 'invalid_token'],
    ['signed by another key', `Bearer ${await sign({ key: other.privateKey })}`, 401, 'invalid_token'],
    ['expired', `Bearer ${await sign({ exp: now - 60 })}`, 401, 'token_expired'],
    ['wrong issuer', `Bearer ${await sign({ iss: 'https://evil.example' })}`, 401, 'invalid_token'],
    ['wrong audience', `Bearer ${await sign({ aud: 'other-api' })}`, 401, 'invalid_token'],
    ['wrong typ (an ID token)', `Bearer ${await sign({ typ: 'JWT' })}`, 401, 'invalid_token']
  ]
  for (const [what, authorization, status, code] of cases) {
    const res = await k.app.inject({ method: 'GET', url: '/api/v1/me', headers: authorization ? { authorization } : {} })
    t.equal(res.statusCode, status, `${what}: ${status}`)
    t.equal(res.json().code, code, `${what}: ${code}`)
  }
  t.equal((await k.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${await sign()}` } })).statusCode, 200, 'the same claims, properly signed, pass')
})

t.test('roles: members cannot use tenant-admin routes; tenants cannot reach each other', async t => {
  const member = await k.signIn(acme, ['member'])
  const res = await k.request('GET', '/api/v1/users', { token: member.token })
  t.equal(res.status, 403)
  t.equal(res.body.code, 'forbidden')
  const write = await k.request('POST', '/api/v1/fx-notes/notes', { token: member.token, body: { title: 'x' } })
  t.equal(write.status, 403, 'members get *.read only')
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: member.token })).status, 200)
  const globexAdmin = await k.signIn(globex, ['tenant-admin'])
  const patch = await k.request('PATCH', `/api/v1/users/${member.user.id}`, { token: globexAdmin.token, body: { roles: ['tenant-admin'] } })
  t.equal(patch.status, 404, 'another tenant\'s user does not exist for you')
})

t.test('tenant admins manage their users', async t => {
  const tenant = await k.createTenant()
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const created = await k.request('POST', '/api/v1/users', { token: admin.token, body: { email: 'new@t.example', name: 'New Person', password: 'long-enough-pw' } })
  t.equal(created.status, 201)
  t.match(created.body, { email: 'new@t.example', roles: ['member'], disabled: false })
  t.equal((await k.request('POST', '/api/v1/users', { token: admin.token, body: { email: 'new@t.example', name: 'Again' } })).body.code, 'conflict')
  const bad = await k.request('POST', '/api/v1/users', { token: admin.token, body: { email: 'not-an-email', name: 'X', role: 'admin' } })
  t.equal(bad.status, 400)
  t.equal(bad.body.code, 'validation_failed')
  t.match([...bad.body.errors].sort((a: { pointer: string }, b: { pointer: string }) => a.pointer.localeCompare(b.pointer)), [{ in: 'body', pointer: '/email' }, { in: 'body', pointer: '/role', message: 'unknown field "role"' }])

  const promote = await k.request('PATCH', `/api/v1/users/${created.body.id}`, { token: admin.token, body: { roles: ['tenant-admin'] } })
  t.same(promote.body.roles, ['tenant-admin'])
  const audit = await k.kernel.conn.owner('audit_log').where({ action: 'user.roles_changed', tenant_id: tenant.id }).first()
  t.same(JSON.parse(audit.details), { roles: { from: ['member'], to: ['tenant-admin'] } }, 'role change audited')

  const newToken = await k.login('new@t.example', 'long-enough-pw')
  t.equal((await k.request('PATCH', `/api/v1/users/${admin.user.id}`, { token: newToken, body: { disabled: true } })).status, 200)
  const disabled = await k.request('GET', '/api/v1/me', { token: admin.token })
  t.equal(disabled.status, 401, 'a disabled user\'s token stops working: disabling ends their sessions')
  t.equal(disabled.body.code, 'invalid_token')
  const last = await k.request('PATCH', `/api/v1/users/${created.body.id}`, { token: newToken, body: { roles: ['member'] } })
  t.equal(last.status, 409, 'the last active tenant-admin cannot demote themselves')

  for (let i = 0; i < 4; i++) await k.createUser(tenant, { email: `page${i}@t.example` })
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res: { body: { items: Array<{ email: string }>, nextCursor: string | null } } = await k.request('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: newToken })
    t.ok(res.body.items.length <= 2)
    seen.push(...res.body.items.map(u => u.email))
    cursor = res.body.nextCursor
  } while (cursor)
  t.equal(seen.length, 6, 'pages cover every user once')
  t.same(seen, [...seen].sort(), 'in email order')
  t.equal((await k.request('GET', '/api/v1/users?cursor=bogus', { token: newToken })).body.code, 'validation_failed')
  t.equal((await k.request('GET', '/api/v1/users?limit=500', { token: newToken })).status, 400)
})

t.test('one account in two tenants must name the tenant; operators have no tenant', async t => {
  await k.createUser(acme, { email: 'twice@example.com', password: 'shared-password-1' })
  await k.createUser(globex, { email: 'twice@example.com', password: 'shared-password-1' })
  const both = await login({ email: 'twice@example.com', password: 'shared-password-1' }, '10.0.0.9')
  t.equal(both.status, 400)
  t.equal(both.body.code, 'tenant_required')
  t.same(both.body.tenants.sort(), ['acme', 'globex'])
  t.equal((await login({ email: 'twice@example.com', password: 'shared-password-1', tenant: 'globex' }, '10.0.0.9')).body.tenant.slug, 'globex')

  await k.kernel.tenancy.createOperator({ email: 'op@monozu.example', name: 'Op', password: 'operator-password' })
  const op = await login({ email: 'op@monozu.example', password: 'operator-password' }, '10.0.0.9')
  t.equal(op.status, 200)
  t.equal(op.body.tenant, null)
  const me = await k.request('GET', '/api/v1/me', { token: op.body.accessToken })
  t.same(me.body.roles, ['platform-operator'])
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: op.body.accessToken })).status, 403, 'operators do not read tenant data through tenant routes')
})

t.test('HTTP conventions', async t => {
  const admin = await k.signIn(acme, ['tenant-admin'])
  const missing = await k.request('GET', '/api/v1/nope', { token: admin.token })
  t.equal(missing.status, 404)
  t.match(missing.body, { type: 'https://docs.monozu.cloud/problems/not_found', title: 'Not found', status: 404, code: 'not_found', instance: '/api/v1/nope' })
  const broken = await k.request('GET', '/api/v1/fx-notes/broken', { token: admin.token, headers: { 'x-request-id': 'trace-12345678' } })
  t.equal(broken.status, 500)
  t.equal(broken.body.code, 'internal_error')
  t.equal(broken.headers['x-request-id'], 'trace-12345678', 'the request id is echoed')
  t.notMatch(JSON.stringify(broken.body), /secret_column|no_such_table|select|at .*\.ts/, 'no SQL or stack in the body')
  const json = await k.request('POST', '/api/v1/fx-notes/notes', { token: admin.token, body: '{"title":', headers: { 'content-type': 'application/json' } })
  t.equal(json.status, 400)
  t.equal(json.body.code, 'bad_request')
  const docs = await k.request('GET', '/api/docs/json')
  t.equal(docs.status, 200)
  for (const path of ['/api/v1/auth/login', '/api/v1/me', '/api/v1/users', '/api/v1/users/{id}', '/api/v1/fx-notes/notes', '/api/v1/fx-tags/summary']) {
    t.ok(docs.body.paths[path], `OpenAPI documents ${path}`)
  }
  t.same(docs.body.paths['/api/v1/fx-notes/notes'].get.tags, ['fx-notes'])
  t.same((await k.request('GET', '/api/v1/fx-tags/summary', { token: admin.token })).body, { notes: 0 }, 'a dependent plugin uses its dependency\'s service')
})
