import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm({ clock: 'manual' }) })
t.teardown(() => k?.close())

t.test('the sweep records warnings and breaches on the kernel clock, notifies, auto-closes', async t => {
  const { tenant, agent, agentId } = await licensedTenant(k)
  const cal = (await agent.post('/api/v1/itsm/calendars', { name: '24x7', timeZone: 'UTC', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map(d => [d, [['00:00', '24:00']]])) })).body
  await agent.post('/api/v1/itsm/sla-policies', { name: 'all', calendarId: cal.id, resolutionMinutes: 60, warnAt: 0.5 })
  const tk = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'slow', assigneeId: agentId })).body
  t.equal(tk.sla.resolution.warnedAt, null)
  await k.clock.advance(31 * 60_000)
  t.equal((await k.runJob('itsm', 'sla-sweep', {}, { tenantId: tenant.id })).state, 'succeeded')
  let now = (await agent.get(`/api/v1/itsm/tickets/${tk.id}`)).body
  t.ok(now.sla.resolution.warnedAt, 'warned at half the target')
  t.equal(now.sla.breached, false)
  await k.clock.advance(30 * 60_000)
  await k.runJob('itsm', 'sla-sweep', {}, { tenantId: tenant.id })
  now = (await agent.get(`/api/v1/itsm/tickets/${tk.id}`)).body
  t.ok(now.sla.resolution.breachedAt)
  t.equal(now.sla.breached, true)
  t.equal((await agent.get('/api/v1/itsm/tickets?breached=true')).body.items.length, 1)
  const notes = await k.owner('notifications').where({ tenant_id: tenant.id }).select('type')
  t.ok(notes.some(n => n.type === 'itsm.sla_warning') && notes.some(n => n.type === 'itsm.sla_breach'), notes.map(n => n.type).join(','))

  // pending pauses the clock: due disappears, then moves by the paused time
  const p = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'paused' })).body
  const due0 = Date.parse(p.sla.resolution.due)
  await agent.patch(`/api/v1/itsm/tickets/${p.id}`, { status: 'pending', pendingReason: 'waiting for the customer' })
  t.equal((await agent.get(`/api/v1/itsm/tickets/${p.id}`)).body.sla.resolution.due, null)
  await k.clock.advance(2 * 3600_000)
  const back = (await agent.patch(`/api/v1/itsm/tickets/${p.id}`, { status: 'open' })).body
  t.equal(Date.parse(back.sla.resolution.due) - due0, 2 * 3600_000)
  t.match(back.sla.resolution.explanation.en, /paused 2 h while pending/)

  // a new policy applies to open tickets at the next sweep
  const before = (await agent.get(`/api/v1/itsm/tickets/${p.id}`)).body.sla.resolution.due
  await agent.post('/api/v1/itsm/sla-policies', { name: 'longer', position: 1, calendarId: cal.id, resolutionMinutes: 600 })
  await k.runJob('itsm', 'sla-sweep', {}, { tenantId: tenant.id })
  const after = (await agent.get(`/api/v1/itsm/tickets/${p.id}`)).body
  t.equal(Date.parse(after.sla.resolution.due) - Date.parse(before), 540 * 60_000, 're-evaluated with the new policy')

  // auto-close 7 days after resolve
  await agent.patch(`/api/v1/itsm/tickets/${p.id}`, { status: 'resolved' })
  await k.clock.advance(7 * 86_400_000 + 1000)
  await k.runJob('itsm', 'sla-sweep', {}, { tenantId: tenant.id })
  t.equal((await agent.get(`/api/v1/itsm/tickets/${p.id}`)).body.status, 'closed')
})
