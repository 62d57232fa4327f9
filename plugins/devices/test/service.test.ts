import t from 'tap'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { startTestKernel } from '@monozu/kernel/testing'
import { devicesPlugin, enrolledDevice, enrollmentToken, ingestPlugin, register } from './helpers.ts'

// The devices service 1.1 as another plugin uses it: through its reference, in its own transactions.
const consumer = fileURLToPath(new URL('fixtures/fx-device-consumer', import.meta.url))
let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: [devicesPlugin, ingestPlugin, consumer] }) })
t.teardown(() => k?.close())

const asDevice = (key: string, headers: Record<string, string> = {}) => ({ headers: { 'x-device-key': key, ...headers } })
const poll = async (key: string) => (await k.request('GET', '/api/v1/devices/self/commands', asDevice(key))).body.items as Array<Record<string, any>>

t.test('sendCommand queues a command the device receives; idempotent; rolled back with its transaction', async t => {
  const d = await enrolledDevice(k)
  const sent = await k.request('POST', '/api/v1/fx-device-consumer/commands', { token: d.admin, body: { deviceId: d.deviceId, type: 'fx.apply', payload: { v: 1 }, idempotencyKey: 'apply-1' } })
  t.equal(sent.status, 200)
  t.match(sent.body, { id: String, state: 'queued', created: true })
  const again = await k.request('POST', '/api/v1/fx-device-consumer/commands', { token: d.admin, body: { deviceId: d.deviceId, type: 'fx.apply', payload: { v: 1 }, idempotencyKey: 'apply-1' } })
  t.match(again.body, { id: sent.body.id, created: false }, 'the same idempotency key returns the first command')
  const failed = await k.request('POST', '/api/v1/fx-device-consumer/commands-then-fail', { token: d.admin, body: { deviceId: d.deviceId, type: 'fx.lost' } })
  t.equal(failed.status, 500)
  const got = await poll(d.deviceKey)
  t.match(got, [{ id: sent.body.id, type: 'fx.apply', payload: { v: 1 }, state: 'sent' }])
  const list = await k.request('GET', `/api/v1/commands?deviceId=${d.deviceId}`, { token: d.admin })
  t.same(list.body.items.map((c: { type: string }) => c.type), ['fx.apply'], 'the rolled-back command was never queued')
})

t.test('sendCommand checks its input and cannot reach another tenant\'s device', async t => {
  const a = await enrolledDevice(k)
  const b = await enrolledDevice(k)
  const send = (body: Record<string, unknown>) => k.request('POST', '/api/v1/fx-device-consumer/commands', { token: a.admin, body })
  const other = await send({ deviceId: b.deviceId, type: 'fx.apply' })
  t.equal(other.status, 404)
  t.equal(other.body.code, 'not_found', 'another tenant\'s device does not exist for this tenant')
  t.equal((await send({ deviceId: 'not-a-uuid', type: 'fx.apply' })).status, 404)
  const badType = await send({ deviceId: a.deviceId, type: 'Bad Type' })
  t.equal(badType.status, 400)
  t.match(badType.body, { code: 'validation_failed', errors: [{ pointer: '/type' }] })
  t.match((await send({ deviceId: a.deviceId, type: 'fx.big', payload: { x: 'x'.repeat(70 * 1024) } })).body, { code: 'validation_failed', errors: [{ pointer: '/payload' }] })
  t.match((await send({ deviceId: a.deviceId, type: 'fx.apply', ttlSeconds: 0 })).body, { errors: [{ pointer: '/ttlSeconds' }] })
  t.same(await poll(b.deviceKey), [], 'b\'s device got nothing')
})

t.test('getDevices returns the tenant\'s own devices only', async t => {
  const a = await enrolledDevice(k)
  const b = await enrolledDevice(k)
  const res = await k.request('POST', '/api/v1/fx-device-consumer/lookup', { token: a.admin, body: { ids: [a.deviceId, b.deviceId, randomUUID(), 'junk'] } })
  t.equal(res.status, 200)
  t.equal(res.body.length, 1)
  t.match(res.body[0], { id: a.deviceId, name: /^edge-/, status: 'never', lastSeenAt: null, revoked: false })
})

t.test('a served resource: device key, ETag and 304, 404s, another device\'s key', async t => {
  const d = await enrolledDevice(k)
  const url = '/api/v1/devices/self/fx/hello'
  const first = await k.request('GET', url, asDevice(d.deviceKey))
  t.equal(first.status, 200)
  t.match(first.raw.body, /^hello edge-.* v\d+\n$/)
  t.match(first.headers['content-type'], /^text\/plain/)
  const etag = first.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]{43}"$/, 'a strong ETag')
  t.equal(first.headers['cache-control'], 'no-cache')
  const same = await k.request('GET', url, asDevice(d.deviceKey, { 'if-none-match': etag }))
  t.equal(same.status, 304, 'unchanged: 304')
  await k.request('POST', '/api/v1/fx-device-consumer/bump', { token: d.admin, body: {} })
  const changed = await k.request('GET', url, asDevice(d.deviceKey, { 'if-none-match': etag }))
  t.equal(changed.status, 200, 'changed: the new body')
  t.not(changed.headers.etag, etag)

  t.equal((await k.request('GET', url)).status, 401, 'no key')
  t.equal((await k.request('GET', url, asDevice('mzd_forged_0000000000000000000000'))).status, 401, 'a forged key')
  t.equal((await k.request('GET', '/api/v1/devices/self/fx/nothing', asDevice(d.deviceKey))).status, 404, 'no such resource')
  const silent = await register(k, await enrollmentToken(k, d.admin), { hostname: 'silent-1' })
  t.equal((await k.request('GET', url, asDevice(silent.deviceKey))).status, 404, 'the provider answered null')
  t.equal((await k.request('GET', url, { token: d.admin })).status, 401, 'a user token is not a device key')
})
