import t from 'tap'
import WebSocket from 'ws'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliancePlugins, client, discover as send, enrolAppliance, eventually, ingest, licensedTenant, startCmdb, type Client, type Tenant } from './helpers.ts'

// Events travel the real path: an enrolled appliance POSTs them to /v1/ingest (edge-ingest),
// the kernel stores them in its ingest inbox and its dispatcher hands them to the cmdb.
let k: TestKernel
t.before(async () => { k = await startCmdb({ plugins: appliancePlugins }) })
t.teardown(() => k?.close())

type Appliance = { deviceId: string, deviceKey: string }
const discover = (box: Appliance, tenant: Tenant, events: Array<Record<string, unknown>>) => send(k, box, tenant, events)

const all = async (api: Client, query = '') => (await api.get(`/api/v1/cmdb/cis?limit=200${query}`)).body.items as Array<Record<string, any>>

t.test('the same appliance discovered twice makes one CI; every field records its source', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  const device = box.deviceId
  const asset = { source: 'lansweep', ciType: 'server', hostname: 'SRV-01', serial: 'abc123', macs: ['00-11-22-33-44-55'], fields: { os: 'Windows Server', cpuCores: 16 } }
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const ws = new WebSocket(`${url}/api/ws/cmdb`, ['bearer', admin])
  const seen: Array<{ event: string, data: Record<string, any> }> = []
  ws.on('message', raw => seen.push(JSON.parse(raw.toString())))
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
  await discover(box, tenant, [asset])
  const live = await eventually(async () => seen.find(e => e.event === 'cis.changed'))
  t.match(live.data, { created: 1, updated: 0, requestId: /^discovery-/, ids: [String] }, 'the batch is announced once it committed')
  ws.close()
  await discover(box, tenant, [asset, { ...asset, fields: { os: 'Windows Server', cpuCores: 16, memoryGb: 64 } }])
  const cis = await all(api)
  t.equal(cis.length, 1, 'one CI, not three')
  t.match(cis[0], { type: 'server', name: 'srv-01', hostname: 'srv-01', serial: 'ABC123', macs: ['00:11:22:33:44:55'], os: 'Windows Server', cpuCores: 16, memoryGb: 64 })
  const one = (await api.get(`/api/v1/cmdb/cis/${cis[0]!.id}`)).body
  t.match(one.provenance.memoryGb, { by: 'discovery', deviceId: device, source: 'lansweep', eventId: String, at: String })
  t.match(one.provenance.serial, { by: 'discovery', deviceId: device, source: 'lansweep' })
  const history = (await api.get(`/api/v1/cmdb/cis/${cis[0]!.id}/history`)).body.items
  t.same(history.map((h: { action: string }) => h.action), ['update', 'create'], 'the repeat with nothing new logs nothing')
  t.match(history[1], { actor: { kind: 'discovery', id: device, name: 'lansweep' }, requestId: /^discovery-/ })

  // Matched by MAC when the serial is not sent (written another way), and by hardware UUID.
  await discover(box, tenant, [{ source: 'snmp', ciType: 'server', macs: ['0011.2233.4455'], fields: { osVersion: '2022' } }])
  t.equal((await all(api)).length, 1)
  t.equal((await all(api))[0]!.osVersion, '2022')
})

t.test('a locked field survives discovery; a field discovery did not send keeps its value', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const created = await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'db-01', serial: 'SN-DB-01', os: 'Ubuntu', osVersion: '22.04', site: 'WAW', description: 'Primary database', locked: ['os'] })
  t.equal(created.status, 201)
  await discover(await enrolAppliance(k, admin), tenant, [{ source: 'agent', ciType: 'server', serial: 'sn-db-01', hostname: 'db-01.acme.example', fields: { os: 'Linux', cpuCores: 8 } }])
  const ci = (await api.get(`/api/v1/cmdb/cis/${created.body.id}`)).body
  t.equal(ci.os, 'Ubuntu', 'the locked field kept the user\'s value')
  t.equal(ci.provenance.os.by, 'user')
  t.equal(ci.cpuCores, 8, 'an unlocked field took the discovered value')
  t.equal(ci.hostname, 'db-01.acme.example')
  t.equal(ci.osVersion, '22.04', 'a field the event did not send keeps its value')
  t.equal(ci.site, 'WAW')
  t.equal(ci.description, 'Primary database')
  t.equal(ci.name, 'db-01', 'discovery never renames')
  t.equal((await all(api)).length, 1)
})

