import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { RESERVED_KEYS } from '../src/types/model.ts'
import { BUILTIN_TYPES } from '../src/types/builtin.ts'
import { appliancePlugins, client, discover, enrolAppliance, licensedTenant, startCmdb } from './helpers.ts'

// The attacker is a tenant-admin of Globex holding every cmdb permission, with Acme's ids.
let k: TestKernel
t.before(async () => { k = await startCmdb({ plugins: appliancePlugins }) })
t.teardown(() => k?.close())

t.test('another tenant\'s ids give 404 on every route, and its data never shows', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)

  await victim.post('/api/v1/cmdb/types', { key: 'secret-type', label: 'Secret', fields: [{ key: 'code', label: 'Code', kind: 'text' }] })
  const a = (await victim.post('/api/v1/cmdb/cis', { type: 'server', name: 'acme-db', serial: 'ACME-SN-1', hostname: 'shared-host' })).body.id as string
  const b = (await victim.post('/api/v1/cmdb/cis', { type: 'vm', name: 'acme-vm', hostname: 'shared-host' })).body.id as string
  const rel = (await victim.post('/api/v1/cmdb/relations', { sourceId: b, targetId: a, type: 'runs_on' })).body.id as string
  await discover(k, await enrolAppliance(k, acme.admin), acme.tenant, [{ source: 'x', ciType: 'server', hostname: 'shared-host' }])
  const review = (await victim.get('/api/v1/cmdb/review')).body.items[0].id as string
  const own = (await attacker.post('/api/v1/cmdb/cis', { type: 'server', name: 'globex-1' })).body.id as string
  const globexBox = await enrolAppliance(k, globex.admin)
  await discover(k, globexBox, globex.tenant, [{ source: 'x', ciType: 'server', serial: 'ACME-SN-1' }])
  const bulkRequest = (await victim.post('/api/v1/cmdb/cis/bulk', { ids: [a], set: { site: 'WAW' } })).body.requestId as string

  const expect404 = async (what: string, res: Promise<{ status: number, body: { code?: string } }>) => {
    const r = await res
    t.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  await expect404('GET ci', attacker.get(`/api/v1/cmdb/cis/${a}`))
  await expect404('PATCH ci', attacker.patch(`/api/v1/cmdb/cis/${a}`, { site: 'pwned' }))
  await expect404('DELETE ci', attacker.del(`/api/v1/cmdb/cis/${a}`))
  await expect404('history', attacker.get(`/api/v1/cmdb/cis/${a}/history`))
  await expect404('impact', attacker.get(`/api/v1/cmdb/cis/${a}/impact?direction=up`))
  await expect404('bulk', attacker.post('/api/v1/cmdb/cis/bulk', { ids: [own, a], set: { site: 'pwned' } }))
  await expect404('relation from theirs', attacker.post('/api/v1/cmdb/relations', { sourceId: own, targetId: a, type: 'depends_on' }))
  await expect404('relation to theirs', attacker.post('/api/v1/cmdb/relations', { sourceId: a, targetId: own, type: 'depends_on' }))
  await expect404('DELETE relation', attacker.del(`/api/v1/cmdb/relations/${rel}`))
  await expect404('GET review', attacker.get(`/api/v1/cmdb/review/${review}`))
  await expect404('accept review', attacker.post(`/api/v1/cmdb/review/${review}/accept`))
  await expect404('merge review', attacker.post(`/api/v1/cmdb/review/${review}/merge`, { ciId: own }))
  await expect404('reject review', attacker.post(`/api/v1/cmdb/review/${review}/reject`))
  await expect404('GET type', attacker.get('/api/v1/cmdb/types/secret-type'))
  await expect404('PATCH type', attacker.patch('/api/v1/cmdb/types/secret-type', { label: 'x' }))
  await expect404('DELETE type', attacker.del('/api/v1/cmdb/types/secret-type'))

  // Their own review item cannot be merged into the victim's CI either.
  const ownReview = await attacker.post('/api/v1/cmdb/cis', { type: 'vm', name: 'twin', hostname: 'twin' })
  await attacker.post('/api/v1/cmdb/cis', { type: 'server', name: 'twin2', hostname: 'twin' })
  await discover(k, globexBox, globex.tenant, [{ source: 'x', ciType: 'vm', hostname: 'twin' }])
  const item = (await attacker.get('/api/v1/cmdb/review')).body.items[0]
  t.ok(ownReview.status === 201 && item)
  await expect404('merge into theirs', attacker.post(`/api/v1/cmdb/review/${item.id}/merge`, { ciId: a }))

  // Lists, searches, filters, exports, changes and references see only the caller's tenant.
  const names = (await attacker.get('/api/v1/cmdb/cis?limit=200')).body.items.map((c: { name: string }) => c.name).sort()
  t.notOk(names.includes('acme-db') || names.includes('acme-vm'), `globex sees ${names.join(', ')}`)
  t.same((await attacker.get('/api/v1/cmdb/cis?serial=ACME-SN-1')).body.items.map((c: { name: string }) => c.name), ['ACME-SN-1'], 'discovery made globex its own CI, never matched acme\'s')
  t.same((await attacker.get('/api/v1/cmdb/cis?q=acme-db')).body.items, [])
  t.same((await attacker.get(`/api/v1/cmdb/relations?ciId=${a}`)).body.items, [])
  t.same((await attacker.get(`/api/v1/cmdb/changes?requestId=${bulkRequest}`)).body.items, [])
  t.notOk((await attacker.get('/api/v1/cmdb/export')).raw.body.includes('acme-db'))
  t.notOk((await attacker.get('/api/v1/cmdb/types')).body.items.some((x: { key: string }) => x.key === 'secret-type'))
  t.equal((await attacker.get('/api/v1/cmdb/cis?type=secret-type')).body.items.length, 0)
  await attacker.patch('/api/v1/cmdb/types/vm', { fields: [{ key: 'host', label: 'Host', kind: 'reference' }] })
  const ref = await attacker.patch(`/api/v1/cmdb/cis/${own}`, {})
  t.equal(ref.status, 200)
  const vm = (await attacker.post('/api/v1/cmdb/cis', { type: 'vm', name: 'refers', host: a })).body
  t.match(vm, { code: 'validation_failed', errors: [{ pointer: '/host', rule: 'reference' }] }, 'a reference to another tenant\'s CI does not resolve')
  const imported = await attacker.send('POST', '/api/v1/cmdb/import?dryRun=true', `id,type,name\n${a},server,acme-db`, 'text/csv')
  t.match(imported.body.errors, [{ pointer: '/rows/2/id', rule: 'not_found' }], 'an import cannot update another tenant\'s CI by id')

  // And nothing of Acme's changed.
  const after = (await victim.get(`/api/v1/cmdb/cis/${a}`)).body
  t.match(after, { name: 'acme-db', site: 'WAW', serial: 'ACME-SN-1' })
  t.equal((await victim.get(`/api/v1/cmdb/review/${review}`)).body.state, 'open')
  t.equal((await victim.get(`/api/v1/cmdb/relations?ciId=${a}`)).body.items.length, 1)
})

