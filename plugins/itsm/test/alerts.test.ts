import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm() })
t.teardown(() => k?.close())

t.test('a storm of 1,000 offline/online events for 10 devices makes at most 10 tickets, resolved when the devices return', async t => {
  const { tenant, agent } = await licensedTenant(k)
  const rule = await agent.post('/api/v1/itsm/alert-rules', { name: 'Device offline', eventType: 'devices.status_changed', ticket: { impact: 2, urgency: 1 } })
  t.equal(rule.status, 201, JSON.stringify(rule.body))
  t.same(rule.body.openWhen, { status: ['offline'] })
  const devices = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), name: `edge-${i}` }))
  const events: Array<{ subject: string, payload: Record<string, unknown> }> = []
  for (let i = 0; i < 100; i++) {
    for (const d of devices) {
      const offline = i % 2 === 0
      events.push({ subject: d.id, payload: { deviceId: d.id, name: d.name, status: offline ? 'offline' : 'online', previous: offline ? 'online' : 'offline', lastSeenAt: null } })
    }
  }
  const publisher = k.pluginContext('devices').events
  await k.db.withTenant(tenant.id, async trx => { await publisher.publishMany(trx, 'devices.status_changed', events) })
  while (await k.deliverEvents() > 0) { /* until drained */ }
  const tickets = (await agent.get('/api/v1/itsm/tickets?limit=200')).body.items
  t.equal(tickets.length, 10, 'one ticket per device')
  t.ok(tickets.every((x: { status: string, links: { devices: string[] } }) => x.status === 'resolved' && x.links.devices.length === 1), tickets.map((x: { status: string }) => x.status).join(','))
  t.equal(tickets.reduce((n: number, x: { alertCount: number }) => n + x.alertCount, 0), 500, 'every offline event counted')
  t.match(tickets[0].title, /^Device edge-\d is offline$/)

  // one more offline: the resolved ticket reopens instead of a new one
  await k.db.withTenant(tenant.id, async trx => { await publisher.publish(trx, 'devices.status_changed', { deviceId: devices[0]!.id, name: 'edge-0', status: 'offline', previous: 'online', lastSeenAt: null }, { subject: devices[0]!.id }) })
  while (await k.deliverEvents() > 0) { /* drain */ }
  const open = (await agent.get('/api/v1/itsm/tickets?status=open,new')).body.items
  t.equal(open.length, 1)
  t.equal((await agent.get('/api/v1/itsm/tickets?limit=200')).body.items.length, 10)

  // a disabled rule opens nothing; a requester cannot manage rules
  await agent.patch(`/api/v1/itsm/alert-rules/${rule.body.id}`, { enabled: false })
  const other = randomUUID()
  await k.db.withTenant(tenant.id, async trx => { await publisher.publish(trx, 'devices.status_changed', { deviceId: other, name: 'x', status: 'offline', previous: 'online', lastSeenAt: null }, { subject: other }) })
  while (await k.deliverEvents() > 0) { /* drain */ }
  t.equal((await agent.get('/api/v1/itsm/tickets?limit=200')).body.items.length, 10)
})