t.test('an ambiguous match lands in review instead of making a duplicate; accept, merge and reject', async t => {
  const { tenant, admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const a = (await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'app-a', hostname: 'app01' })).body
  const b = (await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'app-b', hostname: 'app01' })).body
  const box = await enrolAppliance(k, admin)
  const device = box.deviceId
  const event = { source: 'nmap', ciType: 'server', hostname: 'app01', fields: { os: 'Linux' } }
  await discover(box, tenant, [event])
  await discover(box, tenant, [event])
  t.equal((await all(api)).length, 2, 'no CI was created or guessed')
  t.equal((await api.get(`/api/v1/cmdb/cis/${a.id}`)).body.os, undefined, 'neither candidate was changed')
  const review = await client(k, member).get('/api/v1/cmdb/review')
  t.equal(review.status, 200)
  t.equal(review.body.items.length, 1, 'the same asset reported again updates its open item')
  const item = review.body.items[0]
  t.match(item, { state: 'open', reason: /hostname/, deviceId: device, source: 'nmap', seen: 2, event: { hostname: 'app01', fields: { os: 'Linux' } } })
  t.same(item.candidates.map((c: { id: string }) => c.id).sort(), [a.id, b.id].sort())
  t.match(item.candidates[0], { matchedBy: 'hostname', name: String })

  t.equal((await client(k, member).post(`/api/v1/cmdb/review/${item.id}/merge`, { ciId: a.id })).status, 403, 'resolving needs cmdb.write')
  const merged = await api.post(`/api/v1/cmdb/review/${item.id}/merge`, { ciId: a.id })
  t.equal(merged.status, 200, JSON.stringify(merged.body))
  t.match(merged.body, { id: a.id, os: 'Linux', provenance: { os: { by: 'discovery', deviceId: device, source: 'nmap' } } })
  t.equal((await api.post(`/api/v1/cmdb/review/${item.id}/reject`)).status, 409, 'a resolved item cannot be resolved again')
  t.match((await api.get(`/api/v1/cmdb/review/${item.id}`)).body, { state: 'merged', ciId: a.id, resolvedBy: String })

  // Same hostname, other serial: a different machine, never merged silently.
  const c = (await api.post('/api/v1/cmdb/cis', { type: 'workstation', name: 'ws9', hostname: 'ws9', serial: 'OLD-1' })).body
  await discover(box, tenant, [{ source: 'nmap', ciType: 'workstation', hostname: 'ws9', serial: 'NEW-2' }])
  const conflict = (await api.get('/api/v1/cmdb/review')).body.items[0]
  t.match(conflict, { reason: /serial differs/, candidates: [{ id: c.id, matchedBy: 'hostname' }] })
  const accepted = await api.post(`/api/v1/cmdb/review/${conflict.id}/accept`)
  t.equal(accepted.status, 409, 'accepting would duplicate the name ws9')
  await api.patch(`/api/v1/cmdb/cis/${c.id}`, { name: 'ws-9-old' })
  const accepted2 = await api.post(`/api/v1/cmdb/review/${conflict.id}/accept?message=replacement%20laptop`)
  t.equal(accepted2.status, 201, JSON.stringify(accepted2.body))
  t.match(accepted2.body, { type: 'workstation', name: 'ws9', serial: 'NEW-2', provenance: { serial: { by: 'discovery' } } })
  t.match((await api.get(`/api/v1/cmdb/cis/${accepted2.body.id}/history`)).body.items[0], { actor: { kind: 'review' }, message: 'replacement laptop' })

  // An unknown type goes to review too; reject discards it.
  await discover(box, tenant, [{ source: 'nmap', ciType: 'printer', hostname: 'prn1' }])
  const unknown = (await api.get('/api/v1/cmdb/review')).body.items[0]
  t.match(unknown, { reason: /no CI type "printer"/ })
  t.equal((await api.post(`/api/v1/cmdb/review/${unknown.id}/reject`)).status, 204)
  t.equal((await api.get('/api/v1/cmdb/review')).body.items.length, 0)
  t.equal((await api.get('/api/v1/cmdb/review?state=all')).body.items.length, 3)
})

