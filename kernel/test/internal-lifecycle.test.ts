import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:http'
import { createHash, randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { gated, notesAndTags } from './helpers/paths.ts'

const TOKEN = 'internal-token-lifecycle-0123456789abcdef'
let k: TestKernel
const got: unknown[] = []
const management = createServer((req, res) => {
  let body = ''
  req.on('data', c => { body += c })
  req.on('end', () => { got.push({ token: req.headers['x-internal-token'], url: req.url, body: JSON.parse(body) }); res.writeHead(202).end('{}') })
})

t.before(async () => {
  await new Promise<void>(resolve => management.listen(0, '127.0.0.1', resolve))
  const port = (management.address() as { port: number }).port
  k = await startTestKernel({ plugins: [...notesAndTags, gated], config: { internalTokens: [TOKEN], managementUrl: `http://127.0.0.1:${port}` } })
})
t.teardown(async () => { await k?.close(); management.close() })

const call = (method: string, url: string, token: string | null = TOKEN, body?: unknown) =>
  k.request(method as 'GET', url, { headers: token ? { 'x-internal-token': token } : {}, ...(body !== undefined ? { body } : {}) })

t.test('a wrong or missing internal token is 401 on every lifecycle route', async t => {
  const tenant = await k.createTenant()
  for (const [method, url] of [['POST', `/internal/v1/tenants/${tenant.id}/suspend`], ['GET', `/internal/v1/tenants/${tenant.id}/export`], ['DELETE', `/internal/v1/tenants/${tenant.id}`], ['POST', `/internal/v1/tenants/${tenant.id}/purge`], ['POST', '/internal/v1/usage/report']] as const) {
    t.equal((await call(method, url, null)).status, 401, `${method} ${url} without a token`)
    t.equal((await call(method, url, TOKEN + 'x')).status, 401, `${method} ${url} with a wrong token`)
  }
  const user = await k.signIn(tenant, ['tenant-admin'])
  t.equal((await k.request('POST', `/internal/v1/tenants/${tenant.id}/suspend`, { token: user.token })).status, 401, 'a user token is no internal token')
  t.equal((await k.kernel.tenancy.tenantById(tenant.id))?.status, 'active')
})

t.test('suspend refuses sign-in and the API at once; resume restores them', async t => {
  const tenant = await k.createTenant()
  const admin = await k.signIn(tenant, ['tenant-admin'])
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: admin.token })).status, 200)
  const suspended = await call('POST', `/internal/v1/tenants/${tenant.id}/suspend`)
  t.equal(suspended.status, 200)
  t.match(suspended.body, { status: 'suspended' })
  const refused = await k.request('GET', '/api/v1/fx-notes/notes', { token: admin.token })
  t.equal(refused.status, 403, 'an existing access token is refused on the next request')
  t.equal(refused.body.code, 'tenant_suspended')
  t.notOk(await k.kernel.services.features.isEnabled(tenant.id, 'fx-notes'), 'plugins (ingest, channels, jobs) are off for a suspended tenant')
  const audit = await k.kernel.conn.owner('audit_log').where({ action: 'tenant.suspended', tenant_id: tenant.id }).first()
  t.equal(audit?.actor, 'internal:management', 'audited')
  t.equal((await call('POST', `/internal/v1/tenants/${tenant.id}/resume`)).status, 200)
  t.ok(await k.kernel.services.features.isEnabled(tenant.id, 'fx-notes'), 'resumed')
  const again = await k.signIn(tenant, ['tenant-admin'])
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: again.token })).status, 200)
})

