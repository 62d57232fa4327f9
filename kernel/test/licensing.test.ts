import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { generateKeyPair, SignJWT } from 'jose'
import { startTestKernel, testDatabase, type TestKernel } from '../src/testing/internal.ts'
import { issueLicense } from '../src/licensing/license.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { gated, notesAndTags } from './helpers/paths.ts'

let k: TestKernel
let op: { token: string, id: string }
let tenant: Tenant
let admin: { token: string }
let member: { token: string }

t.before(async () => {
  // A license expires on the kernel clock, which the tests move.
  k = await startTestKernel({ plugins: [...notesAndTags, gated], config: { adminPanelEnabled: true }, clock: 'manual' })
  op = await k.signInOperator()
  tenant = await k.createTenant({ slug: 'licensed' })
  admin = await k.signIn(tenant, ['tenant-admin'])
  member = await k.signIn(tenant, ['member'])
})
t.teardown(() => k?.close())

const devKey = () => k.kernel.services.licenseKeys.devSign!
const features = (token: string) => k.request('GET', '/api/v1/me/features', { token }).then(r => r.body)
const ids = (body: { features: Array<{ id: string }> }) => body.features.map(f => f.id).sort()
const putLicense = (tenantId: string, license: string) => k.request('PUT', `/api/v1/admin/tenants/${tenantId}/license`, { token: op.token, body: { license } })
const toggle = (tenantId: string, feature: string, enabled: boolean) => k.request('PUT', `/api/v1/admin/tenants/${tenantId}/features/${feature}`, { token: op.token, body: { enabled } })

t.test('without a license the gated module is invisible and its whole prefix answers 403', async t => {
  const body = await features(admin.token)
  t.same(ids(body), ['fx-notes', 'fx-tags'])
  t.match(body, { tenant: { id: tenant.id, slug: 'licensed' }, user: { roles: ['tenant-admin'] } })
  for (const url of ['/api/v1/fx-gated/items', '/api/v1/fx-gated/no-such-route']) {
    const res = await k.request('GET', url, { token: admin.token })
    t.equal(res.status, 403, url)
    t.equal(res.body.code, 'feature_disabled', `${url}: feature_disabled before routing`)
  }
  t.equal((await toggle(tenant.id, 'gated', true)).body.code, 'not_licensed', 'an operator cannot enable an unlicensed feature')
  t.equal((await toggle(tenant.id, 'gated', true)).status, 409)
})

t.test('a license makes it appear, with its UI entry; roles decide who sees it', async t => {
  const license = await issueLicense(devKey(), { tid: tenant.id, features: ['gated'], seats: 10, days: 30 })
  const res = await putLicense(tenant.id, license)
  t.equal(res.status, 200)
  t.match(res.body, { features: ['gated'], seats: 10 })
  const body = await features(admin.token)
  t.same(ids(body), ['fx-gated', 'fx-notes', 'fx-tags'])
  t.same(body.features.find((f: { id: string }) => f.id === 'fx-gated'), {
    id: 'fx-gated', name: { en: 'Gated (fixture)', pl: 'Licencjonowany (fikstura)' }, version: '2.0.0',
    permissions: ['fx-gated.read', 'fx-gated.admin'],
    ui: { remote: 'fx_gated', remoteEntry: '/ui/fx-gated/remoteEntry.js', exposes: './Module', widgets: null },
    nav: [{ path: '/gated', label: { en: 'Gated', pl: 'Licencjonowane' }, icon: 'lock' }]
  })
  t.same((await features(member.token)).features.find((f: { id: string }) => f.id === 'fx-gated').permissions, ['fx-gated.read'], 'a member holds only the read permission')
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: member.token })).status, 200)
  const audit = await k.kernel.conn.owner('audit_log').where({ action: 'license.installed', tenant_id: tenant.id }).first()
  t.ok(audit, 'license change audited')
})

t.test('an operator toggle takes effect on the next request', async t => {
  t.equal((await toggle(tenant.id, 'gated', false)).status, 200)
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: admin.token })).body.code, 'feature_disabled')
  t.notOk(ids(await features(admin.token)).includes('fx-gated'))
  t.equal((await toggle(tenant.id, 'fx-notes', false)).status, 200, 'plugins without a license feature toggle by id')
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: admin.token })).body.code, 'feature_disabled')
  await toggle(tenant.id, 'fx-notes', true)
  await toggle(tenant.id, 'gated', true)
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: admin.token })).status, 200)
  const audit = await k.kernel.conn.owner('audit_log').where({ tenant_id: tenant.id }).whereIn('action', ['feature.enabled', 'feature.disabled']).count('* as n').first()
  t.equal(Number(audit?.n), 4, 'each toggle audited')
  t.equal((await toggle(tenant.id, 'nonexistent', false)).status, 404)
})

t.test('expired, foreign-signed and misaddressed licenses are refused; expiry needs no restart', async t => {
  const other = await generateKeyPair('ES256')
  const foreign = await issueLicense(other.privateKey, { tid: tenant.id, features: ['gated'], seats: 1, days: 30 })
  const r1 = await putLicense(tenant.id, foreign)
  t.equal(r1.status, 422)
  t.match(r1.body, { code: 'license_invalid', detail: 'The license is not signed by the management key' })
  const expired = await new SignJWT({ tid: tenant.id, features: ['gated'], seats: 1 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt' })
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(devKey())
  t.match((await putLicense(tenant.id, expired)).body, { code: 'license_invalid', detail: 'The license has expired' })
  const elsewhere = await issueLicense(devKey(), { tid: '00000000-0000-4000-8000-000000000001', features: ['gated'], seats: 1, days: 30 })
  t.match((await putLicense(tenant.id, elsewhere)).body, { detail: 'The license was issued for another tenant' })
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: admin.token })).status, 200, 'the installed license still holds')

  const briefExp = Math.floor(Date.now() / 1000) + 2
  const brief = await new SignJWT({ tid: tenant.id, features: ['gated'], seats: 1 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt' })
    .setExpirationTime(briefExp).sign(devKey())
  t.equal((await putLicense(tenant.id, brief)).status, 200)
  await k.clock.set(new Date(briefExp * 1000 - 1))
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: admin.token })).status, 200, 'licensed until the last moment')
  await k.clock.set(new Date(briefExp * 1000))
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: admin.token })).body.code, 'feature_disabled', 'expired without restart')
})

