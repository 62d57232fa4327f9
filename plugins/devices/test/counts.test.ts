import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { enrollmentToken, licensedTenant, register, startDevicesKernel } from './helpers.ts'

const INTERNAL = 'internal-token-devices-usage-0123456789'
let k: TestKernel
// The internal token turns on /internal/v1/usage/report for the usage counter's test.
t.before(async () => { k = await startDevicesKernel({ config: { internalTokens: [INTERNAL] } }) })
t.teardown(() => k?.close())

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000)

t.test('devices per status, for the tenant\'s summary widget only', async t => {
  const a = await licensedTenant(k)
  const b = await licensedTenant(k)
  const token = await enrollmentToken(k, a.admin, { maxUses: 10 })
  const ids: string[] = []
  for (let i = 0; i < 6; i++) ids.push((await register(k, token)).deviceId)
  await register(k, await enrollmentToken(k, b.admin))
  const seen = (id: string, at: Date | null) => k.owner('devices').where({ id }).update({ last_seen_at: at })
  // Default thresholds: overdue after 3 minutes, offline after 15.
  await seen(ids[0]!, minutesAgo(1))
  await seen(ids[1]!, minutesAgo(2))
  await seen(ids[2]!, minutesAgo(5))
  await seen(ids[3]!, minutesAgo(60))
  t.equal((await k.request('POST', `/api/v1/devices/${ids[4]}/revoke`, { token: a.admin })).status, 200)

  const res = await k.request('GET', '/api/v1/devices/counts', { token: a.member })
  t.equal(res.status, 200)
  t.same(res.body, { online: 2, overdue: 1, offline: 1, never: 1, revoked: 1, total: 6 })

  const empty = await licensedTenant(k)
  t.same((await k.request('GET', '/api/v1/devices/counts', { token: empty.member })).body, { online: 0, overdue: 0, offline: 0, never: 0, revoked: 0, total: 0 })

  const features = await k.request('GET', '/api/v1/me/features', { token: a.member })
  t.match(features.body.features.find((f: { id: string }) => f.id === 'devices'), { ui: { remote: 'devices', exposes: './Module', widgets: './Widgets' } }, 'the shell learns where the widgets are')

  const unlicensed = await k.createTenant()
  const outsider = await k.signIn(unlicensed, ['tenant-admin'])
  t.match(await k.request('GET', '/api/v1/devices/counts', { token: outsider.token }), { status: 403, body: { code: 'feature_disabled' } })
})

t.test('the hourly usage report counts each tenant\'s devices through the registered counter', async t => {
  const kit = k
  const a = await licensedTenant(kit)
  const b = await licensedTenant(kit)
  const enroll = await enrollmentToken(kit, a.admin, { maxUses: 10 })
  for (let i = 0; i < 3; i++) await register(kit, enroll)
  await register(kit, await enrollmentToken(kit, b.admin))
  const res = await kit.request('POST', '/internal/v1/usage/report', { headers: { 'x-internal-token': INTERNAL } })
  t.equal(res.status, 200)
  const of = (id: string) => res.body.tenants.find((x: { tenantId: string }) => x.tenantId === id)
  t.match(of(a.tenant.id), { counts: { devices: 3 } })
  t.match(of(b.tenant.id), { counts: { devices: 1 } }, 'each tenant sees only its own devices')
})
