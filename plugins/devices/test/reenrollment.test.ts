import t from 'tap'
import WebSocket from 'ws'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, enrollmentToken, licensedTenant, register, startDevicesKernel } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startDevicesKernel() })
t.teardown(() => k?.close())

const self = (key: string) => k.request('GET', '/api/v1/devices/self', { headers: { 'x-device-key': key } })
const attempt = (token: string, hardwareId: string, hostname = 'attacker-box') => k.request('POST', '/api/v1/devices/register', {
  headers: { 'x-enrollment-token': token },
  body: { hostname, os: 'Kali', agentVersion: '6.6.6', hardwareId }
})
const hardwareIdOf = async (admin: string, id: string) => (await k.request('GET', `/api/v1/devices/${id}`, { token: admin })).body.hardwareId as string
const reenrollment = (admin: string, id: string, body: Record<string, unknown> = {}) => k.request('POST', `/api/v1/devices/${id}/reenrollment`, { token: admin, body })

t.test('attacker: an ordinary token and a live device\'s hardware id take nothing over', async t => {
  const d = await enrolledDevice(k)
  // Any devices.read user sees hardware ids; any holder of any enrollment token could register.
  const hardwareId = await hardwareIdOf(d.member, d.deviceId)
  const token = await enrollmentToken(k, d.admin)
  const res = await attempt(token, hardwareId)
  t.equal(res.status, 409)
  t.match(res.body, { code: 'device_already_enrolled', status: 409, detail: /re-enrolment token/ })
  t.notOk(res.body.deviceKey, 'no key handed out')
  t.equal((await self(d.deviceKey)).status, 200, 'the live device\'s key still works')
  const device = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.not(device.body.hostname, 'attacker-box', 'the device is unchanged')
  t.equal(device.body.keyPrefixes.length, 1)
  const tokens = await k.request('GET', '/api/v1/devices/enrollment-tokens', { token: d.admin })
  t.equal(tokens.body.items.find((x: { prefix: string }) => token.includes(x.prefix)).uses, 0, 'the refused attempt used nothing')
  const audit = await k.request('GET', '/api/v1/audit?action=devices.device.enroll_refused', { token: d.admin })
  t.match(audit.body.items, [{ action: 'devices.device.enroll_refused', target: d.deviceId, actor: /^enrollment-token:/, details: { hardwareId, hostname: 'attacker-box' } }], 'the attempt is audited')
})

t.test('attacker: a revoked device stays revoked', async t => {
  const d = await enrolledDevice(k)
  const hardwareId = await hardwareIdOf(d.admin, d.deviceId)
  t.equal((await k.request('POST', `/api/v1/devices/${d.deviceId}/revoke`, { token: d.admin })).status, 200)
  const res = await attempt(await enrollmentToken(k, d.admin), hardwareId)
  t.equal(res.status, 409)
  t.equal(res.body.code, 'device_already_enrolled')
  const device = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.admin })
  t.equal(device.body.status, 'revoked')
  t.ok(device.body.revokedAt)
  t.same(device.body.keyPrefixes, [])
  t.equal((await self(d.deviceKey)).status, 401)
  const list = await k.request('GET', '/api/v1/devices', { token: d.admin })
  t.equal(list.body.items.length, 1, 'and no second device appeared')
})

