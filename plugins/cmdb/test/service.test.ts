import t from 'tap'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, licensedTenant, startCmdb } from './helpers.ts'

// The cmdb service as another plugin (ITSM) uses it: through its reference, in its own transactions.
const consumer = fileURLToPath(new URL('fixtures/fx-cmdb-consumer', import.meta.url))
let k: TestKernel
t.before(async () => { k = await startCmdb({ plugins: [consumer] }) })
t.teardown(() => k?.close())

const ci = async (api: ReturnType<typeof client>, type: string, name: string) => (await api.post('/api/v1/cmdb/cis', { type, name })).body.id as string

t.test('getCis and impact see the tenant\'s own CIs only', async t => {
  const a = await licensedTenant(k)
  const b = await licensedTenant(k)
  const api = client(k, a.admin)
  const [svc, app, host] = [await ci(api, 'service', 'Billing'), await ci(api, 'application', 'billing-app'), await ci(api, 'server', 'host-1')]
  await api.post('/api/v1/cmdb/relations', { sourceId: svc, targetId: app, type: 'depends_on' })
  await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: host, type: 'runs_on' })
  const theirs = await ci(client(k, b.admin), 'server', 'their-host')

  const found = await api.post('/api/v1/fx-cmdb-consumer/cis', { ids: [host, theirs, randomUUID(), 'junk'] })
  t.equal(found.status, 200)
  t.same(found.body, [{ id: host, type: 'server', name: 'host-1', status: 'active' }], 'another tenant\'s CI and unknown ids are left out')

  const up = await api.post('/api/v1/fx-cmdb-consumer/impact', { ciId: host })
  t.same(up.body.impact.items.map((i: { name: string, distance: number }) => [i.name, i.distance]), [['billing-app', 1], ['Billing', 2]], 'who depends on the host')
  t.equal(up.body.impact.truncated, false)
  const near = await api.post('/api/v1/fx-cmdb-consumer/impact', { ciId: host, depth: 1 })
  t.same(near.body.impact.items.map((i: { name: string }) => i.name), ['billing-app'])
  const down = await api.post('/api/v1/fx-cmdb-consumer/impact', { ciId: svc, direction: 'down' })
  t.same(down.body.impact.items.map((i: { name: string }) => i.name), ['billing-app', 'host-1'])
  t.same((await api.post('/api/v1/fx-cmdb-consumer/impact', { ciId: theirs })).body, { impact: null }, 'another tenant\'s CI has no impact here')
  t.same((await api.post('/api/v1/fx-cmdb-consumer/impact', { ciId: 'junk' })).body, { impact: null })
})
