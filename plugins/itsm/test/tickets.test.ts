import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm() })
t.teardown(() => k?.close())

t.test('create, number, priority matrix, workflow with recorded transitions', async t => {
  const { agent, alice } = await licensedTenant(k)
  const created = await alice.post('/api/v1/itsm/tickets', { type: 'incident', title: 'Printer on fire', description: 'Smoke *everywhere*', impact: 1, urgency: 2 })
  t.equal(created.status, 201, JSON.stringify(created.body))
  t.match(created.body, { number: 'INC-000001', status: 'new', priority: 2, requester: { name: String } })
  const req = await agent.post('/api/v1/itsm/tickets', { type: 'request', title: 'New laptop' })
  t.equal(req.body.number, 'REQ-000001')
  t.equal((await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'Second' })).body.number, 'INC-000002')

  t.equal((await agent.put('/api/v1/itsm/priority-matrix', { cells: [{ impact: 3, urgency: 3, priority: 4 }] })).status, 200)
  t.equal((await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'Low' })).body.priority, 4, 'the tenant matrix decides')

  const id = created.body.id
  const bad = await agent.patch(`/api/v1/itsm/tickets/${id}`, { status: 'pending' })
  t.equal(bad.status, 400, 'pending needs a reason')
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${id}`, { status: 'pending', pendingReason: 'Waiting for the customer' })).body.status, 'pending')
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${id}`, { status: 'closed' })).body.code, 'itsm_transition', 'pending cannot jump to closed')
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${id}`, { status: 'resolved' })).body.status, 'resolved')
  // the requester's reply reopens
  const reply = await alice.post(`/api/v1/itsm/tickets/${id}/messages`, { body: 'Still smoking' })
  t.equal(reply.status, 201)
  t.equal((await alice.get(`/api/v1/itsm/tickets/${id}`)).body.status, 'open')
  const transitions = (await agent.get(`/api/v1/itsm/tickets/${id}/transitions`)).body.items
  t.same(transitions.map((x: { to: string }) => x.to), ['new', 'pending', 'resolved', 'open'])
  t.equal(transitions[3].reason, 'requester replied')
  await agent.patch(`/api/v1/itsm/tickets/${id}`, { status: 'resolved' })
  t.equal((await alice.patch(`/api/v1/itsm/tickets/${id}`, { status: 'closed' })).body.status, 'closed', 'requester closes own resolved ticket')
  t.equal((await alice.post(`/api/v1/itsm/tickets/${id}/messages`, { body: 'x' })).status, 409, 'closed takes no replies')
})

t.test('a change waits for its approvers', async t => {
  const { agent, aliceId, alice, bob } = await licensedTenant(k)
  const c = (await agent.post('/api/v1/itsm/tickets', { type: 'change', title: 'Upgrade firewall', approvers: [aliceId] })).body
  t.equal(c.approval, 'pending')
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${c.id}`, { status: 'open' })).body.code, 'itsm_approval_required')
  t.equal((await bob.post(`/api/v1/itsm/tickets/${c.id}/approvals`, { decision: 'approve' })).status, 404, 'not an approver, not the requester')
  t.equal((await bob.get(`/api/v1/itsm/tickets/${c.id}/approvals`)).status, 404)
  t.match((await alice.get(`/api/v1/itsm/tickets/${c.id}/approvals`)).body, { approval: 'pending', approvals: [{ approverId: aliceId, state: 'pending' }] }, 'an approver sees the approvals')
  t.equal((await alice.post(`/api/v1/itsm/tickets/${c.id}/approvals`, { decision: 'approve' })).body.approval, 'approved')
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${c.id}`, { status: 'open' })).body.status, 'open')
})

t.test('50 concurrent creates get 50 distinct numbers', async t => {
  const { agent } = await licensedTenant(k)
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => agent.post('/api/v1/itsm/tickets', { type: 'problem', title: `p${i}` })))
  t.ok(all.every(r => r.status === 201), all.map(r => r.status).join(','))
  const numbers = new Set(all.map(r => r.body.number))
  t.equal(numbers.size, 50)
  t.ok(numbers.has('PRB-000001') && numbers.has('PRB-000050'))
})

t.test('requesters see only their own tickets and never internal notes', async t => {
  const { agent, alice, bob, bobId } = await licensedTenant(k)
  const a = (await alice.post('/api/v1/itsm/tickets', { type: 'incident', title: 'alice secret vpn', description: 'mine' })).body
  await agent.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'internal: user is on probation zebra', visibility: 'internal' })
  await agent.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'We are on it' })
  await agent.raw(`/api/v1/itsm/tickets/${a.id}/attachments?filename=notes.txt&visibility=internal`, 'hidden', 'application/octet-stream')

  t.equal((await bob.get(`/api/v1/itsm/tickets/${a.id}`)).status, 404)
  t.equal((await bob.get(`/api/v1/itsm/tickets/${a.id}/messages`)).status, 404)
  t.equal((await bob.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'hi' })).status, 404)
  t.equal((await bob.patch(`/api/v1/itsm/tickets/${a.id}`, { status: 'closed' })).status, 404)
  t.equal((await bob.get(`/api/v1/itsm/tickets/${a.id}/attachments`)).status, 404)
  t.equal((await bob.get(`/api/v1/itsm/tickets/${a.id}/transitions`)).status, 404)
  t.equal((await bob.post(`/api/v1/itsm/tickets/${a.id}/approvals`, { decision: 'approve' })).status, 404)
  t.same((await bob.get('/api/v1/itsm/tickets')).body.items, [])
  t.same((await bob.get('/api/v1/itsm/tickets?q=secret')).body.items, [])
  t.same((await bob.get(`/api/v1/itsm/tickets?requesterId=${(await alice.get(`/api/v1/itsm/tickets/${a.id}`)).body.requester.id}`)).body.items, [], 'a requester filter does not widen the scope')
  t.equal((await bob.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', requesterId: bobId })).status, 403, 'agent-only fields')
  t.equal((await bob.post('/api/v1/itsm/tickets', { type: 'change', title: 'x' })).status, 403)
  t.equal((await bob.get('/api/v1/itsm/views')).status, 403)
  t.equal((await bob.post(`/api/v1/itsm/tickets/${a.id}/presence`, {})).status, 403, 'presence is for agents')
  t.equal((await agent.post(`/api/v1/itsm/tickets/${a.id}/presence`, {})).status, 204)
  t.equal((await bob.get('/api/v1/itsm/calendars')).status, 403)
  t.equal((await bob.post('/api/v1/itsm/groups', { name: 'x' })).status, 403)

  const msgs = (await alice.get(`/api/v1/itsm/tickets/${a.id}/messages`)).body.items
  t.same(msgs.map((m: { body: string }) => m.body), ['We are on it'], 'the requester sees the public reply only')
  t.same((await alice.get(`/api/v1/itsm/tickets/${a.id}/attachments`)).body.items, [])
  t.equal((await alice.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'x', visibility: 'internal' })).status, 403)
  t.same((await alice.get('/api/v1/itsm/tickets?q=zebra')).body.items, [], 'internal notes are not searchable by requesters')
  t.equal((await agent.get('/api/v1/itsm/tickets?q=zebra')).body.items.length, 1, 'agents search the conversation')
  t.equal((await alice.patch(`/api/v1/itsm/tickets/${a.id}`, { title: 'renamed' })).status, 403)
  t.equal((await alice.get('/api/v1/itsm/tickets')).body.items.length, 1)
})

t.test('attachments: cap, download headers', async t => {
  const { agent } = await licensedTenant(k)
  const a = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'att' })).body
  const up = await agent.raw(`/api/v1/itsm/tickets/${a.id}/attachments?filename=${encodeURIComponent('évil".html')}&contentType=text/html`, '<script>alert(1)</script>', 'application/octet-stream')
  t.equal(up.status, 201)
  const down = await agent.get(`/api/v1/itsm/tickets/${a.id}/attachments/${up.body.id}`)
  t.equal(down.status, 200)
  t.match(down.headers['content-disposition'], /^attachment; filename="_vil_.html"/)
  t.equal(down.headers['x-content-type-options'], 'nosniff')
  t.equal(down.headers['content-type'], 'application/octet-stream')
  const big = await agent.raw(`/api/v1/itsm/tickets/${a.id}/attachments?filename=big.bin`, Buffer.alloc(11 * 1024 * 1024), 'application/octet-stream')
  t.equal(big.status, 413)
})

t.test('saved views, sort by SLA due and search', async t => {
  const { agent } = await licensedTenant(k)
  const cal = (await agent.post('/api/v1/itsm/calendars', { name: '24x7', timeZone: 'UTC', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map(d => [d, [['00:00', '24:00']]])) })).body
  await agent.post('/api/v1/itsm/sla-policies', { name: 'P1 fast', match: { priorities: [1] }, calendarId: cal.id, resolutionMinutes: 60 })
  await agent.post('/api/v1/itsm/sla-policies', { name: 'rest', position: 200, calendarId: cal.id, resolutionMinutes: 600 })
  const slow = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'slow mail', impact: 3, urgency: 3 })).body
  const fast = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'fast outage', impact: 1, urgency: 1 })).body
  t.ok(fast.sla.resolution.due < slow.sla.resolution.due)
  t.match(fast.sla.resolution.explanation.en, /^due .* UTC: 1 business hour from /)
  const view = (await agent.post('/api/v1/itsm/views', { name: 'Incidents by due', filters: { type: ['incident'] }, sort: 'due' })).body
  const listed = (await agent.get(`/api/v1/itsm/tickets?view=${view.id}`)).body.items
  t.same(listed.map((x: { id: string }) => x.id), [fast.id, slow.id])
  t.same((await agent.get('/api/v1/itsm/tickets?q=outage')).body.items.map((x: { id: string }) => x.id), [fast.id])
  const page1 = await agent.get('/api/v1/itsm/tickets?limit=1&sort=due')
  const page2 = await agent.get(`/api/v1/itsm/tickets?limit=1&sort=due&cursor=${page1.body.nextCursor}`)
  t.same([page1.body.items[0].id, page2.body.items[0].id], [fast.id, slow.id])
  t.equal((await agent.get('/api/v1/itsm/tickets?cursor=garbage')).status, 400)
})

t.test('plugin roles: a member with itsm-agent works every ticket, without admin rights', async t => {
  const { tenant, alice } = await licensedTenant(k)
  const { token } = await k.signIn(tenant, ['member', 'itsm-agent'])
  const agentMember = client(k, token)
  const a = (await alice.post('/api/v1/itsm/tickets', { type: 'incident', title: 'for the agent' })).body
  t.equal((await agentMember.get(`/api/v1/itsm/tickets/${a.id}`)).status, 200)
  t.equal((await agentMember.post(`/api/v1/itsm/tickets/${a.id}/messages`, { body: 'note', visibility: 'internal' })).status, 201)
  t.equal((await agentMember.post('/api/v1/itsm/groups', { name: 'x' })).status, 403, 'no itsm.admin')
})

t.test('people: assignees are agents, requesters and approvers users of this tenant; names come from the kernel', async t => {
  const { tenant, agent, agentId, alice, aliceId } = await licensedTenant(k)
  const other = await licensedTenant(k)
  const { token, user } = await k.signIn(tenant, ['member', 'itsm-agent'])
  const agents = (await agent.get('/api/v1/itsm/agents')).body.items as Array<{ id: string, name: string }>
  t.ok(agents.some(a => a.id === agentId) && agents.some(a => a.id === user.id), 'tenant admins and itsm-agents')
  t.notOk(agents.some(a => a.id === aliceId), 'not plain members')
  t.notOk(agents.some(a => a.id === other.agentId), 'not another tenant\'s agents')
  t.equal((await alice.get('/api/v1/itsm/agents')).status, 403, 'requesters cannot list agents')

  const tk = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'printer', assigneeId: user.id })).body
  t.equal(tk.assigneeName, user.name, 'the assignee is named')
  t.equal((await client(k, token).get(`/api/v1/itsm/tickets?limit=200`)).body.items.find((i: { id: string }) => i.id === tk.id).assigneeName, user.name, 'in the queue too')
  const toMember = await agent.patch(`/api/v1/itsm/tickets/${tk.id}`, { assigneeId: aliceId })
  t.equal(toMember.status, 400)
  t.match(toMember.body, { code: 'validation_failed', errors: [{ pointer: '/assigneeId' }] })
  t.equal((await agent.patch(`/api/v1/itsm/tickets/${tk.id}`, { assigneeId: other.agentId })).status, 400, 'another tenant\'s agent')
  const forAlice = (await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'on behalf', requesterId: aliceId })).body
  t.match(forAlice.requester, { id: aliceId, name: String }, 'a requester named by an agent gets their name')
  t.ok(forAlice.requester.name.length > 0)
  t.match((await agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', requesterId: other.aliceId })).body, { code: 'validation_failed', errors: [{ pointer: '/requesterId' }] })
  t.match((await agent.post('/api/v1/itsm/tickets', { type: 'change', title: 'x', approvers: [aliceId, other.bobId] })).body, { code: 'validation_failed', errors: [{ pointer: '/approvers/1' }] })
})

