import t from 'tap'
import { once } from 'node:events'
import { SignJWT } from 'jose'
import WebSocket from 'ws'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import { loadSigningKeys } from '../src/auth/keys.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { jobsFixture } from './helpers/paths.ts'

const ORIGIN = 'https://app.monozu.test'
let k: TestKernel
let base: string
let acme: Tenant
let globex: Tenant
let acmeAdmin: { token: string, user: { id: string } }
let globexAdmin: { token: string }

t.before(async () => {
  k = await startTestKernel({ plugins: [jobsFixture], config: { adminPanelEnabled: true, allowedOrigins: [ORIGIN], wsRecheckSeconds: 1 } })
  const address = await k.app.listen({ port: 0, host: '127.0.0.1' })
  base = address.replace('http', 'ws')
  acme = await k.createTenant({ slug: 'ws-acme' })
  globex = await k.createTenant({ slug: 'ws-globex' })
  acmeAdmin = await k.signIn(acme, ['tenant-admin'])
  globexAdmin = await k.signIn(globex, ['tenant-admin'])
})
t.teardown(() => k?.close())
t.comment(`bus: ${process.env.REDIS_URL ? 'Redis' : 'in-process'}`)

interface Client { ws: WebSocket, messages: Array<Record<string, any>>, closed: Promise<{ code: number, reason: string }> }