// The race behind a flaky test: a read of the tenant's state that began before a license install
// (a background job, another request) and finished after it was cached, and shared with the
// requests after the install, so the new license was ignored for a whole cache lifetime. The read
// is held half-way by a lock on tenant_features, which the install does not touch. PGlite has one
// connection: there the held read would hold up the install itself.
t.test('a state read in flight during a license install is not what the next request sees', { skip: testDatabase() !== 'postgres' && 'needs PostgreSQL (DATABASE_URL): PGlite runs one statement at a time, so the read cannot be held half-way' }, async t => {
  const late = await k.createTenant()
  const lateAdmin = await k.signIn(late, ['tenant-admin'])
  const features = k.kernel.services.features
  let release: () => void = () => {}
  const held = new Promise<void>(resolve => { release = resolve })
  let locked: () => void = () => {}
  const isLocked = new Promise<void>(resolve => { locked = resolve })
  const holder = k.kernel.conn.owner.transaction(async trx => {
    await trx.raw('lock table tenant_features in access exclusive mode')
    locked()
    await held
  })
  await isLocked
  const stale = features.isEnabled(late.id, 'fx-gated')
  // Let the read reach the lock (its licenses half has then answered: no license).
  await sleep(200)
  await features.installLicense(late.id, await issueLicense(devKey(), { tid: late.id, features: ['gated'], seats: 1, days: 30 }), { actor: 'test' })
  const after = features.isEnabled(late.id, 'fx-gated')
  release()
  await holder
  t.equal(await stale, false, 'the read that began before the install answers the old state')
  t.equal(await after, true, 'a read after the install does not share the stale one')
  t.equal((await k.request('GET', '/api/v1/fx-gated/items', { token: lateAdmin.token })).status, 200, 'nor is the stale state cached')
})

t.test('operator endpoints: operators only, every call audited', async t => {
  const list = await k.request('GET', '/api/v1/admin/tenants?limit=200', { token: op.token })
  t.equal(list.status, 200)
  t.ok(list.body.items.some((x: { slug: string }) => x.slug === 'licensed'))
  t.equal((await k.request('GET', '/api/v1/admin/tenants', { token: admin.token })).body.code, 'forbidden', 'a tenant admin is not an operator')
  t.equal((await k.request('GET', '/api/v1/admin/tenants')).status, 401)
  const created = await k.request('POST', '/api/v1/admin/tenants', { token: op.token, body: { name: 'Umbrella', slug: 'umbrella', admin: { email: 'alice@umbrella.example' } } })
  t.equal(created.status, 201)
  t.match(created.body, { tenant: { slug: 'umbrella', status: 'active' }, invitation: { email: 'alice@umbrella.example' } })
  const users = await k.request('GET', `/api/v1/admin/users?tenant=${created.body.tenant.id}`, { token: op.token })
  t.same(users.body.items.map((u: { email: string }) => u.email), ['alice@umbrella.example'], 'cross-tenant user read')
  const all = await k.request('GET', '/api/v1/admin/users?limit=200', { token: op.token })
  t.ok(new Set(all.body.items.map((u: { tenantId: string }) => u.tenantId)).size >= 2, 'operators see users of several tenants')
  const audited = await k.kernel.conn.owner('audit_log').where({ action: 'admin.request', actor: `operator:${op.id}` }).select('target')
  t.ok(audited.some(a => a.target === 'GET /api/v1/admin/users'), 'reads are audited too')
  t.ok(audited.some(a => a.target === 'POST /api/v1/admin/tenants'))
})

t.test('suspending a tenant stops its tokens and sessions at once', async t => {
  const victim = await k.createTenant()
  const user = await k.signIn(victim, ['tenant-admin'])
  t.equal((await k.request('GET', '/api/v1/me', { token: user.token })).status, 200)
  const res = await k.request('PATCH', `/api/v1/admin/tenants/${victim.id}`, { token: op.token, body: { status: 'suspended' } })
  t.equal(res.body.status, 'suspended')
  t.equal((await k.request('GET', '/api/v1/me', { token: user.token })).body.code, 'tenant_suspended')
  const open = await k.kernel.conn.owner('refresh_tokens').where({ subject_tenant: victim.id }).whereNull('revoked_at').count('* as n').first()
  t.equal(Number(open?.n), 0, 'every session of the tenant is revoked')
  await k.request('PATCH', `/api/v1/admin/tenants/${victim.id}`, { token: op.token, body: { status: 'active' } })
  t.equal((await k.request('GET', '/api/v1/me', { token: user.token })).status, 200, 'reactivated')
})

t.test('the admin panel is absent unless ADMIN_PANEL_ENABLED', async t => {
  const plain = await startTestKernel({})
  t.teardown(() => plain.close())
  const operator = await plain.signInOperator()
  const res = await plain.request('GET', '/api/v1/admin/tenants', { token: operator.token })
  t.equal(res.status, 404)
  t.equal(res.body.code, 'not_found')
})
