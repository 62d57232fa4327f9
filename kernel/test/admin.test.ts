import t from 'tap'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startTestKernel, waitFor, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { gated, notesAndTags } from './helpers/paths.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'

// The operator API (/api/v1/admin/*) and what the operator console needs from the kernel.
let k: TestKernel
let op: { token: string, id: string }
let acme: Tenant
let admin: { token: string, user: { id: string } }
let member: { token: string, user: { id: string } }
let adminOps: Array<{ method: string, url: string }> = []

const fragile = tempPlugins([{ id: 'fragile', manifest: { thirdParty: true }, source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start () { throw new Error('cannot reach the vendor API') } })\n" }])
const consoleBuilt = existsSync(fileURLToPath(new URL('../../ui-plugins/admin/dist/remoteEntry.js', import.meta.url)))

t.before(async () => {
  k = await startTestKernel({ plugins: [...notesAndTags, gated, ...fragile], config: { adminPanelEnabled: true } })
  op = await k.signInOperator()
  acme = await k.createTenant({ slug: 'admin-acme', name: 'Acme' })
  admin = await k.signIn(acme, ['tenant-admin'])
  member = await k.signIn(acme, ['member'])
  const docs = await k.request('GET', '/api/docs/json')
  // Every operation under /api/v1/admin, with its path parameters filled in (the guard answers before validation).
  adminOps = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.startsWith('/api/v1/admin/'))
    .flatMap(([path, ops]) => Object.keys(ops).filter(m => m !== 'parameters').map(method => ({
      method: method.toUpperCase(),
      url: path.replace('{id}', '00000000-0000-4000-8000-000000000001').replace('{feature}', 'gated')
    })))
})
t.teardown(() => k?.close())

const auditRows = (where: Record<string, string>) => k.kernel.conn.owner('audit_log').where({ action: 'admin.request', ...where })

t.test('a tenant admin\'s refused admin call is audited as that tenant admin, in their tenant', async t => {
  for (const url of ['/api/v1/admin/tenants', '/api/v1/admin/jobs']) {
    const res = await k.request('GET', url, { token: admin.token })
    t.equal(res.status, 403, url)
    t.equal(res.body.code, 'forbidden')
    const [row] = await waitFor(`the audit entry of ${url}`, async () => {
      const rows = await auditRows({ target: `GET ${url}`, actor: `user:${admin.user.id}` })
      return rows.length > 0 ? rows : undefined
    })
    t.equal(row.tenant_id, acme.id, 'recorded in the caller\'s own tenant')
    t.same(JSON.parse(row.details), { status: 403 })
  }
  t.equal((await auditRows({ actor: `operator:${admin.user.id}` })).length, 0, 'never as an operator')
  const own = await k.request('GET', '/api/v1/audit?action=admin.request', { token: admin.token })
  t.ok(own.body.items.some((e: { actor: string }) => e.actor === `user:${admin.user.id}`), 'the tenant sees the attempt in its own log')
})

t.test('every admin operation: operators only; tenant admins and members 403, no token 401', async t => {
  t.ok(adminOps.length >= 12, `the OpenAPI document lists the admin operations (${adminOps.length})`)
  t.ok(adminOps.some(o => o.url === '/api/v1/admin/plugins'), 'plugin health is documented')
  for (const o of adminOps) {
    for (const [who, token] of [['tenant admin', admin.token], ['member', member.token]] as const) {
      const res = await k.request(o.method as 'GET', o.url, { token, body: o.method === 'GET' ? undefined : {} })
      t.equal(res.status, 403, `${who}: ${o.method} ${o.url}`)
      t.equal(res.body.code, 'forbidden')
      t.match(res.headers['content-type'], /application\/problem\+json/)
    }
    t.equal((await k.request(o.method as 'GET', o.url)).status, 401, `no token: ${o.method} ${o.url}`)
  }
  for (const url of ['/api/v1/admin/tenants', '/api/v1/admin/users', '/api/v1/admin/jobs', '/api/v1/admin/audit', '/api/v1/admin/plugins']) {
    t.equal((await k.request('GET', url, { token: op.token })).status, 200, `operator: GET ${url}`)
  }
  const calls = await waitFor('the operator\'s reads audited', async () => {
    const rows = await auditRows({ actor: `operator:${op.id}` })
    return rows.length >= 5 ? rows : undefined
  })
  t.ok(calls.every(r => r.tenant_id === '00000000-0000-0000-0000-000000000000'), 'operator calls are platform entries')
  t.ok(calls.some(r => r.target === 'GET /api/v1/admin/plugins'), 'new routes are audited like the rest')
})

