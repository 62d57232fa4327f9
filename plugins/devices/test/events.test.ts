import t from 'tap'
import { fileURLToPath } from 'node:url'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { deviceEvents } from '../src/events.ts'
import type { Ctx } from '../src/context.ts'
import { devicesPlugin, enrolledDevice, ingestPlugin, startDevicesKernel } from './helpers.ts'

// devices.status_changed and devices.command_finished, as a subscribing plugin receives them.
const recorder = fileURLToPath(new URL('./fixtures/fx-device-events/', import.meta.url))

let k: TestKernel
t.before(async () => { k = await startDevicesKernel({ plugins: [devicesPlugin, ingestPlugin, recorder] }) })
t.teardown(() => k?.close())

interface Received { tenantId: string, type: string, subject: string, payload: Record<string, any> }
async function received (tenantId: string): Promise<Received[]> {
  const rows = await k.owner('fx_device_events').where({ tenant_id: tenantId }).orderBy('seq')
  return rows.map((r: { tenant_id: string, type: string, subject: string, payload: string }) => ({ tenantId: r.tenant_id, type: r.type, subject: r.subject, payload: JSON.parse(r.payload) }))
}
// deliverEvents drains what is due in this kernel, so a count read after it is final.
const until = (tenantId: string, n: number) => waitFor(`${n} events of tenant ${tenantId}`, async () => {
  await k.deliverEvents()
  const r = await received(tenantId)
  return r.length >= n ? r : undefined
})

const asDevice = (key: string) => ({ headers: { 'x-device-key': key } })
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000)
const sweep = (tenantId: string) => k.runJob('devices', 'sweep', null, { tenantId })
const lastSeen = (id: string, at: Date) => k.owner('devices').where({ id }).update({ last_seen_at: at })

t.test('status changes: back online on contact, overdue and offline as time passes, in order', async t => {
  const d = await enrolledDevice(k)
  const tenantId = d.tenant.id
  const hostname = (await k.owner('devices').where({ id: d.deviceId }).first('hostname')).hostname

  t.equal((await k.request('GET', '/api/v1/devices/self', asDevice(d.deviceKey))).status, 200, 'first contact')
  await lastSeen(d.deviceId, ago(300)) // past overdue (180 s), not offline (900 s)
  await sweep(tenantId)
  await lastSeen(d.deviceId, ago(1000))
  await sweep(tenantId)
  await sweep(tenantId) // nothing changed since: publishes nothing
  await k.request('GET', '/api/v1/devices/self', asDevice(d.deviceKey))

  const events = await until(tenantId, 4)
  t.same(events.map(e => [e.type, e.subject, e.payload.previous, e.payload.status]), [
    ['devices.status_changed', d.deviceId, 'never', 'online'],
    ['devices.status_changed', d.deviceId, 'online', 'overdue'],
    ['devices.status_changed', d.deviceId, 'overdue', 'offline'],
    ['devices.status_changed', d.deviceId, 'offline', 'online']
  ], 'one event per change, in order')
  for (const e of events) t.same(Object.keys(e.payload).sort(), ['deviceId', 'lastSeenAt', 'name', 'previous', 'status'])
  t.match(events[0]!.payload, { deviceId: d.deviceId, name: hostname })
  t.ok(Date.now() - new Date(events[2]!.payload.lastSeenAt).getTime() >= 1000_000, 'offline carries the old last contact')
  t.ok(Date.now() - new Date(events[3]!.payload.lastSeenAt).getTime() < 60_000, 'back online carries the new one')

  const history = await k.request('GET', `/api/v1/devices/${d.deviceId}/history`, { token: d.member })
  t.same(history.body.items.map((h: { from: string, to: string }) => [h.from, h.to]), [['offline', 'online'], ['overdue', 'offline'], ['online', 'overdue'], ['never', 'online']], 'the history records the same changes')
  t.equal((await received(tenantId)).length, 4, 'a repeated contact while online publishes nothing')
})

t.test('a rolled-back contact publishes nothing and records nothing', async t => {
  const d = await enrolledDevice(k)
  const tenantId = d.tenant.id
  const events = deviceEvents(k.pluginContext('devices') as unknown as Ctx)
  await t.rejects(k.db.withTenant(tenantId, async trx => {
    await events.touch(trx, [d.deviceId])
    throw new Error('the caller fails after the contact')
  }), /the caller fails/)
  t.match(await k.owner('devices').where({ id: d.deviceId }).first('status', 'last_seen_at'), { status: 'never', last_seen_at: null }, 'nothing stored')
  // A contact that commits afterwards is the first event the subscriber gets.
  await k.request('GET', '/api/v1/devices/self', asDevice(d.deviceKey))
  const got = await until(tenantId, 1)
  t.same(got.map(e => e.payload.previous), ['never'])
})

