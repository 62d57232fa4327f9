import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { isSimpleRegex } from '../src/types/values.ts'
import { client, licensedTenant, startCmdb } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startCmdb() })
t.teardown(() => k?.close())

const pointers = (body: { errors?: Array<{ pointer: string }> }) => (body.errors ?? []).map(e => e.pointer).sort()

t.test('create, read, change and delete a CI; names are unique per type', async t => {
  const { admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const created = await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'web-01', hostname: 'WEB-01.acme.example.', serial: ' cz123 ', macs: ['AA-BB-CC-DD-EE-01'], os: 'Ubuntu', cpuCores: 8, site: 'WAW', message: 'new rack' })
  t.equal(created.status, 201, JSON.stringify(created.body))
  t.match(created.body, { id: String, type: 'server', name: 'web-01', status: 'active', hostname: 'web-01.acme.example', serial: 'CZ123', macs: ['aa:bb:cc:dd:ee:01'], os: 'Ubuntu', cpuCores: 8, site: 'WAW', version: 1, locked: [] })
  t.match(created.body.provenance.os, { by: 'user', at: String }, 'every field records who set it')
  const id = created.body.id as string

  const read = await client(k, member).get(`/api/v1/cmdb/cis/${id}`)
  t.equal(read.status, 200)
  t.equal(read.body.cpuCores, 8)

  const dup = await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'WEB-01' })
  t.equal(dup.status, 409, 'the same name (any case) within a type is a conflict')
  t.equal(dup.body.code, 'conflict')
  t.equal(dup.body.existingId, id)
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'web-01' })).status, 201, 'the same name in another type is fine')

  const patched = await api.patch(`/api/v1/cmdb/cis/${id}`, { os: 'Debian', cpuCores: null, locked: ['os'], message: 'reinstalled' }, { 'if-match': '"1"' })
  t.equal(patched.status, 200, JSON.stringify(patched.body))
  t.match(patched.body, { os: 'Debian', version: 2, locked: ['os'] })
  t.notOk('cpuCores' in patched.body, 'null clears a field')
  const stale = await api.patch(`/api/v1/cmdb/cis/${id}`, { os: 'Arch' }, { 'if-match': '"1"' })
  t.equal(stale.status, 409, 'a stale If-Match is refused instead of losing an update')
  t.equal(stale.body.currentVersion, 2)
  t.equal((await api.patch(`/api/v1/cmdb/cis/${id}`, { type: 'vm' })).body.code, 'validation_failed', 'the type cannot change')

  const history = await api.get(`/api/v1/cmdb/cis/${id}/history`)
  t.equal(history.status, 200)
  t.equal(history.body.items.length, 2)
  t.match(history.body.items[0], { action: 'update', before: { os: 'Ubuntu', cpuCores: 8, locked: [] }, after: { os: 'Debian', cpuCores: null, locked: ['os'] }, message: 'reinstalled', actor: { kind: 'user' }, requestId: String })
  t.match(history.body.items[1], { action: 'create', after: { name: 'web-01', os: 'Ubuntu' }, message: 'new rack' })
  t.notOk('hostname' in history.body.items[0].after, 'an update logs only what changed')

  t.equal((await client(k, member).patch(`/api/v1/cmdb/cis/${id}`, { os: 'x' })).status, 403, 'members only read')
  t.equal((await api.del(`/api/v1/cmdb/cis/${id}?message=decommissioned`)).status, 204)
  t.equal((await api.get(`/api/v1/cmdb/cis/${id}`)).status, 404)
  const after = await api.get(`/api/v1/cmdb/cis/${id}/history`)
  t.match(after.body.items[0], { action: 'delete', before: { name: 'web-01' }, after: null, message: 'decommissioned' }, 'the log outlives the CI')
})

