import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, licensedTenant, startCmdb, type Client } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startCmdb({ seedDemo: true }) })
t.teardown(() => k?.close())

async function ci (api: Client, type: string, name: string): Promise<string> {
  const r = await api.post('/api/v1/cmdb/cis', { type, name })
  if (r.status !== 201) throw new Error(JSON.stringify(r.body))
  return r.body.id
}

t.test('relations: typed, no duplicates, no self links, logged on both CIs, deleted with a CI', async t => {
  const { admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const app = await ci(api, 'application', 'erp')
  const vm = await ci(api, 'vm', 'erp-vm')
  const made = await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: vm, type: 'runs_on', message: 'go-live' })
  t.equal(made.status, 201, JSON.stringify(made.body))
  t.match(made.body, { id: String, sourceId: app, targetId: vm, type: 'runs_on', source: { name: 'erp' }, target: { name: 'erp-vm' } })
  t.equal((await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: vm, type: 'runs_on' })).status, 409, 'no duplicates')
  t.equal((await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: vm, type: 'depends_on' })).status, 201, 'another type is another relation')
  t.equal((await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: app, type: 'depends_on' })).status, 400)
  t.equal((await api.post('/api/v1/cmdb/relations', { sourceId: app, targetId: vm, type: 'likes' })).status, 400)
  t.equal((await client(k, member).post('/api/v1/cmdb/relations', { sourceId: vm, targetId: app, type: 'hosts' })).status, 403)

  const listed = await client(k, member).get(`/api/v1/cmdb/relations?ciId=${vm}`)
  t.equal(listed.body.items.length, 2)
  t.equal((await api.get(`/api/v1/cmdb/relations?ciId=${vm}&type=runs_on`)).body.items.length, 1)
  const vmHistory = (await api.get(`/api/v1/cmdb/cis/${vm}/history`)).body.items
  t.match(vmHistory[1], { entity: 'relation', action: 'create', ciId: app, otherCiId: vm, message: 'go-live', after: { type: 'runs_on' } }, 'the target sees the relation in its history too')

  t.equal((await api.del(`/api/v1/cmdb/relations/${made.body.id}`)).status, 204)
  t.equal((await api.del(`/api/v1/cmdb/relations/${made.body.id}`)).status, 404)
  t.equal((await api.del(`/api/v1/cmdb/cis/${vm}`)).status, 204)
  t.same((await api.get(`/api/v1/cmdb/relations?ciId=${app}`)).body.items, [], 'relations go with their CI')
  const appHistory = (await api.get(`/api/v1/cmdb/cis/${app}/history`)).body.items
  t.match(appHistory[0], { entity: 'relation', action: 'delete', before: { type: 'depends_on' } }, 'and that is logged')
})

t.test('impact: up is what depends on a CI, down what it needs; safe through a cycle', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const [svc, app, db, vm1, vm2, host] = [await ci(api, 'service', 'Billing'), await ci(api, 'application', 'billing-app'), await ci(api, 'application', 'billing-db'),
    await ci(api, 'vm', 'vm-1'), await ci(api, 'vm', 'vm-2'), await ci(api, 'server', 'host-1')]
  const rel = (sourceId: string, type: string, targetId: string) => api.post('/api/v1/cmdb/relations', { sourceId, targetId, type })
  await rel(svc, 'depends_on', app)
  await rel(app, 'depends_on', db)
  await rel(app, 'runs_on', vm1)
  await rel(db, 'runs_on', vm2)
  await rel(vm1, 'runs_on', host)
  await rel(vm2, 'runs_on', host)
  // A cycle: the host "depends on" the billing service (say, for its licence server).
  await rel(host, 'depends_on', svc)

  const up = await api.get(`/api/v1/cmdb/cis/${host}/impact?direction=up&depth=10`)
  t.equal(up.status, 200)
  t.same(up.body.items.map((i: { name: string, distance: number }) => [i.name, i.distance]), [['vm-1', 1], ['vm-2', 1], ['billing-app', 2], ['billing-db', 2], ['Billing', 3]])
  t.equal(up.body.truncated, false)
  t.ok(up.body.edges.some((e: { sourceId: string, targetId: string }) => e.sourceId === host && e.targetId === svc), 'the edge closing the cycle is reported once')
  const near = await api.get(`/api/v1/cmdb/cis/${host}/impact?direction=up&depth=1`)
  t.same(near.body.items.map((i: { name: string }) => i.name), ['vm-1', 'vm-2'])
  const down = await api.get(`/api/v1/cmdb/cis/${svc}/impact?direction=down&depth=10`)
  t.same(down.body.items.map((i: { name: string, distance: number }) => [i.name, i.distance]), [['billing-app', 1], ['billing-db', 2], ['vm-1', 2], ['host-1', 3], ['vm-2', 3]])
  t.notOk(down.body.items.some((i: { id: string }) => i.id === svc), 'the CI itself is never its own impact, even through the cycle')
  t.equal((await api.get(`/api/v1/cmdb/cis/${svc}/impact?direction=sideways`)).status, 400)
})

t.test('the demo seed gives Acme a small estate with relations, and Globex nothing', async t => {
  const acme = await k.tenantBySlug('acme')
  const globex = await k.tenantBySlug('globex')
  t.ok(acme && globex)
  const api = client(k, (await k.signIn(acme!, ['member'])).token)
  const cis = (await api.get('/api/v1/cmdb/cis?limit=200')).body.items as Array<{ id: string, name: string, type: string }>
  t.ok(cis.length >= 20, `${cis.length} CIs`)
  t.same([...new Set(cis.map(c => c.type))].sort(), ['application', 'network-device', 'server', 'service', 'vm', 'workstation'])
  const fw = cis.find(c => c.name === 'fw-hq-01')!
  const impact = await api.get(`/api/v1/cmdb/cis/${fw.id}/impact?direction=up&depth=10`)
  t.ok(impact.body.items.some((i: { name: string }) => i.name === 'ERP'), 'the ERP service depends on the firewall, transitively')
  t.equal((await api.get('/api/v1/cmdb/cis?f.rack=R1-U10')).body.items[0]?.name, 'esx-01', 'with a custom field on a built-in type')
  const other = client(k, (await k.signIn(globex!, ['member'])).token)
  t.same((await other.get('/api/v1/cmdb/cis')).body.items, [])
})
