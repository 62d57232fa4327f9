import t from 'tap'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { PluginContext } from '@monozu/kernel'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { ciPublisher } from '../src/cis/events.ts'
import { emptyState } from '../src/cis/model.ts'
import { insertCis, newCi } from '../src/cis/store.ts'
import { appliancePlugins, client, discover, enrolAppliance, licensedTenant, startCmdb, type Client } from './helpers.ts'

// cmdb.ci_changed as a subscribing plugin receives it, from every path that writes CIs.
const recorder = fileURLToPath(new URL('./fixtures/fx-ci-events/', import.meta.url))

let k: TestKernel
t.before(async () => { k = await startCmdb({ plugins: [...appliancePlugins, recorder] }) })
t.teardown(() => k?.close())

interface Received { subject: string, payload: { ciId: string, change: string, changedFields: string[], class?: string, name: string } }
async function received (tenantId: string): Promise<Received[]> {
  const rows = await k.owner('fx_ci_events').where({ tenant_id: tenantId }).orderBy('seq')
  return rows.map((r: { subject: string, payload: string }) => ({ subject: r.subject, payload: JSON.parse(r.payload) }))
}
// deliverEvents drains what is due in this kernel, so a count read after it is final.
const until = (tenantId: string, n: number) => waitFor(`${n} events of tenant ${tenantId}`, async () => {
  await k.deliverEvents()
  const r = await received(tenantId)
  return r.length >= n ? r : undefined
})
const sorted = (a: string[]) => [...a].sort()
const create = async (api: Client, body: Record<string, unknown>) => {
  const res = await api.post('/api/v1/cmdb/cis', body)
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id as string
}

t.test('create, update and delete: one event each, in order, with the changed fields', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const id = await create(api, { type: 'server', name: 'web-01', hostname: 'web-01.acme.example', serial: 'CZ123', os: 'Ubuntu', cpuCores: 8 })
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'WEB-01' })).status, 409, 'a refused create...')
  t.equal((await api.patch(`/api/v1/cmdb/cis/${id}`, { os: 'Debian', cpuCores: null, locked: ['os'] })).status, 200)
  t.equal((await api.patch(`/api/v1/cmdb/cis/${id}`, { os: 'Debian' })).status, 200, 'a patch that changes nothing...')
  t.equal((await api.del(`/api/v1/cmdb/cis/${id}`)).status, 204)

  const events = await until(tenant.id, 3)
  t.same(events.map(e => [e.subject, e.payload.change]), [[id, 'created'], [id, 'updated'], [id, 'deleted']], '...and an unchanged patch publish nothing')
  t.same(events[0]!.payload, { ciId: id, change: 'created', class: 'server', name: 'web-01', changedFields: events[0]!.payload.changedFields })
  t.same(sorted(events[0]!.payload.changedFields), ['cpuCores', 'hostname', 'name', 'os', 'serial', 'status'], 'created: the fields set')
  t.same(sorted(events[1]!.payload.changedFields), ['cpuCores', 'locked', 'os'], 'updated: only what changed, locks included')
  t.same(events[2]!.payload, { ciId: id, change: 'deleted', class: 'server', name: 'web-01', changedFields: [] })
})

t.test('bulk edit and CSV import: one event per CI changed; a dry run publishes nothing', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const ids = [await create(api, { type: 'vm', name: 'a' }), await create(api, { type: 'vm', name: 'b' })]
  t.equal((await api.post('/api/v1/cmdb/cis/bulk', { ids, set: { status: 'maintenance', environment: 'staging' } })).status, 200)
  const csv = ['type,name,cpuCores', 'vm,a,4', 'vm,c,2'].join('\r\n')
  t.match((await api.send('POST', '/api/v1/cmdb/import?dryRun=true', csv, 'text/csv; charset=utf-8')).body, { created: 1, updated: 1 })
  t.match((await api.send('POST', '/api/v1/cmdb/import', csv, 'text/csv; charset=utf-8')).body, { applied: true, created: 1, updated: 1 })

  const events = await until(tenant.id, 6)
  const summary = events.slice(2).map(e => [e.payload.name, e.payload.change, sorted(e.payload.changedFields)])
  t.same(summary.slice(0, 2), [['a', 'updated', ['environment', 'status']], ['b', 'updated', ['environment', 'status']]], 'bulk edit')
  t.same(sorted(summary.slice(2).map(s => `${s[0]}:${s[1]}`)), ['a:updated', 'c:created'], 'import, once (not for the dry run)')
  t.same(events.find(e => e.payload.name === 'a' && e.payload.changedFields.includes('cpuCores'))?.payload.changedFields, ['cpuCores'])
  t.equal((await received(tenant.id)).length, 6)
})

t.test('discovery reconciliation publishes what it creates and updates', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const box = await enrolAppliance(k, admin)
  await discover(k, box, tenant, [{ source: 'lansweep', ciType: 'server', hostname: 'SRV-9', serial: 'DISC-9', fields: { os: 'Linux' } }])
  await discover(k, box, tenant, [{ source: 'lansweep', ciType: 'server', hostname: 'SRV-9', serial: 'DISC-9', fields: { os: 'Linux', cpuCores: 4 } }])
  const events = await until(tenant.id, 2)
  t.same(events.map(e => e.payload.change), ['created', 'updated'])
  t.equal(events[0]!.subject, events[1]!.subject, 'one CI, one subject')
  t.same(events[1]!.payload.changedFields, ['cpuCores'])
})

t.test('a change that rolls back publishes nothing', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const publish = ciPublisher(k.pluginContext('cmdb') as PluginContext)
  const at = new Date()
  const lost = newCi({ id: randomUUID(), type: 'vm', state: emptyState('rolled-back'), sources: {}, at })
  await t.rejects(k.db.withTenant(tenant.id, async trx => {
    await insertCis(trx, tenant.id, [lost], { actor: { kind: 'user', id: 'test', name: null }, requestId: 'rollback', message: null, at, publish })
    throw new Error('the caller fails after the write')
  }), /the caller fails/)
  // A change that commits afterwards is the first and only event the subscriber gets.
  const kept = await create(client(k, admin), { type: 'vm', name: 'kept' })
  const events = await until(tenant.id, 1)
  t.same(events.map(e => e.subject), [kept])
  t.equal(Number((await k.owner('event_outbox').where({ subject: lost.id }).count({ n: '*' }).first())?.n), 0, 'the rolled-back event is not in the outbox')
})

t.test('isolation: a tenant\'s subscriber scope receives only that tenant\'s events', async t => {
  const a = await licensedTenant(k)
  const b = await licensedTenant(k)
  const idA = await create(client(k, a.admin), { type: 'vm', name: 'same-name' })
  const idB = await create(client(k, b.admin), { type: 'vm', name: 'same-name' })
  t.same((await until(a.tenant.id, 1)).map(e => e.subject), [idA])
  t.same((await until(b.tenant.id, 1)).map(e => e.subject), [idB])
  const seenByB = await k.db.withTenant(b.tenant.id, trx => trx('fx_ci_events').pluck('subject'))
  t.same(seenByB, [idB], 'tenant B\'s scope never holds tenant A\'s event')
})