/** Opens a socket; resolves once open, or rejects with the HTTP status of a refused upgrade. */
function connect (channel: string, token: string | undefined, origin: string | undefined = ORIGIN): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/api/ws/${channel}`, token ? ['bearer', token] : [], origin ? { origin } : {})
    const messages: Client['messages'] = []
    const closed = new Promise<{ code: number, reason: string }>(r => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })))
    ws.on('message', raw => messages.push(JSON.parse(raw.toString())))
    ws.on('open', () => resolve({ ws, messages, closed }))
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', c => { body += c })
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body || '{}') })))
    })
    ws.on('error', err => reject(err))
  })
}

const publish = (token: string, body: Record<string, unknown>) => k.request('POST', '/api/v1/fx-jobs/publish', { token, body })

t.test('events reach the tenant\'s sockets on the channel, and no one else\'s', async t => {
  const mine = await connect('fx-jobs.events', acmeAdmin.token)
  t.equal(mine.ws.protocol, 'bearer', 'the token is not echoed as the subprotocol')
  const theirs = await connect('fx-jobs.events', globexAdmin.token)
  const otherChannel = await connect('fx-jobs.admin', acmeAdmin.token)
  t.equal((await publish(acmeAdmin.token, { event: 'job.done', data: { n: 1 } })).status, 202)
  const event = await waitFor('the event', async () => mine.messages[0])
  t.match(event, { type: 'event', channel: 'fx-jobs.events', event: 'job.done', data: { n: 1 } })
  t.match(event.id, /^[0-9a-f-]{36}$/)
  t.ok(!Number.isNaN(Date.parse(event.ts)))
  await publish(globexAdmin.token, { event: 'globex.only' })
  await waitFor('globex\'s event', async () => theirs.messages[0])
  await new Promise(resolve => setTimeout(resolve, 200))
  t.same(mine.messages.map(m => m.event), ['job.done'], 'acme never sees globex\'s event')
  t.same(theirs.messages.map(m => m.event), ['globex.only'])
  t.same(otherChannel.messages, [], 'another channel of the same tenant stays quiet')
  for (const c of [mine, theirs, otherChannel]) c.ws.close()
})

t.test('refused before the upgrade, as plain HTTP', async t => {
  const member = await k.signIn(acme, ['member'])
  const keys = await loadSigningKeys(k.kernel.config.dataDir)
  const forged = await new SignJWT({ tid: acme.id, roles: ['tenant-admin'], email: 'x', name: 'x' }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(acmeAdmin.user.id).setIssuer('urn:monozu:kernel').setAudience('monozu-api').setJti('f').setExpirationTime('5m').sign(new TextEncoder().encode('guess'))
  const expired = await new SignJWT({ tid: acme.id, roles: ['tenant-admin'], email: 'x', name: 'x' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys.kid })
    .setSubject(acmeAdmin.user.id).setIssuer('urn:monozu:kernel').setAudience('monozu-api').setJti('e').setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(keys.privateKey)
  const op = await k.signInOperator()
  const cases: Array<[string, () => Promise<Client>, number, string]> = [
    ['no token', () => connect('fx-jobs.events', undefined), 401, 'unauthorized'],
    ['forged token', () => connect('fx-jobs.events', forged), 401, 'invalid_token'],
    ['expired token', () => connect('fx-jobs.events', expired), 401, 'token_expired'],
    ['foreign Origin', () => connect('fx-jobs.events', acmeAdmin.token, 'https://evil.example'), 403, 'origin_not_allowed'],
    ['missing permission', () => connect('fx-jobs.admin', member.token), 403, 'forbidden'],
    ['operator (no tenant)', () => connect('fx-jobs.events', op.token), 403, 'forbidden'],
    ['undeclared channel', () => connect('fx-jobs.secret', acmeAdmin.token), 404, 'not_found']
  ]
  for (const [what, attempt, status, code] of cases) {
    const err = await attempt().then(() => undefined, (e: { status?: number, body?: { code?: string } }) => e)
    t.equal(err?.status, status, `${what}: ${status}`)
    t.equal(err?.body?.code, code, `${what}: ${code}`)
  }
  await k.request('PUT', `/api/v1/admin/tenants/${globex.id}/features/fx-jobs`, { token: op.token, body: { enabled: false } })
  const disabled = await connect('fx-jobs.events', globexAdmin.token).then(() => undefined, (e: { status?: number, body?: { code?: string } }) => e)
  t.equal(disabled?.body?.code, 'feature_disabled')
  await k.request('PUT', `/api/v1/admin/tenants/${globex.id}/features/fx-jobs`, { token: op.token, body: { enabled: true } })
})

t.test('re-authentication, expiry (4001) and withdrawn rights (4003)', async t => {
  const client = await connect('fx-jobs.events', acmeAdmin.token)
  client.ws.send(JSON.stringify({ type: 'auth', token: acmeAdmin.token }))
  t.match(await waitFor('auth ack', async () => client.messages.find(m => m.type === 'auth')), { type: 'auth', ok: true })
  const someoneElse = await k.signIn(acme, ['tenant-admin'])
  client.ws.send(JSON.stringify({ type: 'auth', token: someoneElse.token }))
  t.equal((await client.closed).code, 4003, 'another user\'s token closes the socket')

  const keys = await loadSigningKeys(k.kernel.config.dataDir)
  const brief = await new SignJWT({ tid: acme.id, roles: ['tenant-admin'], email: 'x', name: 'x' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys.kid })
    .setSubject(acmeAdmin.user.id).setIssuer('urn:monozu:kernel').setAudience('monozu-api').setJti('b').setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(keys.privateKey)
  const expiring = await connect('fx-jobs.events', brief)
  t.equal((await expiring.closed).code, 4001, 'closes when the token expires without renewal')

  const op = await k.signInOperator()
  const watched = await connect('fx-jobs.events', globexAdmin.token)
  await k.request('PUT', `/api/v1/admin/tenants/${globex.id}/features/fx-jobs`, { token: op.token, body: { enabled: false } })
  t.equal((await watched.closed).code, 4003, 'closes when the feature is switched off')
  await k.request('PUT', `/api/v1/admin/tenants/${globex.id}/features/fx-jobs`, { token: op.token, body: { enabled: true } })
})

t.test('a session ended by its account (password reset) closes its sockets with 4001', async t => {
  const user = await k.signIn(acme, ['tenant-admin'])
  const client = await connect('fx-jobs.events', user.token)
  const bystander = await connect('fx-jobs.events', acmeAdmin.token)
  const reset = await k.request('PATCH', `/api/v1/users/${user.user.id}`, { token: acmeAdmin.token, body: { password: 'a-new-long-passphrase-2026' } })
  t.equal(reset.status, 200)
  t.match(await client.closed, { code: 4001, reason: 'session ended' }, 'the old session\'s socket closes at the next re-check')
  t.equal(bystander.ws.readyState, WebSocket.OPEN, 'other users\' sockets stay open')
  const again = await connect('fx-jobs.events', user.token).then(() => 'opened', (e: { status?: number }) => e.status)
  t.equal(again, 401, 'the old token cannot open a new one either')
  bystander.ws.close()
})

t.test('a client that stops reading is cut off instead of growing memory', async t => {
  const slow = await connect('fx-jobs.events', acmeAdmin.token)
  const raw = (slow.ws as unknown as { _socket: { pause (): void, resume (): void } })._socket
  raw.pause()
  const big = 'x'.repeat(60_000)
  let published = 0
  for (let i = 0; i < 10 && k.kernel.services.hub.count() > 0; i++) {
    await publish(acmeAdmin.token, { event: 'flood', data: big, repeat: 50 })
    published += 50
  }
  t.equal(k.kernel.services.hub.count(), 0, `the server dropped the socket after at most ${published} x 60 KB events`)
  t.ok(published <= 500, 'long before the flood ended')
  raw.resume()
  const { code } = await slow.closed
  t.equal(code, 1006, 'the client sees the connection cut')
})
