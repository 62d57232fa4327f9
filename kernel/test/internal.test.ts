import t from 'tap'
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { issueLicense } from '../src/licensing/license.ts'
import { gated } from './helpers/paths.ts'

const TOKEN_OLD = 'internal-token-old-0123456789abcdef-0123'
const TOKEN_NEW = 'internal-token-new-0123456789abcdef-4567'
const SECRET_A = `whsec_${randomBytes(24).toString('base64')}`
const SECRET_B = `whsec_${randomBytes(24).toString('base64')}`
let k: TestKernel

t.before(async () => {
  k = await startTestKernel({ plugins: [gated], config: { internalTokens: [TOKEN_OLD, TOKEN_NEW], licenseWebhookSecrets: [SECRET_A, SECRET_B] } })
})
t.teardown(() => k?.close())

const provision = (body: unknown, token: string | null = TOKEN_NEW) =>
  k.request('POST', '/internal/v1/tenants', { body, headers: token ? { 'x-internal-token': token } : {} })

t.test('X-Internal-Token: required, compared against both rotation secrets', async t => {
  const body = { externalId: 'crm-1', name: 'Hooli', slug: 'hooli', admin: { email: 'gavin@hooli.example', name: 'Gavin' } }
  t.equal((await provision(body, null)).status, 401)
  t.equal((await provision(body, 'internal-token-new-0123456789abcdef-4568')).status, 401, 'one character off')
  const user = await k.signIn(await k.createTenant(), ['tenant-admin'])
  t.equal((await k.request('POST', '/internal/v1/tenants', { token: user.token, body })).status, 401, 'a user\'s bearer token is no internal token')
  const first = await provision(body, TOKEN_OLD)
  t.equal(first.status, 201, 'the old secret still works during rotation')
  t.match(first.body, { created: true, tenant: { slug: 'hooli', externalId: 'crm-1' }, invitation: { email: 'gavin@hooli.example' } })
  t.match(first.body.invitation.acceptUrl, /\/accept-invitation#token=/)

  const again = await provision(body, TOKEN_NEW)
  t.equal(again.status, 200, 'the same external id again is idempotent')
  t.match(again.body, { created: false, tenant: { id: first.body.tenant.id }, invitation: null })
  t.equal((await provision({ ...body, slug: 'hooli-two' })).status, 409, 'an external id cannot move to another slug')
  const count = await k.kernel.conn.owner('tenants').where({ external_id: 'crm-1' }).count('* as n').first()
  t.equal(Number(count?.n), 1)

  const accept = await k.request('POST', '/api/v1/auth/invitations/accept', { body: { token: first.body.invitation.token, password: 'gavin-new-password' } })
  t.equal(accept.status, 200)
  t.match(accept.body, { user: { email: 'gavin@hooli.example' }, tenant: { slug: 'hooli' } })
  t.match(String(accept.headers['set-cookie']), /__Host-monozu_rt=/, 'accepting starts a session')
  t.equal((await k.request('GET', '/api/v1/users', { token: accept.body.accessToken })).status, 200, 'the invited user is the tenant admin')
  t.equal((await k.request('POST', '/api/v1/auth/invitations/accept', { body: { token: first.body.invitation.token, password: 'another-password' } })).status, 404, 'an invitation works once')
  t.equal(await k.login('gavin@hooli.example', 'gavin-new-password').then(() => 'signed in'), 'signed in')
})

function sign (id: string, timestamp: number, raw: string, secret = SECRET_A): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64')}`
}

const deliver = (raw: string, headers: Record<string, string>) =>
  k.app.inject({ method: 'POST', url: '/internal/license/refresh', payload: raw, headers: { 'content-type': 'application/json', ...headers } })
    .then(r => ({ status: r.statusCode, body: r.json() }))