t.test('custom types and fields: every rule enforced by the server, with per-field errors', async t => {
  const { admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const target = (await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'esx-01' })).body.id as string
  const vm = (await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'vm-01' })).body.id as string

  t.equal((await client(k, member).post('/api/v1/cmdb/types', { key: 'printer', label: 'Printer' })).status, 403, 'types need cmdb.admin')
  const bad = await api.post('/api/v1/cmdb/types', {
    key: 'printer', label: 'Printer',
    fields: [
      { key: 'name', label: 'Name', kind: 'text' },
      { key: 'toner', label: 'Toner', kind: 'select' },
      { key: 'pages', label: 'Pages', kind: 'integer', regex: '\\d+', min: 5, max: 1 },
      { key: 'code', label: 'Code', kind: 'text', regex: '([' },
      { key: 'host', label: 'Host', kind: 'reference', refType: 'nope' }
    ]
  })
  t.equal(bad.status, 400)
  t.same(pointers(bad.body), ['/fields/0/key', '/fields/1/choices', '/fields/2/min', '/fields/2/regex', '/fields/3/regex', '/fields/4/refType'])

  const printer = await api.post('/api/v1/cmdb/types', {
    key: 'printer', label: 'Printer', description: 'Office printers',
    fields: [
      { key: 'assetTag', label: 'Asset tag', kind: 'text', required: true, regex: 'AT-[0-9]{4}', max: 7 },
      { key: 'pages', label: 'Pages printed', kind: 'integer', min: 0, max: 1000000 },
      { key: 'colour', label: 'Colour', kind: 'boolean' },
      { key: 'installed', label: 'Installed', kind: 'date' },
      { key: 'manual', label: 'Manual', kind: 'url' },
      { key: 'toner', label: 'Toner', kind: 'select', choices: ['ok', 'low', 'empty'] },
      { key: 'server', label: 'Print server', kind: 'reference', refType: 'server' }
    ]
  })
  t.equal(printer.status, 201, JSON.stringify(printer.body))
  t.equal((await api.post('/api/v1/cmdb/types', { key: 'printer', label: 'Again' })).status, 409)

  const invalid = await api.post('/api/v1/cmdb/cis', {
    type: 'printer', name: 'prn-01', pages: -1, colour: 'yes', installed: '2024-02-30', manual: 'ftp://x', toner: 'half', server: vm, ink: 'cyan'
  })
  t.equal(invalid.status, 400)
  t.equal(invalid.body.code, 'validation_failed')
  t.same(pointers(invalid.body), ['/assetTag', '/colour', '/ink', '/installed', '/manual', '/pages', '/server', '/toner'])
  t.match(invalid.body.errors.find((e: { pointer: string }) => e.pointer === '/assetTag'), { rule: 'required' })
  t.match(invalid.body.errors.find((e: { pointer: string }) => e.pointer === '/server'), { rule: 'reference', message: /server/ })
  t.match(invalid.body.errors.find((e: { pointer: string }) => e.pointer === '/ink'), { rule: 'unknown_field' })
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'printer', name: 'prn-01', assetTag: 'AT-12' })).body.errors[0].rule, 'regex')
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'printer', name: 'prn-01', assetTag: 'AT-12345' })).body.errors[0].rule, 'max', 'length rules come before the pattern')

  const ok = await api.post('/api/v1/cmdb/cis', { type: 'printer', name: 'prn-01', assetTag: 'AT-0001', pages: 1200, colour: true, installed: '2024-02-29', manual: 'https://example.com/m.pdf', toner: 'low', server: target })
  t.equal(ok.status, 201, JSON.stringify(ok.body))
  t.match(ok.body, { assetTag: 'AT-0001', pages: 1200, colour: true, installed: '2024-02-29', toner: 'low', server: target })
  t.equal((await api.patch(`/api/v1/cmdb/cis/${ok.body.id}`, { assetTag: null })).body.errors[0].rule, 'required', 'a required field cannot be cleared')

  // A custom field on a built-in type; the list filters on it.
  const extended = await api.patch('/api/v1/cmdb/types/server', { fields: [{ key: 'rack', label: 'Rack', kind: 'text' }] })
  t.equal(extended.status, 200, JSON.stringify(extended.body))
  t.ok(extended.body.fields.some((f: { key: string, builtin: boolean }) => f.key === 'rack' && !f.builtin))
  t.equal((await api.patch('/api/v1/cmdb/types/server', { label: 'Box' })).status, 400, 'built-in labels stay')
  t.equal((await api.patch(`/api/v1/cmdb/cis/${target}`, { rack: 'R1-U10' })).status, 200)
  const listed = await api.get('/api/v1/cmdb/cis?f.rack=r1-u10')
  t.same(listed.body.items.map((c: { id: string }) => c.id), [target], 'custom-field filters match case-insensitively')

  // Removing a field clears its values, through the change log.
  const removed = await api.patch('/api/v1/cmdb/types/server', { fields: [] })
  t.equal(removed.body.cleared, 1)
  t.notOk('rack' in (await api.get(`/api/v1/cmdb/cis/${target}`)).body)
  t.match((await api.get(`/api/v1/cmdb/cis/${target}/history`)).body.items[0], { before: { rack: 'R1-U10' }, after: { rack: null } })

  const kindChange = await api.patch('/api/v1/cmdb/types/printer', { fields: [{ key: 'assetTag', label: 'Asset tag', kind: 'integer' }] })
  t.equal(kindChange.status, 409, 'a field cannot change its kind')
  t.equal((await api.del('/api/v1/cmdb/types/printer')).status, 409, 'a type in use cannot be deleted')
  t.equal((await api.del('/api/v1/cmdb/types/server')).status, 409, 'built-in types cannot be deleted')

  // Deleting a referenced CI clears the reference (logged on the referring CI).
  t.equal((await api.del(`/api/v1/cmdb/cis/${target}`)).status, 204)
  const prn = (await api.get(`/api/v1/cmdb/cis/${ok.body.id}`)).body
  t.notOk('server' in prn)
  const types = await client(k, member).get('/api/v1/cmdb/types')
  t.same(types.body.items.map((x: { key: string }) => x.key), ['server', 'workstation', 'network-device', 'vm', 'application', 'service', 'printer'])
})