t.test('a tenant without the cmdb license, a member and an anonymous caller are refused', async t => {
  const unlicensed = await k.createTenant()
  const admin = await k.signIn(unlicensed, ['tenant-admin'])
  const res = await k.request('GET', '/api/v1/cmdb/cis', { token: admin.token })
  t.equal(res.status, 403)
  t.equal(res.body.code, 'feature_disabled')
  t.equal((await k.request('GET', '/api/v1/cmdb/cis')).status, 401)
  const { member } = await licensedTenant(k)
  const m = client(k, member)
  t.equal((await m.get('/api/v1/cmdb/cis')).status, 200, 'members read')
  for (const [method, url, body] of [
    ['POST', '/api/v1/cmdb/cis', { type: 'vm', name: 'x' }], ['POST', '/api/v1/cmdb/types', { key: 'xx', label: 'x' }],
    ['PATCH', '/api/v1/cmdb/types/vm', { fields: [] }], ['POST', '/api/v1/cmdb/relations', { sourceId: randomUUID(), targetId: randomUUID(), type: 'hosts' }]
  ] as const) {
    t.equal((await k.request(method, url, { token: member, body })).status, 403, `${method} ${url}`)
  }
  t.equal((await m.send('POST', '/api/v1/cmdb/import', 'type,name\nvm,x', 'text/csv')).status, 403)
})

t.test('no built-in field uses a key the API reserves', async t => {
  for (const type of BUILTIN_TYPES) for (const f of type.fields) t.notOk(RESERVED_KEYS.has(f.key), `${type.key}.${f.key}`)
})
