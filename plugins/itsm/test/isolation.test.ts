import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

// The attacker is a tenant-admin of Globex holding every itsm permission, with Acme's ids.
let k: TestKernel
t.before(async () => { k = await startItsm() })
t.teardown(() => k?.close())

t.test('another tenant\'s ids give 404 on every route, and its data never shows', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = acme.agent
  const attacker = globex.agent

  const ci = (await victim.post('/api/v1/cmdb/cis', { type: 'server', name: 'acme-db' })).body.id as string
  const app = (await victim.post('/api/v1/cmdb/cis', { type: 'application', name: 'acme-erp' })).body.id as string
  t.equal((await victim.post('/api/v1/cmdb/relations', { sourceId: app, targetId: ci, type: 'runs_on' })).status, 201)
  const group = (await victim.post('/api/v1/itsm/groups', { name: 'Acme L1' })).body.id as string
  const cal = (await victim.post('/api/v1/itsm/calendars', { name: 'Acme', timeZone: 'Europe/Warsaw', hours: { mon: [['09:00', '17:00']] }, country: 'PL' })).body.id as string
  const policy = (await victim.post('/api/v1/itsm/sla-policies', { name: 'Acme', calendarId: cal, resolutionMinutes: 480 })).body.id as string
  const view = (await victim.post('/api/v1/itsm/views', { name: 'Acme view', shared: true, filters: { q: 'payroll' } })).body.id as string
  const rule = (await victim.post('/api/v1/itsm/alert-rules', { name: 'Acme rule', eventType: 'devices.status_changed' })).body.id as string
  const enrolment = (await victim.post('/api/v1/devices/enrollment-tokens', {})).body.token as string
  const device = (await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enrolment }, body: { hostname: 'acme-edge-1', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })).body.deviceId as string
  const ticket = (await victim.post('/api/v1/itsm/tickets', { type: 'change', title: 'acme payroll change', approvers: [acme.agentId], links: { cis: [ci], devices: [device] }, groupId: group })).body
  t.equal(ticket.number, 'CHG-000001')
  const impact = (await victim.get(`/api/v1/itsm/tickets/${ticket.id}/impact`)).body.items
  t.match(impact, [{ root: ci, name: 'acme-db', nodes: [{ id: app, name: 'acme-erp', depth: 1 }] }], 'the CMDB impact view through the cmdb service')
  t.match((await victim.get(`/api/v1/itsm/tickets/${ticket.id}/links`)).body, { cis: [{ id: ci, found: true, name: 'acme-db', kind: 'server' }], devices: [{ id: device, found: true, name: 'acme-edge-1' }], findings: [] }, 'linked CIs and devices named through the cmdb and devices services')
  await victim.post(`/api/v1/itsm/tickets/${ticket.id}/messages`, { body: 'payroll internal', visibility: 'internal' })
  const file = (await victim.raw(`/api/v1/itsm/tickets/${ticket.id}/attachments?filename=a.txt`, 'acme', 'application/octet-stream')).body.id as string

  const expect404 = async (what: string, res: Promise<{ status: number, body: unknown }>) => {
    const r = await res
    t.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  const tk = `/api/v1/itsm/tickets/${ticket.id}`
  await expect404('GET ticket', attacker.get(tk))
  await expect404('PATCH ticket', attacker.patch(tk, { title: 'pwned' }))
  await expect404('transitions', attacker.get(`${tk}/transitions`))
  await expect404('messages', attacker.get(`${tk}/messages`))
  await expect404('POST message', attacker.post(`${tk}/messages`, { body: 'x' }))
  await expect404('attachments', attacker.get(`${tk}/attachments`))
  await expect404('POST attachment', attacker.raw(`${tk}/attachments?filename=x`, 'x', 'application/octet-stream'))
  await expect404('download', attacker.get(`${tk}/attachments/${file}`))
  await expect404('GET approvals', attacker.get(`${tk}/approvals`))
  await expect404('approvals', attacker.post(`${tk}/approvals`, { decision: 'approve' }))
  await expect404('impact', attacker.get(`${tk}/impact`))
  await expect404('links', attacker.get(`${tk}/links`))
  await expect404('presence', attacker.post(`${tk}/presence`, {}))
  await expect404('view', attacker.get(`/api/v1/itsm/tickets?view=${view}`))
  await expect404('PATCH view', attacker.patch(`/api/v1/itsm/views/${view}`, { name: 'x' }))
  await expect404('DELETE view', attacker.del(`/api/v1/itsm/views/${view}`))
  await expect404('PATCH group', attacker.patch(`/api/v1/itsm/groups/${group}`, { name: 'x' }))
  await expect404('DELETE group', attacker.del(`/api/v1/itsm/groups/${group}`))
  await expect404('PATCH calendar', attacker.patch(`/api/v1/itsm/calendars/${cal}`, { name: 'x' }))
  await expect404('DELETE calendar', attacker.del(`/api/v1/itsm/calendars/${cal}`))
  await expect404('PATCH policy', attacker.patch(`/api/v1/itsm/sla-policies/${policy}`, { name: 'x' }))
  await expect404('DELETE policy', attacker.del(`/api/v1/itsm/sla-policies/${policy}`))
  await expect404('PATCH rule', attacker.patch(`/api/v1/itsm/alert-rules/${rule}`, { name: 'x' }))
  await expect404('DELETE rule', attacker.del(`/api/v1/itsm/alert-rules/${rule}`))

  // references to the victim's things from the attacker's own requests do not resolve
  t.match((await attacker.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', links: { cis: [ci] } })).body, { code: 'validation_failed', errors: [{ pointer: '/links/cis/0', rule: 'not_found' }] })
  t.match((await attacker.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', links: { devices: [device] } })).body, { code: 'validation_failed', errors: [{ pointer: '/links/devices/0', rule: 'not_found' }] })
  t.equal((await attacker.post('/api/v1/itsm/tickets', { type: 'incident', title: 'x', groupId: group })).status, 400)
  t.equal((await attacker.post('/api/v1/itsm/sla-policies', { name: 'x', calendarId: cal })).status, 400)
  t.equal((await attacker.post('/api/v1/itsm/alert-rules', { name: 'x', eventType: 'devices.status_changed', ticket: { groupId: group } })).status, 400)

  // lists, search, numbers and settings are per tenant
  const own = (await attacker.post('/api/v1/itsm/tickets', { type: 'change', title: 'globex' })).body
  t.equal(own.number, 'CHG-000001', 'numbers count per tenant')
  t.same((await attacker.get('/api/v1/itsm/tickets')).body.items.map((x: { id: string }) => x.id), [own.id])
  t.same((await attacker.get('/api/v1/itsm/tickets?q=payroll')).body.items, [])
  for (const list of ['groups', 'calendars', 'sla-policies', 'views', 'alert-rules']) {
    t.same((await attacker.get(`/api/v1/itsm/${list}`)).body.items, [], list)
  }
  t.equal((await attacker.get('/api/v1/itsm/settings')).body.inboundSecretHint, null)

  // the victim's inbound secret does not let mail into the attacker's tenant, nor the other way
  const secret = (await victim.post('/api/v1/itsm/settings/inbound-secret')).body.inboundSecret as string
  const forged = secret.replace(/^mzin_[0-9a-f]{32}/, `mzin_${globex.tenant.id.replace(/-/g, '')}`)
  const r = await k.request('POST', '/api/v1/itsm/inbound-email', { body: Buffer.from(`From: a@b.c\r\nSubject: [${own.number}] x\r\n\r\nhi`), headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${forged}` } })
  t.equal(r.status, 401)

  // nothing of Acme's changed
  t.match((await victim.get(tk)).body, { title: 'acme payroll change', groupId: group, approval: 'pending' })
  t.equal((await victim.get(`/api/v1/itsm/tickets?view=${view}`)).body.items.length, 1)
})
