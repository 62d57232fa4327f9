import t from 'tap'
import type { BusMessage } from '@monozu/kernel'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm() })
t.teardown(() => k?.close())

t.test('live on channel itsm: created, changed, messages, presence; notifications on assignment and reply', async t => {
  const { tenant, agent, agentId, alice, aliceId } = await licensedTenant(k)
  const seen: BusMessage[] = []
  const off = k.pluginContext('itsm').channels.subscribe('itsm', m => { if (m.tenantId === tenant.id) seen.push(m) })
  t.teardown(off)
  const tk = (await alice.post('/api/v1/itsm/tickets', { type: 'incident', title: 'live' })).body
  await agent.patch(`/api/v1/itsm/tickets/${tk.id}`, { assigneeId: agentId })
  await agent.post(`/api/v1/itsm/tickets/${tk.id}/messages`, { body: 'hello' })
  await agent.post(`/api/v1/itsm/tickets/${tk.id}/presence`, {})
  await waitFor('the presence event', async () => seen.some(m => m.event === 'presence'))
  const events = seen.map(m => m.event)
  t.ok(['ticket.created', 'ticket.changed', 'message.created', 'presence'].every(e => events.includes(e)), events.join(','))
  t.match(seen.find(m => m.event === 'presence')!.data, { ticketId: tk.id, userId: agentId, leaving: false })
  const notes = await k.owner('notifications').where({ tenant_id: tenant.id }).select('type', 'user_id')
  t.ok(notes.some(n => n.type === 'itsm.reply' && n.user_id === aliceId), 'the requester is told of the reply')
})

t.test('every route is in the OpenAPI document', async t => {
  const doc = await k.request('GET', '/api/docs/json')
  t.equal(doc.status, 200)
  const paths = Object.keys(doc.body.paths).filter(p => p.startsWith('/api/v1/itsm'))
  for (const p of ['/api/v1/itsm/tickets', '/api/v1/itsm/tickets/{id}', '/api/v1/itsm/tickets/{id}/messages', '/api/v1/itsm/inbound-email', '/api/v1/itsm/alert-rules', '/api/v1/itsm/reports/summary']) t.ok(paths.includes(p), p)
  t.ok(doc.body.paths['/api/v1/itsm/tickets'].post.responses['201'], 'with response schemas')
})
