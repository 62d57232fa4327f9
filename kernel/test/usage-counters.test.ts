import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { createUsageCounters } from '../src/usage/counters.ts'
import { notesAndTags } from './helpers/paths.ts'

// Kernel API 1.5: plugins register usage counters; the usage report calls them per tenant.
const TOKEN = 'internal-token-usage-counters-0123456789'
let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: notesAndTags, config: { internalTokens: [TOKEN] } }) })
t.teardown(() => k?.close())

const report = async () => {
  const res = await k.request('POST', '/internal/v1/usage/report', { headers: { 'x-internal-token': TOKEN } })
  t.equal(res.status, 200)
  return res.body as { sent: boolean, tenants: Array<{ tenantId: string, seats: number, counts: Record<string, number> }> }
}

t.test('the report carries each registered counter, counted inside the tenant\'s own scope', async t => {
  const small = await k.createTenant({ slug: 'usage-small' })
  const big = await k.createTenant({ slug: 'usage-big' })
  const a = await k.signIn(small, ['tenant-admin'])
  const b = await k.signIn(big, ['tenant-admin'])
  for (let i = 0; i < 2; i++) t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token: a.token, body: { title: `a ${i}` } })).status, 201)
  for (let i = 0; i < 5; i++) t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token: b.token, body: { title: `b ${i}` } })).status, 201)
  const got = await report()
  t.equal(got.sent, false, 'no MANAGEMENT_URL: collected, not sent')
  // fx-notes' counter has no tenant filter: row-level security alone keeps the other tenant's 5 notes out.
  t.same(got.tenants.find(x => x.tenantId === small.id)?.counts, { notes: 2 })
  t.same(got.tenants.find(x => x.tenantId === big.id)?.counts, { notes: 5 })
  t.equal(got.tenants.find(x => x.tenantId === small.id)?.seats, 1)
})

t.test('a counter that fails reports 0 and leaves the others and the seats intact', async t => {
  const tenant = await k.createTenant({ slug: 'usage-broken' })
  const admin = await k.signIn(tenant, ['tenant-admin'])
  t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token: admin.token, body: { title: 'one' } })).status, 201)
  // A counter reading a table it cannot see (another plugin's that does not exist here) fails in its savepoint.
  k.kernel.services.usage.forPlugin('fx-tags').register('broken', async trx => Number((await trx('no_such_table').count('* as n').first())?.n))
  const got = (await report()).tenants.find(x => x.tenantId === tenant.id)
  t.same(got?.counts, { notes: 1, broken: 0 })
  t.equal(got?.seats, 1)
})

t.test('register refuses bad names, non-functions, and a name another plugin counts', async t => {
  const counters = createUsageCounters()
  const one = counters.forPlugin('one')
  const count = async () => 1
  t.throws(() => one.register('Devices', count), /not a counter name/)
  t.throws(() => one.register('', count), /not a counter name/)
  t.throws(() => one.register('x'.repeat(65), count), /not a counter name/)
  t.throws(() => one.register('ok', 42 as never), /must be a function/)
  one.register('devices', count)
  one.register('devices', async () => 2) // the same plugin may replace its own
  t.throws(() => counters.forPlugin('two').register('devices', count), /already counted by plugin "one"/)
  t.same(counters.all().map(c => [c.plugin, c.name]), [['one', 'devices']])
})

t.test('the kernel names no plugin table: no `devices` string in its code (comments aside)', async t => {
  const src = fileURLToPath(new URL('../src/', import.meta.url))
  const files: string[] = []
  const walk = (dir: string) => { for (const f of readdirSync(dir)) { const p = join(dir, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ts')) files.push(p) } }
  walk(src)
  const hits: string[] = []
  for (const f of files) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.trim()
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return
      if (/['"`]devices['"`]/.test(code)) hits.push(`${f}:${i + 1}: ${code}`)
    })
  }
  t.same(hits, [], 'kernel/src reads no plugin\'s devices table by name')
  t.ok(files.length > 50, `${files.length} files read`)
})
