import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, licensedTenant, startCmdb } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startCmdb() })
t.teardown(() => k?.close())

t.test('CIs per type, for the tenant\'s summary widget only', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const admin = client(k, acme.admin)
  for (const name of ['web-01', 'web-02', 'db-01']) t.equal((await admin.post('/api/v1/cmdb/cis', { type: 'server', name })).status, 201)
  t.equal((await admin.post('/api/v1/cmdb/cis', { type: 'vm', name: 'vm-01' })).status, 201)
  for (const name of ['other-01', 'other-02', 'other-03', 'other-04']) t.equal((await client(k, globex.admin).post('/api/v1/cmdb/cis', { type: 'vm', name })).status, 201)

  const res = await client(k, acme.member).get('/api/v1/cmdb/counts')
  t.equal(res.status, 200)
  t.equal(res.body.total, 4, 'another tenant\'s CIs are not counted')
  t.match(res.body.items.slice(0, 2), [{ type: 'server', label: 'Server', builtin: true, count: 3 }, { type: 'vm', count: 1 }])
  t.ok(res.body.items.slice(2).length > 0 && res.body.items.slice(2).every((i: { count: number }) => i.count === 0), 'types without CIs follow with 0')

  const unlicensed = await k.createTenant()
  const outsider = await k.signIn(unlicensed, ['tenant-admin'])
  t.match(await k.request('GET', '/api/v1/cmdb/counts', { token: outsider.token }), { status: 403, body: { code: 'feature_disabled' } })
})