t.test('export: every tenant table as NDJSON in one tar.gz, only this tenant\'s rows; delete, grace, purge', async t => {
  const tenant = await k.createTenant({ slug: 'leaving' })
  const other = await k.createTenant({ slug: 'staying' })
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const stay = await k.signIn(other, ['tenant-admin'])
  for (let i = 0; i < 3; i++) t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token: admin.token, body: { title: `note ${i}` } })).status, 201)
  t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token: stay.token, body: { title: 'other tenant' } })).status, 201)

  const res = await k.app.inject({ method: 'GET', url: `/internal/v1/tenants/${tenant.id}/export`, headers: { 'x-internal-token': TOKEN } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/gzip')
  const dir = mkdtempSync(join(tmpdir(), 'export-'))
  writeFileSync(join(dir, 'a.tar.gz'), res.rawPayload)
  execFileSync('tar', ['xzf', 'a.tar.gz'], { cwd: dir })
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  t.match(manifest, { format: 'monozu-tenant-export/1', tenant: { id: tenant.id, slug: 'leaving' } })
  const tables = readdirSync(join(dir, 'tables'))
  t.ok(tables.includes('users.ndjson') && tables.includes('audit_log.ndjson'), 'kernel tenant tables are in')
  const notesFile = tables.find(f => f.includes('note'))
  t.ok(notesFile, 'a plugin\'s tenant table is in without the plugin doing anything')
  const notes = readFileSync(join(dir, 'tables', notesFile!), 'utf8').trim().split('\n').map(l => JSON.parse(l))
  t.equal(notes.length, 3, 'every row of the tenant')
  t.ok(notes.every(n => n.tenant_id === tenant.id), 'and no other tenant\'s')

  const del = await call('DELETE', `/internal/v1/tenants/${tenant.id}?graceSeconds=3600`)
  t.equal(del.status, 202)
  t.match(del.body, { status: 'suspended', deletion: { purgedAt: null } })
  t.equal((await call('POST', `/internal/v1/tenants/${tenant.id}/resume`)).status, 409, 'a tenant being deleted cannot be resumed')
  t.equal((await call('POST', `/internal/v1/tenants/${tenant.id}/purge`)).status, 409, 'not before the grace period ends')
  await k.kernel.conn.owner('tenant_deletions').where({ tenant: tenant.id }).update({ purge_after: new Date(Date.now() - 1000) })
  const purged = await call('POST', `/internal/v1/tenants/${tenant.id}/purge`)
  t.equal(purged.status, 200)
  t.ok(purged.body.deletion.purgedRows >= 4, `purged ${purged.body.deletion.purgedRows} rows`)
  const left = await k.kernel.db.withTenant(tenant.id, async trx => Number((await trx('users').count('* as n').first())?.n))
  t.equal(left, 0, 'no rows left')
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token: stay.token })).body.items.length, 1, 'the other tenant keeps its rows')
  t.equal((await call('POST', `/internal/v1/tenants/${tenant.id}/purge`)).status, 200, 'purge is idempotent')
  t.ok(await k.kernel.conn.owner('audit_log').where({ action: 'tenant.purged' }).first(), 'the purge is audited platform-wide')
})

t.test('export streams a tenant larger than one chunk: every row, read 1,000 at a time', async t => {
  const tenant = await k.createTenant({ slug: 'large-export' })
  const other = await k.createTenant({ slug: 'large-other' })
  const ROWS = 2_345
  // Written straight to the table: thousands of API calls would only slow the test down.
  for (let i = 0; i < ROWS; i += 500) {
    await k.kernel.db.withTenant(tenant.id, trx => trx('fx_notes').insert(Array.from({ length: Math.min(500, ROWS - i) }, (_, j) => ({ tenant_id: tenant.id, id: randomUUID(), title: `bulk ${i + j}` }))))
  }
  await k.kernel.db.withTenant(other.id, trx => trx('fx_notes').insert({ tenant_id: other.id, id: randomUUID(), title: 'not exported' }))
  // Every query the export makes on fx_notes, with the number of rows it returned.
  const reads: number[] = []
  const watch = (response: unknown, query: { sql?: string }) => { if (/fx_notes/.test(query.sql ?? '') && Array.isArray(response)) reads.push(response.length) }
  k.kernel.conn.app.on('query-response', watch)
  const res = await k.app.inject({ method: 'GET', url: `/internal/v1/tenants/${tenant.id}/export`, headers: { 'x-internal-token': TOKEN } })
  k.kernel.conn.app.removeListener('query-response', watch)
  t.equal(res.statusCode, 200)
  t.same(reads, [1000, 1000, 345], 'read in chunks by cursor, never the whole table')
  const dir = mkdtempSync(join(tmpdir(), 'export-large-'))
  writeFileSync(join(dir, 'a.tar.gz'), res.rawPayload)
  execFileSync('tar', ['xzf', 'a.tar.gz'], { cwd: dir })
  const lines = readFileSync(join(dir, 'tables', 'fx_notes.ndjson'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
  t.equal(lines.length, ROWS, 'every row once')
  t.equal(new Set(lines.map(l => l.id)).size, ROWS, 'no row twice across chunk edges')
  t.ok(lines.every(l => l.tenant_id === tenant.id), 'only this tenant\'s rows')
  t.equal(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).tables.fx_notes, ROWS, 'the manifest counts them')
  const audited = await waitForAudit(tenant.id)
  t.match(audited, { bytes: res.rawPayload.length, sha256: createHash('sha256').update(res.rawPayload).digest('hex') }, 'the audit entry has the streamed archive\'s size and hash')
})

async function waitForAudit (tenantId: string) {
  for (let i = 0; i < 100; i++) {
    const row = await k.kernel.conn.owner('audit_log').where({ action: 'tenant.exported', tenant_id: tenantId }).first()
    if (row) return typeof row.details === 'string' ? JSON.parse(row.details) : row.details
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return null
}

t.test('usage: seats per tenant reported to management with the internal token', async t => {
  const tenant = await k.createTenant({ slug: 'usage-one' })
  await k.signIn(tenant, ['tenant-admin'])
  await k.signIn(tenant, ['member'])
  const res = await call('POST', '/internal/v1/usage/report')
  t.equal(res.status, 200)
  t.equal(res.body.sent, true)
  const report = got.at(-1) as { token: string, url: string, body: { tenants: Array<{ tenantId: string, seats: number }> } }
  t.equal(report.token, TOKEN)
  t.equal(report.url, '/internal/v1/usage')
  t.equal(report.body.tenants.find(x => x.tenantId === tenant.id)?.seats, 2)
})