t.test('a tenant\'s catastrophic pattern fails one value instead of stalling the instance', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  t.equal((await api.patch('/api/v1/cmdb/types/vm', { fields: [{ key: 'tag', label: 'Tag', kind: 'text', regex: '(a+)+b' }, { key: 'code', label: 'Code', kind: 'text', regex: '[A-Z]{2}-[0-9]+' }] })).status, 200)
  const evil = await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'redos', tag: 'a'.repeat(40) + 'c' })
  t.equal(evil.status, 400)
  t.match(evil.body.errors, [{ pointer: '/tag', rule: 'regex', message: /too long/ }])
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'ok', tag: 'aaab', code: 'AB-12' })).status, 201, 'the same patterns still work on ordinary values')
  t.equal((await api.post('/api/v1/cmdb/cis', { type: 'vm', name: 'bad', code: 'ab-12' })).body.errors[0].rule, 'regex')
  t.ok(isSimpleRegex('AT-[0-9]{4}') && isSimpleRegex('[A-Z]+-\\d+') && isSimpleRegex('R[0-9]+-U[0-9]{1,2}'))
  t.notOk(isSimpleRegex('(a+)+b') || isSimpleRegex('(?:ab)*c') || isSimpleRegex('\\d+\\d+\\d+x') || isSimpleRegex('(x){2,}'))
})

