import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm({ clock: 'manual' }) })
t.teardown(() => k?.close())

t.test('backlog, MTTR, SLA compliance and a CSV that spreadsheets cannot run', async t => {
  const { agent, alice } = await licensedTenant(k)
  const group = (await agent.post('/api/v1/itsm/groups', { name: 'L1' })).body.id
  const cal = (await agent.post('/api/v1/itsm/calendars', { name: '24x7', timeZone: 'UTC', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map(d => [d, [['00:00', '24:00']]])) })).body
  await agent.post('/api/v1/itsm/sla-policies', { name: 'all', calendarId: cal.id, resolutionMinutes: 90 })
  const a = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: '=HYPERLINK("http://evil")', groupId: group })).body
  const b = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: '@SUM(1)', groupId: group })).body
  await alice.post('/api/v1/itsm/tickets', { type: 'request', title: '-2+3' })
  await k.clock.advance(60 * 60_000)
  await agent.patch(`/api/v1/itsm/tickets/${a.id}`, { status: 'resolved' })
  await k.clock.advance(60 * 60_000)
  await agent.patch(`/api/v1/itsm/tickets/${b.id}`, { status: 'resolved' })
  const r = (await agent.get('/api/v1/itsm/reports/summary')).body
  t.equal(r.resolved, 2)
  t.equal(r.mttrMinutes, 90)
  t.same(r.sla, { measured: 2, met: 1, compliancePercent: 50 })
  const today = r.backlog.filter((x: { date: string }) => x.date === k.clock.now().toISOString().slice(0, 10))
  t.same(today.map((x: { groupId: string | null, open: number }) => [x.groupId, x.open]), [[null, 1]], 'one open ticket left, without a group')
  const csv = await agent.get('/api/v1/itsm/reports/tickets.csv')
  t.equal(csv.status, 200)
  const text = csv.raw.body
  t.match(text, /"'=HYPERLINK\(""http:\/\/evil""\)"/)
  t.match(text, /"'@SUM\(1\)"/)
  t.match(text, /"'-2\+3"/)
  t.equal((await alice.get('/api/v1/itsm/reports/summary')).status, 403, 'requesters get no reports')
})

t.test('the demo seed: an Acme service desk with tickets in every state, some breaching', async t => {
  const tenant = await k.createTenant({ slug: `acme-${Date.now()}` })
  await k.grantLicense(tenant, ['itsm', 'cmdb', 'devices'])
  const { default: plugin } = await import('../src/index.ts')
  await plugin.seedDemo!(k.pluginContext('itsm') as never, { id: tenant.id, slug: tenant.slug, name: 'Acme' })
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const items = (await k.request('GET', '/api/v1/itsm/tickets?limit=200', { token })).body.items as Array<{ status: string, sla: { breached: boolean } }>
  t.equal(items.length, 10)
  t.same([...new Set(items.map(i => i.status))].sort(), ['closed', 'new', 'open', 'pending', 'resolved'])
  t.ok(items.some(i => i.sla.breached), 'some breach')
  t.equal((await k.request('GET', '/api/v1/itsm/calendars', { token })).body.items[0].country, 'PL')
})