t.test('me/features: operators get the console, tenant users never do', async t => {
  const mine = await k.request('GET', '/api/v1/me/features', { token: op.token })
  t.equal(mine.body.tenant, null)
  t.same(mine.body.features.map((f: { id: string }) => f.id), ['admin'])
  t.match(mine.body.features[0], {
    name: { en: 'Operator console', pl: 'Konsola operatora' },
    ui: { remote: 'admin', remoteEntry: '/ui/admin/remoteEntry.js', exposes: './Module' },
    nav: [{ path: '/tenants' }, { path: '/jobs' }, { path: '/audit' }, { path: '/plugins' }, { path: '/events' }]
  })
  for (const token of [admin.token, member.token]) {
    const theirs = await k.request('GET', '/api/v1/me/features', { token })
    t.notOk(theirs.body.features.some((f: { id: string }) => f.id === 'admin'), 'no console for tenant users')
  }
  if (consoleBuilt) {
    const entry = await k.request('GET', '/ui/admin/remoteEntry.js')
    t.equal(entry.status, 200, 'the kernel serves the built console')
    t.equal(entry.headers['cache-control'], 'no-cache')
  }
})

t.test('plugin health: version and state of each plugin, and a disabled one\'s error', async t => {
  const res = await k.request('GET', '/api/v1/admin/plugins', { token: op.token })
  t.equal(res.status, 200)
  t.equal(res.body.nextCursor, null)
  const byId = new Map(res.body.items.map((p: { id: string }) => [p.id, p]))
  t.match(byId.get('fx-gated'), { version: '2.0.0', state: 'running', feature: 'gated', thirdParty: false, error: null, prefixes: ['/api/v1/fx-gated'] })
  t.match(byId.get('fragile'), { state: 'disabled', reason: 'failed to start', thirdParty: true, error: /cannot reach the vendor API/ })
  const health = await k.request('GET', '/api/v1/health')
  t.notMatch(JSON.stringify(health.body), /vendor API/, 'the public health keeps the error to itself')
})

t.test('the tenant list carries each license; a toggle changes the tenant\'s modules', async t => {
  await k.grantLicense(acme, ['gated'], { seats: 7, days: 10 })
  const list = await k.request('GET', '/api/v1/admin/tenants?limit=200', { token: op.token })
  const row = list.body.items.find((x: { id: string }) => x.id === acme.id)
  t.match(row, { slug: 'admin-acme', status: 'active', license: { features: ['gated'], seats: 7 } })
  const days = (Date.parse(row.license.expiresAt) - Date.now()) / 86400_000
  t.ok(days > 9 && days <= 10, 'with its expiry')
  const bare = await k.createTenant()
  t.equal(list.body.items.find((x: { id: string }) => x.id === bare.id), undefined, 'not yet listed')
  const again = await k.request('GET', '/api/v1/admin/tenants?limit=200', { token: op.token })
  t.equal(again.body.items.find((x: { id: string }) => x.id === bare.id).license, null, 'a tenant without a license says so')
  const paged = await k.request('GET', '/api/v1/admin/tenants?limit=1', { token: op.token })
  t.equal(paged.body.items.length, 1)
  t.type(paged.body.nextCursor, 'string', 'the list is paginated')

  const ids = async () => (await k.request('GET', '/api/v1/me/features', { token: admin.token })).body.features.map((f: { id: string }) => f.id)
  t.ok((await ids()).includes('fx-gated'))
  const off = await k.request('PUT', `/api/v1/admin/tenants/${acme.id}/features/gated`, { token: op.token, body: { enabled: false } })
  t.equal(off.status, 200)
  t.notOk((await ids()).includes('fx-gated'), 'switched off: gone from the tenant\'s modules')
  const detail = await k.request('GET', `/api/v1/admin/tenants/${acme.id}`, { token: op.token })
  t.match(detail.body.features.find((f: { plugin: string }) => f.plugin === 'fx-gated'), { licensed: true, switchedOff: true, enabled: false })
  await k.request('PUT', `/api/v1/admin/tenants/${acme.id}/features/gated`, { token: op.token, body: { enabled: true } })
  t.ok((await ids()).includes('fx-gated'), 'switched on again')
})

t.test('with ADMIN_PANEL_ENABLED off, no admin route exists and no console is offered', async t => {
  const off = await startTestKernel({ plugins: notesAndTags })
  t.teardown(() => off.close())
  const opOff = await off.signInOperator()
  for (const o of adminOps) {
    const res = await off.request(o.method as 'GET', o.url, { token: opOff.token, body: o.method === 'GET' ? undefined : {} })
    t.equal(res.status, 404, `${o.method} ${o.url}`)
  }
  t.same((await off.request('GET', '/api/v1/me/features', { token: opOff.token })).body.features, [], 'no console entry')
  t.equal((await off.request('GET', '/ui/admin/remoteEntry.js')).status, 404, 'nor its code')
})
