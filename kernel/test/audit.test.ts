import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'

let k: TestKernel
let acme: Tenant
let globex: Tenant
let admin: { token: string, user: { id: string } }

t.before(async () => {
  k = await startTestKernel({ config: { adminPanelEnabled: true, auditRetentionDays: 30 } })
  acme = await k.createTenant({ slug: 'audit-acme' })
  globex = await k.createTenant({ slug: 'audit-globex' })
  admin = await k.signIn(acme, ['tenant-admin'])
  await k.signIn(globex, ['tenant-admin'])
  for (let i = 0; i < 5; i++) await k.request('POST', '/api/v1/users', { token: admin.token, body: { email: `u${i}@audit.example`, name: `U${i}` } })
})
t.teardown(() => k?.close())

t.test('tenant admins read their own audit log, filtered and paginated', async t => {
  const all = await k.request('GET', '/api/v1/audit?limit=200', { token: admin.token })
  t.equal(all.status, 200)
  t.ok(all.body.items.length >= 6, 'sign-in and five user creations')
  t.ok(all.body.items.every((e: { tenantId: string }) => e.tenantId === acme.id), 'only acme entries')
  const times = all.body.items.map((e: { at: string }) => e.at)
  t.same(times, [...times].sort().reverse(), 'newest first')
  const created = await k.request('GET', '/api/v1/audit?action=user.created&limit=2', { token: admin.token })
  t.equal(created.body.items.length, 2)
  t.ok(created.body.items.every((e: { action: string, actor: string }) => e.action === 'user.created' && e.actor === `user:${admin.user.id}`))
  let cursor = created.body.nextCursor
  const seen = created.body.items.map((e: { id: string }) => e.id)
  while (cursor) {
    const next = await k.request('GET', `/api/v1/audit?action=user.created&limit=2&cursor=${cursor}`, { token: admin.token })
    seen.push(...next.body.items.map((e: { id: string }) => e.id))
    cursor = next.body.nextCursor
  }
  t.equal(new Set(seen).size, 5, 'pages cover the five creations once each')
  const byActor = await k.request('GET', `/api/v1/audit?actor=user:${admin.user.id}&from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, { token: admin.token })
  t.ok(byActor.body.items.length >= 5)
  const future = await k.request('GET', `/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: admin.token })
  t.same(future.body.items, [])
  const member = await k.signIn(acme, ['member'])
  t.equal((await k.request('GET', '/api/v1/audit', { token: member.token })).status, 403)
  t.equal((await k.request('GET', '/api/v1/audit?from=yesterday', { token: admin.token })).body.code, 'validation_failed')
})

t.test('rows written in one transaction (one database now()) page without gaps', async t => {
  // now() is the transaction's start, with microseconds; cursors carry milliseconds. Columns that
  // sort a cursor hold milliseconds, so a page boundary inside such a burst skips nothing.
  const owner = k.kernel.conn.owner
  const rows = Array.from({ length: 7 }, () => ({ tenant_id: acme.id, id: randomUUID(), actor: 'test', action: 'burst.entry' }))
  await owner('audit_log').insert(rows)
  const stored = await owner('audit_log').where({ action: 'burst.entry' }).select('at')
  t.equal(new Set(stored.map(r => new Date(r.at).getTime())).size, 1, 'one timestamp for the whole burst')
  const seen: string[] = []
  let cursor: string | undefined
  do {
    const res = await k.request('GET', `/api/v1/audit?action=burst.entry&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin.token })
    seen.push(...res.body.items.map((e: { id: string }) => e.id))
    cursor = res.body.nextCursor ?? undefined
  } while (cursor)
  t.equal(seen.length, 7, 'four pages hold all seven')
  t.equal(new Set(seen).size, 7, 'each once')
})

t.test('operators read across tenants and the platform', async t => {
  const op = await k.signInOperator()
  const res = await k.request('GET', '/api/v1/admin/audit?limit=200', { token: op.token })
  const tenants = new Set(res.body.items.map((e: { tenantId: string | null }) => e.tenantId))
  t.ok(tenants.has(acme.id) && tenants.has(globex.id) && tenants.has(null), 'acme, globex and platform entries')
  const onlyGlobex = await k.request('GET', `/api/v1/admin/audit?tenant=${globex.id}`, { token: op.token })
  t.ok(onlyGlobex.body.items.every((e: { tenantId: string }) => e.tenantId === globex.id))
})

t.test('the retention job deletes old entries in batches and keeps recent ones', async t => {
  const owner = k.kernel.conn.owner
  const old = new Date(Date.now() - 40 * 86400_000)
  const rows = Array.from({ length: 12_000 }, (_, i) => ({ tenant_id: i % 2 ? acme.id : globex.id, id: randomUUID(), at: old, actor: 'test', action: 'old.entry' }))
  for (let i = 0; i < rows.length; i += 1000) await owner('audit_log').insert(rows.slice(i, i + 1000))
  const before = Number((await owner('audit_log').count('* as n').first())?.n)
  const { id } = await k.kernel.services.jobs.forPlugin('kernel').enqueue('audit.retention')
  await waitFor('the retention job', async () => (await owner('jobs').where({ id, state: 'succeeded' }).first()), 60_000)
  t.equal(Number((await owner('audit_log').where({ action: 'old.entry' }).count('* as n').first())?.n), 0, 'entries older than 30 days are gone')
  const after = Number((await owner('audit_log').count('* as n').first())?.n)
  t.equal(before - after, 12_000, 'exactly the old ones')
  t.ok((await owner('audit_log').where({ action: 'user.created' }).count('* as n').first())?.n, 'recent entries stay')
})
