import t from 'tap'
import { randomUUID } from 'node:crypto'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, enrollmentToken, licensedTenant, register, startDevicesKernel } from './helpers.ts'

let k: TestKernel
// A rotated key's overlap runs on the kernel clock, which the test moves instead of waiting.
t.before(async () => { k = await startDevicesKernel({ clock: 'manual', config: { adminPanelEnabled: true }, pluginConfig: { devices: { keyOverlapSeconds: 2, keyCacheSeconds: 5 } } }) })
t.teardown(() => k?.close())

const self = (key: string) => k.request('GET', '/api/v1/devices/self', { headers: { 'x-device-key': key } })

t.test('an admin issues a token shown once; an appliance registers with it', async t => {
  const { admin, member } = await licensedTenant(k)
  const created = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: admin, body: { maxUses: 5, site: 'Warsaw DC', tags: ['rack-4'], expiresInSeconds: 3600 } })
  t.equal(created.status, 201)
  t.match(created.body, { token: /^mze_[0-9a-f]{32}_[0-9a-f]{12}_[0-9a-f]{48}$/, maxUses: 5, uses: 0, site: 'Warsaw DC', tags: ['rack-4'], state: 'active' })
  const list = await k.request('GET', '/api/v1/devices/enrollment-tokens', { token: admin })
  t.equal(list.body.items.length, 1)
  t.notOk('token' in list.body.items[0], 'the list never shows the token again')
  t.equal(list.body.items[0].prefix, created.body.token.split('_')[2])
  t.equal((await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: member, body: {} })).status, 403, 'members cannot issue tokens')

  const device = await register(k, created.body.token, { hostname: 'edge-waw-01', hardwareId: 'HW-0001' })
  t.ok(device.created)
  t.match(device.deviceKey, /^mzd_[0-9a-f]{32}_[0-9a-f]{12}_[0-9a-f]{48}$/)
  const me = await self(device.deviceKey)
  t.equal(me.status, 200)
  t.match(me.body, { id: device.deviceId, hostname: 'edge-waw-01', site: 'Warsaw DC', tags: ['rack-4'], status: 'online' })
  const detail = await k.request('GET', `/api/v1/devices/${device.deviceId}`, { token: member })
  t.match(detail.body, { hostname: 'edge-waw-01', os: 'Debian 12', agentVersion: '1.4.2', hardwareId: 'HW-0001' })
  t.notOk(JSON.stringify(detail.body).includes(device.deviceKey.split('_')[3]!), 'the key secret is never shown again')

  const again = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': created.body.token }, body: { hostname: 'edge-waw-01-reimaged', os: 'Debian 12', agentVersion: '1.4.2', hardwareId: 'HW-0001' } })
  t.equal(again.status, 409, 'a known hardware id needs a re-enrolment token (reenrollment.test.ts)')
  t.equal(again.body.code, 'device_already_enrolled')
  const devices = await k.request('GET', '/api/v1/devices', { token: member })
  t.equal(devices.body.items.length, 1, 'no duplicate device')
  t.equal(devices.body.items[0].hostname, 'edge-waw-01')
  t.equal((await self(device.deviceKey)).status, 200, 'the key keeps working')
  const used = await k.request('GET', '/api/v1/devices/enrollment-tokens', { token: admin })
  t.equal(used.body.items[0].uses, 1, 'a refused registration uses nothing')
})

