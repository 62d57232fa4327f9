import t from 'tap'
import { fileURLToPath } from 'node:url'
import type { TestKernel } from '@monozu/kernel/testing'
import { devicesPlugin, enrollmentToken, licensedTenant, register, startDevicesKernel } from './helpers.ts'

const overviewPlugin = fileURLToPath(new URL('../../overview', import.meta.url))
let k: TestKernel
t.before(async () => { k = await startDevicesKernel({ plugins: [devicesPlugin, overviewPlugin] }) })
t.teardown(() => k?.close())

type Entry = { action: string, actor: { kind: string, id: string, name: string | null }, subject: { kind: string, id: string, name: string | null } | null }

t.test('the home page\'s activity names devices by hostname, within the tenant only', async t => {
  const acme = await licensedTenant(k, ['devices'])
  const globex = await licensedTenant(k, ['devices'])
  const mine = await register(k, await enrollmentToken(k, acme.admin), { hostname: 'edge-07' })
  const theirs = await register(k, await enrollmentToken(k, globex.admin), { hostname: 'globex-secret-01' })
  t.equal((await k.request('POST', `/api/v1/devices/${mine.deviceId}/revoke`, { token: acme.admin })).status, 200)
  // Another tenant's device id in this tenant's log (forged or stale) must not be named.
  await k.audit.record({ tenantId: acme.tenant.id, actor: 'seed', action: 'devices.device.revoke', target: theirs.deviceId })
  // A kernel entry naming a device id is not the devices plugin's to name.
  await k.audit.record({ tenantId: acme.tenant.id, actor: 'seed', action: 'tenant.note', target: mine.deviceId })

  const res = await k.request('GET', '/api/v1/overview/summary', { token: acme.admin })
  t.equal(res.status, 200)
  const entries = res.body.recentActivity as Entry[]
  const revoked = entries.filter(e => e.action === 'devices.device.revoke')
  t.match(revoked.find(e => e.subject?.id === mine.deviceId), { subject: { name: 'edge-07' } }, 'the revoked device is named by the devices plugin (the entry recorded no name)')
  t.match(revoked.find(e => e.subject?.id === theirs.deviceId), { subject: { name: null } }, 'another tenant\'s device stays unnamed')
  t.match(entries.find(e => e.action === 'tenant.note'), { subject: { kind: 'unknown', name: null } }, 'only a plugin\'s own entries are named by it')
  t.match(entries.find(e => e.action === 'devices.device.enroll'), { actor: { kind: 'device', id: mine.deviceId, name: 'edge-07' } })
  t.notMatch(JSON.stringify(res.body), 'globex-secret', 'no name of another tenant anywhere')
})