t.test('list: filters, search, sort and cursor pagination', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  for (let i = 0; i < 7; i++) {
    const r = await api.post('/api/v1/cmdb/cis', { type: i % 2 ? 'vm' : 'server', name: `node-${String(i).padStart(2, '0')}`, status: i === 3 ? 'retired' : 'active', site: i < 4 ? 'WAW' : 'KRK', cpuCores: 2 + (i % 3), hostname: `node${i}`, macs: [`aa:bb:cc:00:00:0${i}`] })
    t.equal(r.status, 201)
  }
  const names = (body: { items: Array<{ name: string }> }) => body.items.map(c => c.name)
  t.same(names((await api.get('/api/v1/cmdb/cis?type=vm')).body), ['node-01', 'node-03', 'node-05'])
  t.same(names((await api.get('/api/v1/cmdb/cis?status=retired')).body), ['node-03'])
  t.same(names((await api.get('/api/v1/cmdb/cis?site=KRK&sort=-name')).body), ['node-06', 'node-05', 'node-04'])
  t.same(names((await api.get('/api/v1/cmdb/cis?f.cpuCores=4')).body), ['node-02', 'node-05'])
  t.same(names((await api.get('/api/v1/cmdb/cis?type=server&f.cpuCores=4')).body), ['node-02'])
  t.same(names((await api.get('/api/v1/cmdb/cis?q=DE-0')).body).length, 7)
  t.same(names((await api.get('/api/v1/cmdb/cis?hostname=NODE4')).body), ['node-04'])
  t.same(names((await api.get('/api/v1/cmdb/cis?mac=AA-BB-CC-00-00-05')).body), ['node-05'])
  t.equal((await api.get('/api/v1/cmdb/cis?f.cpuCores=many')).body.code, 'validation_failed')
  t.equal((await api.get('/api/v1/cmdb/cis?f.nosuch=1')).body.errors[0].rule, 'unknown_field')
  t.equal((await api.get('/api/v1/cmdb/cis?colour=red')).status, 400, 'unknown parameters are rejected')

  for (const sort of ['name', '-name', 'type', '-status', 'createdAt', '-updatedAt']) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: { body: { items: Array<{ name: string }>, nextCursor: string | null } } = await api.get(`/api/v1/cmdb/cis?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...names(res.body))
      cursor = res.body.nextCursor
    } while (cursor)
    t.equal(new Set(seen).size, 7, `sort ${sort}: every CI once across pages`)
  }
  const first = await api.get('/api/v1/cmdb/cis?limit=2&sort=name')
  t.equal((await api.get(`/api/v1/cmdb/cis?limit=2&sort=type&cursor=${first.body.nextCursor}`)).status, 400, 'a cursor of another sort is refused')
})

t.test('every route is in the OpenAPI document', async t => {
  const doc = await k.request('GET', '/api/docs/json')
  t.equal(doc.status, 200)
  const paths = Object.keys(doc.body.paths).filter(p => p.startsWith('/api/v1/cmdb/'))
  for (const p of ['/api/v1/cmdb/cis', '/api/v1/cmdb/cis/{id}', '/api/v1/cmdb/cis/{id}/impact', '/api/v1/cmdb/cis/{id}/history', '/api/v1/cmdb/relations', '/api/v1/cmdb/types/{key}', '/api/v1/cmdb/import', '/api/v1/cmdb/export', '/api/v1/cmdb/review/{id}/merge']) {
    t.ok(paths.includes(p), p)
  }
})

t.test('bulk edit: all or nothing, one request id groups the changes', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const ids: string[] = []
  for (const name of ['a', 'b', 'c']) ids.push((await api.post('/api/v1/cmdb/cis', { type: 'vm', name })).body.id)
  const bad = await api.post('/api/v1/cmdb/cis/bulk', { ids, set: { memoryGb: -5 } })
  t.equal(bad.status, 400)
  const good = await api.post('/api/v1/cmdb/cis/bulk', { ids, set: { status: 'maintenance', environment: 'staging' }, message: 'patch window' }, { 'x-request-id': 'bulk-window-42' })
  t.same(good.body, { requestId: 'bulk-window-42', updated: 3, unchanged: 0 })
  const changes = await api.get('/api/v1/cmdb/changes?requestId=bulk-window-42')
  t.equal(changes.body.items.length, 3)
  t.ok(changes.body.items.every((c: { message: string, after: { status: string } }) => c.message === 'patch window' && c.after.status === 'maintenance'))
  t.equal((await api.post('/api/v1/cmdb/cis/bulk', { ids, set: { name: 'x' } })).status, 400, 'names are not bulk-edited')
})