t.test('the license webhook: Standard Webhooks signatures over the raw bytes', async t => {
  const tenant = await k.createTenant()
  const license = await issueLicense(k.kernel.services.licenseKeys.devSign!, { tid: tenant.id, features: ['gated'], seats: 5, days: 30 })
  // Deliberately unusual whitespace: re-serialising the JSON would change the signed bytes.
  const raw = `{ "type":"license.updated",  "tenantId": "${tenant.id}", "license": "${license}" }`
  const now = Math.floor(Date.now() / 1000)
  const id = `msg_${randomBytes(8).toString('hex')}`
  const good = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sign(id, now, raw) }

  const refused: Array<[string, Record<string, string>, string]> = [
    ['no headers', {}, 'webhook-id, webhook-timestamp and webhook-signature are required'],
    ['no signature', { ...good, 'webhook-signature': '' }, 'webhook-id, webhook-timestamp and webhook-signature are required'],
    ['wrong secret', { ...good, 'webhook-signature': sign(id, now, raw, `whsec_${randomBytes(24).toString('base64')}`) }, 'no signature matches'],
    ['truncated signature', { ...good, 'webhook-signature': good['webhook-signature'].slice(0, 20) }, 'no signature matches'],
    ['signed for another id', { ...good, 'webhook-id': 'msg_other' }, 'no signature matches'],
    ['six minutes old', { ...good, 'webhook-timestamp': String(now - 360), 'webhook-signature': sign(id, now - 360, raw) }, 'webhook-timestamp is more than 5 minutes from now'],
    ['six minutes ahead', { ...good, 'webhook-timestamp': String(now + 360), 'webhook-signature': sign(id, now + 360, raw) }, 'webhook-timestamp is more than 5 minutes from now'],
    ['unknown version', { ...good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') }, 'no signature matches']
  ]
  for (const [what, headers, detail] of refused) {
    const res = await deliver(raw, headers)
    t.equal(res.status, 401, what)
    t.match(res.body, { code: 'invalid_signature', detail }, what)
  }
  t.equal((await deliver(JSON.stringify(JSON.parse(raw)), good)).status, 401, 'the same JSON re-serialised is not what was signed')

  const ok = await deliver(raw, { ...good, 'webhook-signature': `v1,${randomBytes(32).toString('base64')} ${good['webhook-signature']}` })
  t.equal(ok.status, 200, 'one matching signature among several passes')
  t.match(ok.body, { received: true, duplicate: false, license: { features: ['gated'], seats: 5 } })
  const replay = await deliver(raw, good)
  t.equal(replay.status, 200)
  t.equal(replay.body.duplicate, true, 'the same webhook-id twice is processed once')
  const installs = await k.kernel.conn.owner('audit_log').where({ action: 'license.installed', tenant_id: tenant.id }).count('* as n').first()
  t.equal(Number(installs?.n), 1)

  const id2 = `msg_${randomBytes(8).toString('hex')}`
  const rotated = await deliver(raw, { 'webhook-id': id2, 'webhook-timestamp': String(now), 'webhook-signature': sign(id2, now, raw, SECRET_B) })
  t.equal(rotated.status, 200, 'the second configured secret is accepted (rotation)')
  const badLicense = raw.replace(license, license.slice(0, -4) + 'AAAA')
  const id3 = `msg_${randomBytes(8).toString('hex')}`
  const invalid = await deliver(badLicense, { 'webhook-id': id3, 'webhook-timestamp': String(now), 'webhook-signature': sign(id3, now, badLicense) })
  t.equal(invalid.status, 422, 'a correctly signed delivery with a bad license is refused')
  t.equal(invalid.body.code, 'license_invalid')
})

t.test('parallel copies of one delivery are processed once; a failed one can be retried', async t => {
  const now = Math.floor(Date.now() / 1000)
  const signed = async (tenantId: string) => {
    const license = await issueLicense(k.kernel.services.licenseKeys.devSign!, { tid: tenantId, features: ['gated'], seats: 7, days: 30 })
    const raw = JSON.stringify({ type: 'license.updated', tenantId, license })
    const id = `msg_${randomBytes(8).toString('hex')}`
    return { raw, headers: { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sign(id, now, raw) } }
  }
  const installs = async (tenantId: string) => Number((await k.kernel.conn.owner('audit_log').where({ action: 'license.installed', tenant_id: tenantId }).count('* as n').first())?.n)

  for (const copies of [4, 20]) {
    const tenant = await k.createTenant()
    const { raw, headers } = await signed(tenant.id)
    const results = await Promise.all(Array.from({ length: copies }, () => deliver(raw, headers)))
    t.ok(results.every(r => r.status === 200), `${copies} copies: every one answered 200`)
    t.equal(results.filter(r => r.body.duplicate === false).length, 1, `${copies} copies: exactly one processed`)
    t.equal(results.filter(r => r.body.duplicate === true && r.body.license === undefined).length, copies - 1, `${copies} copies: the others are replays`)
    t.equal(await installs(tenant.id), 1, `${copies} copies: the license was installed once`)
    t.equal((await deliver(raw, headers)).body.duplicate, true, 'a later copy is a replay too')
  }

  // Management pushes a license for a tenant this cloud has not provisioned yet: refused, and
  // the same delivery goes through once the tenant exists.
  const early = randomUUID()
  const { raw, headers } = await signed(early)
  const refused = await deliver(raw, headers)
  t.equal(refused.status, 404)
  t.equal(await k.kernel.conn.owner('webhook_deliveries').where({ id: headers['webhook-id'] }).first(), undefined, 'the failed delivery released its claim')
  await k.kernel.conn.owner('tenants').insert({ id: early, slug: `early-${early.slice(0, 8)}`, name: 'Early', status: 'active' })
  const retried = await deliver(raw, headers)
  t.equal(retried.status, 200, 'the retry of the failed delivery is processed')
  t.equal(retried.body.duplicate, false)
  t.match(retried.body.license, { seats: 7 })
  t.equal(await installs(early), 1)
})

t.test('machine routes are off when not configured', async t => {
  const plain = await startTestKernel({})
  t.teardown(() => plain.close())
  t.equal((await plain.request('POST', '/internal/v1/tenants', { body: {}, headers: { 'x-internal-token': TOKEN_NEW } })).status, 404)
  t.equal((await plain.app.inject({ method: 'POST', url: '/internal/license/refresh', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode, 404)
})
