// Two real processes: the cloud and management, each on its own database, wired like
// `npm run start:platform`. "The cloud down" is a relay in front of it that refuses connections
// (each process keeps an in-memory database, so a real restart would lose the cloud's). Provisioning, license issue and propagation, suspend/resume, delete
// with export and purge, the cloud down during a license change, and the attacker's side.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { SignJWT, generateKeyPair } from 'jose'
import { startPlatform, until } from './helpers/platform.ts'

const p = await startPlatform({ graceDays: 0 })
t.teardown(() => p.close())

const tenantOf = async (id: string) => (await p.mgmt('GET', `/tenants/${id}`)).body
const cloudTenant = async (cloudId: string) => (await p.internal('GET', `/internal/v1/tenants/${cloudId}`)).body
const deliveries = async (id: string) => (await p.mgmt('GET', `/tenants/${id}/deliveries`)).body.items as Array<{ id: string, status: string, attempts: number, lastStatus: number | null, attemptLog: unknown[] }>

let hooli: { id: string, cloudId: string }

t.test('a plan, then a tenant: provisioned on the cloud, its first license delivered', async t => {
  t.equal((await p.mgmt('POST', '/plans', { key: 'pro', name: 'Pro', features: ['gated'], seats: 5, devices: 10, days: 30 })).status, 201)
  t.equal((await p.mgmt('POST', '/plans', { key: 'pro', name: 'Again', features: [], seats: 1, days: 1 })).body.code, 'management_plan_exists')
  t.equal((await p.mgmt('POST', '/tenants', { name: 'Hooli', slug: 'hooli', adminEmail: 'gavin@hooli.example', plan: 'nope' })).status, 400, 'an unknown plan is refused')
  const created = await p.mgmt('POST', '/tenants', { name: 'Hooli', slug: 'hooli', adminEmail: 'gavin@hooli.example', plan: 'pro' })
  t.equal(created.status, 202)
  t.equal(created.body.status, 'provisioning')
  t.equal((await p.mgmt('POST', '/tenants', { name: 'Hooli 2', slug: 'hooli', adminEmail: 'x@hooli.example' })).body.code, 'management_slug_taken')
  const active = await until('provisioned', async () => { const x = await tenantOf(created.body.id); return x.status === 'active' && x.cloudId ? x : null })
  hooli = { id: active.id, cloudId: active.cloudId }
  t.match(active.inviteUrl, /accept-invitation#token=/, 'the first admin\'s invitation link is kept for staff')
  t.equal(active.plan, 'pro')
  const delivered = await until('license delivered', async () => (await deliveries(hooli.id)).find(d => d.status === 'succeeded'))
  t.equal(delivered.lastStatus, 200)
  const onCloud = await cloudTenant(hooli.cloudId)
  t.match(onCloud, { slug: 'hooli', externalId: hooli.id, status: 'active', license: { features: ['gated'], seats: 5 } })
  t.ok(onCloud.features.find((f: { plugin: string, enabled: boolean }) => f.plugin === 'fx-gated' && f.enabled), 'the licensed module is on')
  const list = await p.mgmt('GET', '/tenants')
  t.match(list.body.items[0], { slug: 'hooli', plan: 'pro', license: { seats: 5, devices: 10 }, lastDelivery: { status: 'succeeded' } })
})

t.test('feature toggles go through the cloud', async t => {
  const off = await p.mgmt('PUT', `/tenants/${hooli.id}/features/gated`, { enabled: false })
  t.equal(off.status, 200)
  t.match((await p.mgmt('GET', `/tenants/${hooli.id}/features`)).body.items.find((f: { plugin: string }) => f.plugin === 'fx-gated'), { switchedOff: true, enabled: false })
  t.equal((await p.mgmt('PUT', `/tenants/${hooli.id}/features/gated`, { enabled: true })).status, 200)
  t.equal((await p.mgmt('PUT', `/tenants/${hooli.id}/features/nosuch`, { enabled: true })).status, 404)
})

t.test('suspend and resume reach the cloud', async t => {
  t.equal((await p.mgmt('POST', `/tenants/${hooli.id}/suspend`)).status, 202)
  t.equal((await tenantOf(hooli.id)).status, 'suspended')
  t.equal((await cloudTenant(hooli.cloudId)).status, 'suspended')
  t.notOk((await cloudTenant(hooli.cloudId)).features.find((f: { plugin: string }) => f.plugin === 'fx-gated').enabled, 'modules are off while suspended')
  t.equal((await p.mgmt('POST', `/tenants/${hooli.id}/suspend`)).body.code, 'management_tenant_state')
  t.equal((await p.mgmt('POST', `/tenants/${hooli.id}/resume`)).status, 202)
  t.equal((await cloudTenant(hooli.cloudId)).status, 'active')
})

t.test('the cloud down during a license change: the delivery is retried and succeeds once it is back', async t => {
  await p.cloudRelay.down()
  const upgrade = await p.mgmt('POST', `/tenants/${hooli.id}/licenses`, { action: 'upgrade', seats: 50, features: ['gated'] })
  t.equal(upgrade.status, 201)
  const failing = await until('failed attempts', async () => (await deliveries(hooli.id)).find(d => d.id === upgrade.body.delivery && d.attempts >= 2))
  t.equal(failing.status, 'pending')
  t.equal(failing.lastStatus, null, 'no answer while the cloud is down')
  await p.cloudRelay.up()
  const done = await until('redelivered', async () => (await deliveries(hooli.id)).find(d => d.id === upgrade.body.delivery && d.status === 'succeeded'), 60_000)
  t.ok(done.attemptLog.length >= 3, `${done.attemptLog.length} attempts in the delivery log`)
  t.equal((await cloudTenant(hooli.cloudId)).license.seats, 50)
})

t.test('out of order: an older license redelivered after a newer one does not win', async t => {
  const all = await deliveries(hooli.id)
  const first = all.at(-1)!
  const again = await p.mgmt('POST', `/deliveries/${first.id}/redeliver`)
  t.equal(again.status, 202)
  await until('redelivery done', async () => (await deliveries(hooli.id)).find(d => d.id === again.body.id && d.status === 'succeeded'))
  t.equal((await cloudTenant(hooli.cloudId)).license.seats, 50, 'the cloud keeps the newest license')
})

t.test('attacker: wrong internal token 401, forged or unsigned deliveries refused', async t => {
  t.equal((await p.internal('POST', `/internal/v1/tenants/${hooli.cloudId}/suspend`, undefined, 'x'.repeat(48))).status, 401)
  t.equal((await p.raw(p.management.url, 'POST', '/internal/v1/usage', { tenants: [] }, { 'x-internal-token': 'wrong-token-wrong-token-wrong-token' })).status, 401)
  t.equal((await p.raw(p.management.url, 'POST', '/internal/v1/usage', { tenants: [] })).status, 401)
  t.equal((await p.raw(p.management.url, 'GET', '/api/v1/management/tenants')).status, 401, 'the staff API needs a token')
  // A license signed by another key, delivered with a wrong signature and then unsigned.
  const stranger = await generateKeyPair('ES256')
  const forged = await new SignJWT({ tid: hooli.cloudId, features: ['gated'], seats: 99999, iat_ms: Date.now() + 1e9 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt', kid: p.keys.publicJwk.kid! }).setIssuedAt().setExpirationTime('1d').sign(stranger.privateKey)
  const body = JSON.stringify({ type: 'license.updated', tenantId: hooli.cloudId, license: forged })
  const ts = String(Math.floor(Date.now() / 1000))
  const res1 = await fetch(`${p.cloud.url}/internal/license/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': ts, 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') }, body })
  t.equal(res1.status, 401, 'a wrong signature')
  const res2 = await fetch(`${p.cloud.url}/internal/license/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  t.equal(res2.status, 401, 'unsigned')
  const { signWebhook } = await import('../src/cloud.ts')
  const res3 = await fetch(`${p.cloud.url}/internal/license/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged2', 'webhook-timestamp': ts, 'webhook-signature': signWebhook(p.secret, 'msg_forged2', Number(ts), body) }, body })
  t.equal(res3.status, 422, 'a correctly signed delivery of a license from a foreign key')
  t.equal((await res3.json() as { code: string }).code, 'license_invalid')
  t.equal((await cloudTenant(hooli.cloudId)).license.seats, 50)
})

t.test('usage: the cloud reports, management shows usage against limits', async t => {
  const report = await p.internal('POST', '/internal/v1/usage/report')
  t.equal(report.status, 200)
  t.equal(report.body.sent, true)
  const row = await until('usage recorded', async () => { const x = await tenantOf(hooli.id); return x.usage ? x : null })
  t.match(row, { usage: { seats: Number, devices: 0 }, overLimit: false })
  // The cloud's report carries plugin counters (kernel API 1.5) as counts; a cloud without the devices plugin sends none.
  t.match(report.body.tenants.find((x: { tenantId: string }) => x.tenantId === hooli.cloudId), { seats: Number, counts: {} })
  const counted = await p.raw(p.management.url, 'POST', '/internal/v1/usage', { tenants: [{ tenantId: hooli.cloudId, seats: 51, counts: { devices: 11 } }] }, { 'x-internal-token': p.token })
  t.match(counted.body, { received: 1, matched: 1, newlyOverLimit: 1 }, '51 seats on a 50-seat license is over the limit')
  t.match(await tenantOf(hooli.id), { usage: { seats: 51, devices: 11 }, overLimit: true }, 'counts.devices is the devices figure')
})

t.test('delete: suspended and exported now, purged after the grace period, all in the activity log', async t => {
  t.equal((await p.mgmt('DELETE', `/tenants/${hooli.id}`, { confirm: 'wrong' })).status, 400, 'the slug must be typed')
  const del = await p.mgmt('DELETE', `/tenants/${hooli.id}`, { confirm: 'hooli' })
  t.equal(del.status, 202)
  const gone = await until('purged', async () => { const x = await tenantOf(hooli.id); return x.status === 'deleted' ? x : null })
  t.equal(gone.export.sha256.length, 64)
  const res = await fetch(`${p.management.url}/api/v1/management/tenants/${hooli.id}/export`, { headers: { authorization: `Bearer ${p.staffToken}` } })
  t.equal(res.status, 200)
  const dir = mkdtempSync(join(tmpdir(), 'mgmt-export-'))
  writeFileSync(join(dir, 'x.tar.gz'), Buffer.from(await res.arrayBuffer()))
  execFileSync('tar', ['xzf', 'x.tar.gz'], { cwd: dir })
  t.ok(readdirSync(join(dir, 'tables')).includes('users.ndjson'), 'NDJSON per table')
  const onCloud = await cloudTenant(hooli.cloudId)
  t.ok(onCloud.deletion.purgedAt, 'purged on the cloud')
  const items = (await p.mgmt('GET', `/tenants/${hooli.id}/activity`)).body.items as Array<{ action: string, actor: string, actorName: string | null, actorEmail: string | null }>
  const actions = items.map(a => a.action)
  // Staff by name and email, not user:<uuid>; the system and the cloud have neither.
  t.match(items.find(a => a.action === 'tenant.delete'), { actor: /^user:/, actorName: 'Monozu Staff', actorEmail: 'staff@monozu.example' })
  t.match(items.find(a => a.action === 'tenant.purged'), { actor: 'system:management', actorName: null, actorEmail: null })
  t.match((await p.mgmt('GET', '/activity?limit=5')).body.items[0], { actorName: String })
  for (const a of ['tenant.created', 'tenant.provisioned', 'license.issue', 'license.upgrade', 'tenant.suspend', 'tenant.resume', 'feature.disabled', 'delivery.redelivered', 'tenant.delete', 'tenant.exported', 'tenant.purged']) t.ok(actions.includes(a), a)
})