t.test('a token that is unknown, forged, expired, used up or revoked is refused alike', async t => {
  const a = await licensedTenant(k)
  const b = await licensedTenant(k)
  const refused = async (token: string | undefined, why: string) => {
    const res = await k.request('POST', '/api/v1/devices/register', {
      headers: token === undefined ? {} : { 'x-enrollment-token': token },
      body: { hostname: 'h', os: 'o', agentVersion: '1', hardwareId: randomUUID() }
    })
    t.equal(res.status, 401, why)
    t.equal(res.body.code, 'invalid_enrollment_token', why)
  }
  await refused(undefined, 'no token')
  await refused('not-a-token', 'garbage')
  const good = await enrollmentToken(k, a.admin)
  const [, , prefix, secret] = good.split('_')
  await refused(`mze_${b.tenant.id.replace(/-/g, '')}_${prefix}_${secret}`, 'tenant A\'s token re-addressed to tenant B')
  await refused(`mze_${a.tenant.id.replace(/-/g, '')}_${prefix}_${'0'.repeat(48)}`, 'right prefix, wrong secret')

  const once = await enrollmentToken(k, a.admin, { maxUses: 1 })
  await register(k, once)
  await refused(once, 'used up')

  const revoked = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: a.admin, body: {} })
  t.equal((await k.request('DELETE', `/api/v1/devices/enrollment-tokens/${revoked.body.id}`, { token: a.admin })).status, 204)
  await refused(revoked.body.token, 'revoked')
  t.equal((await k.request('DELETE', `/api/v1/devices/enrollment-tokens/${revoked.body.id}`, { token: b.admin })).status, 404, 'another tenant cannot revoke it')

  const expiring = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: a.admin, body: { expiresInSeconds: 60 } })
  await k.owner('device_enrollment_tokens').where({ id: expiring.body.id }).update({ expires_at: new Date(Date.now() - 1000) })
  await refused(expiring.body.token, 'expired')

  const bad = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': good }, body: { hostname: '', os: 'o', agentVersion: '1' } })
  t.equal(bad.status, 400)
  t.equal(bad.body.code, 'validation_failed')
  const small = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: a.admin, body: { expiresInSeconds: 5, color: 'red' } })
  t.equal(small.status, 400)
  t.match(small.body.detail, /expiresInSeconds|color/)
})

t.test('keys rotate with an overlap and revoke at once', async t => {
  const d = await enrolledDevice(k)
  const rotated = await k.request('POST', `/api/v1/devices/${d.deviceId}/rotate-key`, { token: d.admin })
  t.equal(rotated.status, 201)
  t.not(rotated.body.deviceKey, d.deviceKey)
  t.equal((await self(d.deviceKey)).status, 200, 'the old key works during the overlap')
  t.equal((await self(rotated.body.deviceKey)).status, 200)
  const detail = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.equal(detail.body.keyPrefixes.length, 2, 'both keys are listed during the overlap')
  t.equal(Date.parse(rotated.body.previousKeyValidUntil), k.clock.now().getTime() + 2000)
  await k.clock.advance(1999)
  t.equal((await self(d.deviceKey)).status, 200, 'the old key works until the overlap\'s last moment')
  await k.clock.advance(1)
  const old = await self(d.deviceKey)
  t.equal(old.status, 401, 'the rotated-out key stops after the overlap (even though it was cached)')
  t.equal(old.body.code, 'invalid_device_key')
  t.equal((await self(rotated.body.deviceKey)).status, 200)
  t.equal((await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })).body.keyPrefixes.length, 1, 'only the new key is listed after it')

  t.equal((await k.request('POST', `/api/v1/devices/${d.deviceId}/rotate-key`, { token: d.member })).status, 403, 'members cannot rotate keys')
  const revoked = await k.request('POST', `/api/v1/devices/${d.deviceId}/revoke`, { token: d.admin })
  t.equal(revoked.status, 200)
  t.equal(revoked.body.status, 'revoked')
  t.equal((await self(rotated.body.deviceKey)).status, 401, 'a revoked key is refused at once, cache or not')
  t.equal((await k.request('POST', `/api/v1/devices/${d.deviceId}/rotate-key`, { token: d.admin })).status, 409, 'a revoked device cannot get a new key')
})