t.test('command_finished: succeeded, failed, cancelled, expired; nothing for intermediate states', async t => {
  const d = await enrolledDevice(k)
  const tenantId = d.tenant.id
  await k.request('GET', '/api/v1/devices/self', asDevice(d.deviceKey))
  await until(tenantId, 1)
  const queue = async (body: Record<string, unknown>) => (await k.request('POST', '/api/v1/commands', { token: d.admin, body: { deviceId: d.deviceId, ...body } })).body.id as string
  const ok = await queue({ type: 'echo' })
  const bad = await queue({ type: 'run-script' })
  const cancelled = await queue({ type: 'reboot' })
  const poll = async () => (await k.request('GET', '/api/v1/devices/self/commands', asDevice(d.deviceKey))).body.items[0]?.id
  t.equal(await poll(), ok)
  await k.request('POST', `/api/v1/commands/${ok}/ack`, { ...asDevice(d.deviceKey), body: { state: 'running' } })
  await k.request('POST', `/api/v1/commands/${ok}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 0 } })
  await k.request('POST', `/api/v1/commands/${ok}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 0 } }) // repeat: no second event
  t.equal(await poll(), bad)
  await k.request('POST', `/api/v1/commands/${bad}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 3 } })
  t.equal((await k.request('POST', `/api/v1/commands/${cancelled}/cancel`, { token: d.admin })).status, 200)
  t.equal((await k.request('POST', `/api/v1/commands/${cancelled}/cancel`, { token: d.admin })).status, 200, 'cancelling twice')
  const expiring = await queue({ type: 'echo', ttlSeconds: 60 })
  await k.owner('device_commands').where({ id: expiring }).update({ expires_at: ago(1) })
  await sweep(tenantId)

  const events = (await until(tenantId, 5)).filter(e => e.type === 'devices.command_finished')
  t.same(events.map(e => [e.payload.commandId, e.payload.state, e.payload.exitCode]), [
    [ok, 'succeeded', 0], [bad, 'failed', 3], [cancelled, 'cancelled', undefined], [expiring, 'expired', undefined]
  ], 'one event per final state, in order; exitCode only from the device')
  for (const e of events) {
    t.equal(e.subject, d.deviceId, 'subject is the device')
    t.equal(e.payload.deviceId, d.deviceId)
    t.ok(!Number.isNaN(Date.parse(e.payload.finishedAt)), 'finishedAt is a timestamp')
  }
  t.same(events.map(e => e.payload.type), ['echo', 'run-script', 'reboot', 'echo'])
  t.equal((await received(tenantId)).length, 5, 'sent, acked and running publish nothing')
})

t.test('isolation: a tenant\'s subscriber scope receives only that tenant\'s events', async t => {
  const a = await enrolledDevice(k)
  const b = await enrolledDevice(k)
  await k.request('GET', '/api/v1/devices/self', asDevice(a.deviceKey))
  await k.request('GET', '/api/v1/devices/self', asDevice(b.deviceKey))
  const gotA = await until(a.tenant.id, 1)
  const gotB = await until(b.tenant.id, 1)
  t.same(gotA.map(e => e.subject), [a.deviceId])
  t.same(gotB.map(e => e.subject), [b.deviceId])
  // What B's handler wrote, read the way B's own code would (under B's RLS scope).
  const seenByB = await k.db.withTenant(b.tenant.id, trx => trx('fx_device_events').pluck('subject'))
  t.same(seenByB, [b.deviceId], 'tenant B\'s scope never holds tenant A\'s event')
})

t.test('a device going offline notifies those who act on devices, once', async t => {
  const d = await enrolledDevice(k)
  const tenantId = d.tenant.id
  await k.request('GET', '/api/v1/devices/self', asDevice(d.deviceKey))
  await lastSeen(d.deviceId, ago(300))
  await sweep(tenantId)
  await lastSeen(d.deviceId, ago(1000))
  await sweep(tenantId)
  await until(tenantId, 3)
  const list = async (token: string) => (await k.request('GET', '/api/v1/notifications', { token })).body.items as Array<Record<string, any>>
  const got = await waitFor('the offline notification', async () => { const items = await list(d.admin); return items.length > 0 ? items : undefined })
  t.equal(got.length, 1, 'overdue and online notify nobody; offline once')
  t.match(got[0], { type: 'devices.offline', severity: 'warning', link: `/devices/${d.deviceId}`, title: /is offline$/ })
  t.same(await list(d.member), [], 'a member (devices.read only) is not notified')
})