t.test('a re-enrolment token works once, for its device only, in its tenant only, until it expires', async t => {
  const d = await enrolledDevice(k)
  const sibling = await register(k, await enrollmentToken(k, d.admin))
  const hardwareId = await hardwareIdOf(d.admin, d.deviceId)
  const other = await licensedTenant(k)

  t.equal((await reenrollment(d.member, d.deviceId)).status, 403, 'members cannot issue one')
  t.equal((await reenrollment(other.admin, d.deviceId)).status, 404, 'another tenant\'s admin cannot either')
  t.equal((await reenrollment(d.admin, randomUUID())).status, 404)
  t.equal((await reenrollment(d.admin, d.deviceId, { expiresInSeconds: 86401 })).status, 400, 'short-lived: at most a day')

  const issued = await reenrollment(d.admin, d.deviceId)
  t.equal(issued.status, 201)
  t.match(issued.body, { id: String, token: /^mze_/, deviceId: d.deviceId, hardwareId, expiresAt: String })
  t.ok(Date.parse(issued.body.expiresAt) - Date.now() <= 3600_000, 'an hour by default')
  const token = issued.body.token as string
  t.equal((await self(d.deviceKey)).status, 200, 'the live key keeps working until the token is used')

  const wrongDevice = await attempt(token, await hardwareIdOf(d.admin, sibling.deviceId))
  t.equal(wrongDevice.status, 401, 'not for another device of the tenant')
  t.equal(wrongDevice.body.code, 'invalid_enrollment_token')
  t.equal((await self(sibling.deviceKey)).status, 200, 'whose key still works')
  t.equal((await attempt(token, randomUUID())).status, 401, 'not for a new device')
  const [, , prefix, secret] = token.split('_')
  const elsewhere = await attempt(`mze_${other.tenant.id.replace(/-/g, '')}_${prefix}_${secret}`, hardwareId)
  t.equal(elsewhere.status, 401, 'not in another tenant')

  const socket = new WebSocket(`${(await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/api/ws/device`, { headers: { 'x-device-key': d.deviceKey } })
  const closed = new Promise<number>(resolve => socket.on('close', code => resolve(code)))
  await new Promise((resolve, reject) => { socket.on('open', resolve); socket.on('error', reject) })

  const used = await attempt(token, hardwareId, 'edge-reimaged')
  t.equal(used.status, 201, 'the device\'s own hardware id, with its token')
  t.match(used.body, { deviceId: d.deviceId, created: false, deviceKey: /^mzd_/ })
  t.equal((await self(d.deviceKey)).status, 401, 'the old key is revoked once the token is used')
  t.equal(await closed, 4001, 'and the old key\'s socket is closed')
  t.match((await self(used.body.deviceKey)).body, { id: d.deviceId, hostname: 'edge-reimaged' })
  const again = await attempt(token, hardwareId, 'edge-reimaged')
  t.equal(again.status, 401, 'single use')
  t.equal((await self(used.body.deviceKey)).status, 200, 'and the second try took nothing')

  const expiring = await reenrollment(d.admin, d.deviceId, { expiresInSeconds: 60 })
  await k.owner('device_enrollment_tokens').where({ id: expiring.body.id }).update({ expires_at: new Date(Date.now() - 1000) })
  t.equal((await attempt(expiring.body.token, hardwareId)).status, 401, 'expired')

  const first = await reenrollment(d.admin, d.deviceId)
  const second = await reenrollment(d.admin, d.deviceId)
  t.equal((await attempt(first.body.token, hardwareId)).status, 401, 'issuing a new token voids the unused one')
  t.equal((await attempt(second.body.token, hardwareId)).status, 201)

  const listed = await k.request('GET', '/api/v1/devices/enrollment-tokens?includeRevoked=true', { token: d.admin })
  t.match(listed.body.items.find((x: { id: string }) => x.id === issued.body.id), { deviceId: d.deviceId, maxUses: 1, uses: 1, state: 'used_up' }, 'listed with its device')
  const audit = await k.request('GET', `/api/v1/audit?action=devices.device.reenroll`, { token: d.admin })
  t.match(audit.body.items.at(-1), { target: d.deviceId, details: { tokenId: issued.body.id, hostname: 'edge-reimaged' } })
  const created = await k.request('GET', '/api/v1/audit?action=devices.device.reenrollment_token.create', { token: d.admin })
  t.equal(created.body.items.length, 4, 'each token issued is audited')
})

t.test('an admin brings a revoked device back only through a re-enrolment token', async t => {
  const d = await enrolledDevice(k)
  const hardwareId = await hardwareIdOf(d.admin, d.deviceId)
  await k.request('POST', `/api/v1/devices/${d.deviceId}/revoke`, { token: d.admin })
  const issued = await reenrollment(d.admin, d.deviceId)
  t.equal(issued.status, 201)
  const back = await attempt(issued.body.token, hardwareId, 'edge-recovered')
  t.equal(back.status, 201)
  const device = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.admin })
  t.match(device.body, { revokedAt: null, hostname: 'edge-recovered' })
  t.equal((await self(back.body.deviceKey)).status, 200)
  t.equal((await self(d.deviceKey)).status, 401, 'its old key stays dead')
  const audit = await k.request('GET', '/api/v1/audit?action=devices.device.reenroll', { token: d.admin })
  t.match(audit.body.items, [{ target: d.deviceId, details: { wasRevoked: true } }])
})