t.test('another tenant\'s ids and keys lead nowhere', async t => {
  const a = await enrolledDevice(k)
  const b = await licensedTenant(k)
  for (const [method, url] of [['GET', `/api/v1/devices/${a.deviceId}`], ['GET', `/api/v1/devices/${a.deviceId}/history`], ['GET', `/api/v1/devices/${a.deviceId}/metrics`], ['GET', `/api/v1/devices/${a.deviceId}/logs`], ['POST', `/api/v1/devices/${a.deviceId}/rotate-key`], ['POST', `/api/v1/devices/${a.deviceId}/revoke`]] as const) {
    const res = await k.request(method, url, { token: b.admin })
    t.equal(res.status, 404, `${method} ${url} from tenant B`)
  }
  const list = await k.request('GET', '/api/v1/devices', { token: b.admin })
  t.same(list.body.items, [], 'B lists none of A\'s devices')
  const [, , prefix, secret] = a.deviceKey.split('_')
  const forged = `mzd_${b.tenant.id.replace(/-/g, '')}_${prefix}_${secret}`
  t.equal((await self(forged)).status, 401, 'A\'s key re-addressed to B is refused')
  t.equal((await self(a.deviceKey)).status, 200)
})

t.test('the module\'s license gates appliances too', async t => {
  const d = await enrolledDevice(k)
  const token = await enrollmentToken(k, d.admin)
  const operator = await k.signInOperator()
  const off = await k.request('PUT', `/api/v1/admin/tenants/${d.tenant.id}/features/devices`, { token: operator.token, body: { enabled: false } })
  t.equal(off.status, 200, JSON.stringify(off.body))
  // No wait: the switch applies to this instance's next request (others within the features cache's 2 s).
  const res = await self(d.deviceKey)
  t.equal(res.status, 403)
  t.equal(res.body.code, 'feature_disabled')
  const reg = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': token }, body: { hostname: 'h', os: 'o', agentVersion: '1', hardwareId: 'x' } })
  t.equal(reg.status, 403)
  t.equal((await k.request('GET', '/api/v1/devices', { token: d.admin })).status, 403, 'users get the kernel\'s gate')
  const unlicensed = await k.createTenant()
  const admin = await k.signIn(unlicensed, ['tenant-admin'])
  t.equal((await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: admin.token, body: {} })).status, 403)
})

t.test('status follows the last contact and its changes are recorded', async t => {
  const d = await enrolledDevice(k)
  const put = await k.request('PUT', '/api/v1/devices/settings', { token: d.admin, body: { overdueAfterSeconds: 60, offlineAfterSeconds: 120 } })
  t.equal(put.status, 200)
  const badSettings = await k.request('PUT', '/api/v1/devices/settings', { token: d.admin, body: { overdueAfterSeconds: 600, offlineAfterSeconds: 120 } })
  t.equal(badSettings.status, 400)
  let dev = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.equal(dev.body.status, 'never')
  await self(d.deviceKey)
  dev = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.equal(dev.body.status, 'online')
  const sweep = () => k.runJob('devices', 'sweep', null, { tenantId: d.tenant.id })
  const history = async () => (await k.request('GET', `/api/v1/devices/${d.deviceId}/history`, { token: d.member })).body.items
  await sweep()
  await waitFor('the first status change', async () => (await history()).length === 1)
  t.match(await history(), [{ from: 'never', to: 'online' }])
  await k.owner('devices').where({ id: d.deviceId }).update({ last_seen_at: new Date(Date.now() - 90_000) })
  dev = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.equal(dev.body.status, 'overdue')
  const overdue = await k.request('GET', '/api/v1/devices?status=overdue', { token: d.member })
  t.same(overdue.body.items.map((x: { id: string }) => x.id), [d.deviceId])
  t.same((await k.request('GET', '/api/v1/devices?status=online', { token: d.member })).body.items, [])
  await k.owner('devices').where({ id: d.deviceId }).update({ last_seen_at: new Date(Date.now() - 200_000) })
  await sweep()
  await waitFor('the second status change', async () => (await history()).length === 2)
  t.match(await history(), [{ from: 'online', to: 'offline' }, { from: 'never', to: 'online' }])
})
