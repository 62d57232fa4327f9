import t from 'tap'
import WebSocket from 'ws'
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

t.test('requesters follow their own tickets live on their notifications socket, never others\' nor internal notes', async t => {
  const { agent, alice, bob } = await licensedTenant(k)
  const other = await licensedTenant(k)
  const base = (k.app.server.listening ? `http://127.0.0.1:${(k.app.server.address() as { port: number }).port}` : await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const tokenOf = (c: { token: string }) => c.token
  const open = async (channel: string, token: string) => {
    const ws = new WebSocket(`${base}/api/ws/${channel}`, ['bearer', token])
    const seen: Array<{ event: string, data: { type: string, link: string, title: string, body: string, localized: unknown } }> = []
    ws.on('message', raw => { const m = JSON.parse(raw.toString()); if (m.type === 'event') seen.push(m) })
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
    t.teardown(() => ws.close())
    return seen
  }
  // the agents' channel stays closed to requesters
  await t.rejects(open('itsm', tokenOf(alice)), 'a requester cannot open channel itsm')
  const aliceSees = await open('notifications', tokenOf(alice))
  const bobSees = await open('notifications', tokenOf(bob))
  const outsiderSees = await open('notifications', tokenOf(other.alice))

  const a = (await alice.post('/api/v1/itsm/tickets', { type: 'incident', title: 'alice printer' })).body
  const b = (await bob.post('/api/v1/itsm/tickets', { type: 'incident', title: 'bob vpn' })).body
  await agent.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'SECRET internal on alice', visibility: 'internal' })
  await agent.post(`/api/v1/itsm/tickets/${b.id}/messages`, { body: 'public answer for bob' })
  await agent.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'public answer for alice' })
  await agent.patch(`/api/v1/itsm/tickets/${a.id}`, { status: 'resolved' })
  await waitFor('alice hears of the reply and the resolution', async () => aliceSees.filter(m => m.data.link === `/itsm/tickets/${a.id}`).length >= 2)
  await waitFor('bob hears of his reply', async () => bobSees.length >= 1)

  t.same(aliceSees.map(m => [m.event, m.data.type]), [['notification.created', 'itsm.reply'], ['notification.created', 'itsm.status']], 'alice: her reply, then her ticket resolved')
  t.ok(aliceSees.every(m => m.data.link === `/itsm/tickets/${a.id}`), 'alice gets only her own ticket')
  t.match(aliceSees[1]!.data.title, `${a.number} is resolved`)
  t.same(bobSees.map(m => [m.data.type, m.data.link]), [['itsm.reply', `/itsm/tickets/${b.id}`]], 'bob gets only his own ticket')
  const everything = JSON.stringify([aliceSees, bobSees, outsiderSees])
  t.notMatch(everything, /SECRET internal/, 'no internal note ever reaches a requester')
  t.notMatch(JSON.stringify(bobSees), /alice/, 'nothing of alice\'s ticket reaches bob')
  t.same(outsiderSees, [], 'a requester of another tenant hears nothing')
})

t.test('every route is in the OpenAPI document', async t => {
  const doc = await k.request('GET', '/api/docs/json')
  t.equal(doc.status, 200)
  const paths = Object.keys(doc.body.paths).filter(p => p.startsWith('/api/v1/itsm'))
  for (const p of ['/api/v1/itsm/tickets', '/api/v1/itsm/tickets/{id}', '/api/v1/itsm/tickets/{id}/messages', '/api/v1/itsm/inbound-email', '/api/v1/itsm/alert-rules', '/api/v1/itsm/reports/summary']) t.ok(paths.includes(p), p)
  t.ok(doc.body.paths['/api/v1/itsm/tickets'].post.responses['201'], 'with response schemas')
})