t.test('bad values are skipped field by field; a batch mentioning one asset twice makes one CI', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await discover(box, tenant, [
    { source: 'x', ciType: 'vm', hardwareUuid: '4C4C4544-0032-3510-8043-B4C04F4E3132', fields: { cpuCores: 'eight', memoryGb: 16, colour: 'red' } },
    { source: 'x', ciType: 'vm', hardwareUuid: '4c4c454400323510 8043b4c04f4e3132'.replace(' ', ''), hostname: 'vm-7', fields: { os: 'Debian' } }
  ])
  const cis = await all(api)
  t.equal(cis.length, 1)
  t.match(cis[0], { name: '4c4c4544-0032-3510-8043-b4c04f4e3132', hardwareUuid: '4c4c4544-0032-3510-8043-b4c04f4e3132', memoryGb: 16, os: 'Debian', hostname: 'vm-7' })
  t.notOk('cpuCores' in cis[0]!)

  // Events that break the declared schema are refused one by one at the door (here: no identifier).
  const refused = await ingest(k, box.deviceKey, [{ source: 'x', ciType: 'vm', fields: {} }, { source: 'x', ciType: 'vm', serial: 'OK-1', extra: 1 }, { source: 'x', ciType: 'vm', serial: 'OK-2' }])
  t.equal(refused.status, 202)
  t.match(refused.body, { accepted: 1, rejected: [{ index: 0, code: 'invalid_event' }, { index: 1, code: 'invalid_event' }] })
})

t.test('discovery stays inside its tenant', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const globexCi = (await client(k, globex.admin).post('/api/v1/cmdb/cis', { type: 'server', name: 'shared-serial', serial: 'SAME-1', os: 'Globex OS' })).body
  await discover(await enrolAppliance(k, acme.admin), acme.tenant, [{ source: 'x', ciType: 'server', serial: 'SAME-1', fields: { os: 'Acme OS' } }])
  t.equal((await client(k, globex.admin).get(`/api/v1/cmdb/cis/${globexCi.id}`)).body.os, 'Globex OS')
  const acmeCis = await all(client(k, acme.admin))
  t.equal(acmeCis.length, 1)
  t.not(acmeCis[0]!.id, globexCi.id)
  t.equal(acmeCis[0]!.os, 'Acme OS')
})

t.test('a discovery event\'s software list goes on as cmdb.software_reported, with the CI it reconciled to', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const box = await enrolAppliance(k, admin)
  const software = [{ name: 'lodash', version: '4.17.20', ecosystem: 'npm' }, { name: 'openssl', version: '3.0.11-1~deb12u2', ecosystem: 'Debian:12', purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2' }]
  await discover(box, tenant, [{ source: 'agent', ciType: 'server', hostname: 'web-sw-01', software }, { source: 'agent', ciType: 'server', hostname: 'web-sw-02' }])
  const rows = await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'cmdb.software_reported' })
  t.equal(rows.length, 1, 'one event: the asset without a software list publishes none')
  const ci = (await all(client(k, admin), '&q=web-sw-01'))[0]!
  const payload = typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload
  t.match(payload, { ciId: ci.id, ciName: 'web-sw-01', deviceId: box.deviceId, source: 'agent', observedAt: String, software })
  t.equal(rows[0].subject, ci.id)
  const bad = await ingest(k, box.deviceKey, [{ source: 'agent', ciType: 'server', hostname: 'x', software: [{ name: 'a', version: '1' }] }])
  t.match(bad.body, { accepted: 0, rejected: [{ index: 0 }] }, 'an item without an ecosystem is refused')
})
