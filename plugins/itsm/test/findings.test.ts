import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, startItsm } from './helpers.ts'

// Findings come from Security's own demo seed (feed fixtures, an inventory, a scan) in Acme and
// Globex: ITSM sees them only through the security service, as in production.
let k: TestKernel
t.before(async () => { k = await startItsm({ seedDemo: true }) })
t.teardown(() => k?.close())

async function desk (slug: string) {
  const tenant = (await k.tenantBySlug(slug))!
  const agent = client(k, (await k.signIn(tenant, ['tenant-admin'])).token)
  const findings = (await agent.get('/api/v1/security/findings?limit=5')).body.items as Array<{ id: string, vulnerabilityId: string, severity: string, state: string }>
  return { tenant, agent, findings }
}

t.test('finding links are checked through the security service; another tenant\'s finding is refused', async t => {
  const acme = await desk('acme')
  const globex = await desk('globex')
  t.ok(acme.findings.length > 0 && globex.findings.length > 0, 'both demo tenants have findings')
  const mine = acme.findings[0]!

  const created = await acme.agent.post('/api/v1/itsm/tickets', { type: 'problem', title: 'Patch lodash', links: { findings: [mine.id] } })
  t.equal(created.status, 201, JSON.stringify(created.body))
  const named = (await acme.agent.get(`/api/v1/itsm/tickets/${created.body.id}/links`)).body
  t.match(named.findings, [{ id: mine.id, found: true, kind: mine.severity, status: mine.state }], 'the finding is named by the security service')
  t.match(named.findings[0].name, new RegExp(`^${mine.vulnerabilityId} in `), 'its name: "<advisory> in <package> <version>"')

  // the attacker: Globex's agent links Acme's finding, and Acme's agent Globex's
  const theirs = await globex.agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', links: { findings: [mine.id] } })
  t.equal(theirs.status, 400)
  t.match(theirs.body, { code: 'validation_failed', errors: [{ pointer: '/links/findings/0', rule: 'not_found' }] })
  const patched = await acme.agent.patch(`/api/v1/itsm/tickets/${created.body.id}`, { links: { findings: [mine.id, globex.findings[0]!.id] } })
  t.match(patched.body, { code: 'validation_failed', errors: [{ pointer: '/links/findings/1', rule: 'not_found' }] })
  for (const junk of [randomUUID(), 'GHSA-35jh-r3h4-6jhm']) {
    t.match((await acme.agent.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', links: { findings: [junk] } })).body, { code: 'validation_failed', errors: [{ pointer: '/links/findings/0' }] }, `unknown id ${junk}`)
  }
  t.same((await acme.agent.get(`/api/v1/itsm/tickets/${created.body.id}`)).body.links.findings, [mine.id], 'the refused change left the links alone')
  t.equal((await globex.agent.get(`/api/v1/itsm/tickets/${created.body.id}/links`)).status, 404, 'another tenant cannot read the named links')
})

t.test('the demo desk is staffed: the kernel seeds a user per plugin role, the desk assigns them work', async t => {
  const { agent } = await desk('acme')
  const agents = (await agent.get('/api/v1/itsm/agents')).body.items as Array<{ id: string, name: string, email: string }>
  const staff = agents.filter(a => /^itsm-(agent|manager)@acme\.example$/.test(a.email))
  t.same(staff.map(a => a.email).sort(), ['itsm-agent@acme.example', 'itsm-manager@acme.example'], 'one demo user per itsm role, holding itsm.agent')
  t.same(staff.map(a => a.name).sort(), ['Acme Service desk agent', 'Acme Service desk manager'])
  const tickets = (await agent.get('/api/v1/itsm/tickets?limit=50')).body.items as Array<{ assigneeId: string | null, assigneeName: string | null }>
  const assigned = tickets.filter(x => x.assigneeId !== null)
  t.ok(assigned.length > 0 && assigned.every(x => staff.some(s => s.id === x.assigneeId && s.name === x.assigneeName)), 'worked tickets are assigned to them, by name')
  const groups = (await agent.get('/api/v1/itsm/groups')).body.items as Array<{ members: string[] }>
  t.ok(groups.every(g => staff.every(s => g.members.includes(s.id))), 'they staff every group')
  const globex = (await (await desk('globex')).agent.get('/api/v1/itsm/agents')).body.items as Array<{ email: string }>
  t.notOk(globex.some(a => a.email.endsWith('@acme.example')), 'each demo tenant has its own')
})
