import t from 'tap'
import WebSocket from 'ws'
import { randomUUID } from 'node:crypto'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { client, enrolAppliance, licensedTenant, send, startSecurity } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startSecurity() })
t.teardown(() => k?.close())

const alert = (over: Record<string, unknown> = {}) => ({ ruleId: 'wazuh-5712', severity: 'high', title: 'SSH brute force', source: 'wazuh', ...over })

t.test('alerts deduplicate by fingerprint into one alert with count, first and last seen; states; live; events', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const ws = new WebSocket(`${url}/api/ws/security`, ['bearer', admin])
  const seen: Array<{ event: string, data: Record<string, any> }> = []
  ws.on('message', raw => seen.push(JSON.parse(raw.toString())))
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })

  await send(k, box, tenant, 'security_alert', [
    alert({ observedAt: '2026-12-01T10:00:00Z' }), alert({ observedAt: '2026-12-01T09:00:00Z', severity: 'critical' }), alert({ observedAt: '2026-12-01T11:00:00Z', fields: { srcIp: '203.0.113.7' } }),
    alert({ ruleId: 'suricata-2019401', source: 'suricata', title: 'ET SCAN', severity: 'low' })
  ])
  const list = (await api.get('/api/v1/security/alerts')).body
  t.equal(list.items.length, 2, 'three repeats make one alert')
  const brute = list.items.find((a: { ruleId: string }) => a.ruleId === 'wazuh-5712')
  t.match(brute, { count: 3, severity: 'critical', state: 'open', firstSeen: '2026-12-01T09:00:00.000Z', lastSeen: '2026-12-01T11:00:00.000Z', deviceId: box.deviceId, fields: { srcIp: '203.0.113.7' } })
  await send(k, box, tenant, 'security_alert', [alert({ observedAt: '2026-12-01T12:00:00Z' })])
  t.equal((await api.get(`/api/v1/security/alerts/${brute.id}`)).body.count, 4, 'a later batch counts into it too')
  const live = await waitFor('the live alerts.changed event', async () => seen.find(e => e.event === 'alerts.changed'))
  t.match(live.data, { created: 2, ids: Array })
  ws.close()

  const outbox = async (type: string) => k.owner('event_outbox').where({ tenant_id: tenant.id, type })
  t.equal((await outbox('security.alert_opened')).length, 2, 'one alert_opened per new alert, not per repeat')

  t.equal((await api.post(`/api/v1/security/alerts/${brute.id}/acknowledge`, { note: 'looking' })).body.state, 'acknowledged')
  t.equal((await api.post(`/api/v1/security/alerts/${brute.id}/acknowledge`)).status, 200, 'idempotent')
  const resolved = await api.post(`/api/v1/security/alerts/${brute.id}/resolve`)
  t.match(resolved.body, { state: 'resolved', stateChangedBy: String })
  t.equal((await api.post(`/api/v1/security/alerts/${brute.id}/acknowledge`)).body.code, 'invalid_state')
  t.equal((await outbox('security.alert_cleared')).length, 1)
  await send(k, box, tenant, 'security_alert', [alert()])
  const again = (await api.get('/api/v1/security/alerts?state=open&ruleId=wazuh-5712')).body.items
  t.equal(again.length, 1, 'after resolution a repeat opens a new alert')
  t.not(again[0].id, brute.id)
  t.equal(again[0].count, 1)
  t.same((await api.get('/api/v1/security/alerts?severity=low')).body.items.map((a: { source: string }) => a.source), ['suricata'])
  const paged = await api.get('/api/v1/security/alerts?limit=1')
  t.equal(paged.body.items.length, 1)
  t.equal((await api.get(`/api/v1/security/alerts?limit=1&cursor=${paged.body.nextCursor}`)).body.items.length, 1)
  t.equal((await api.get('/api/v1/security/alerts?cursor=bogus')).status, 400)
})

t.test('suppression rules need a reason and an expiry, suppress matching alerts, and stop at expiry', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await send(k, box, tenant, 'security_alert', [alert({ ruleId: 'noisy' })])
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString()
  t.match((await api.post('/api/v1/security/suppressions', { ruleId: 'noisy', expiresAt })).body, { status: 400, code: 'validation_failed' }, 'no reason')
  t.match((await api.post('/api/v1/security/suppressions', { ruleId: 'noisy', reason: 'scanner' })).body, { code: 'validation_failed' }, 'no expiry')
  t.match((await api.post('/api/v1/security/suppressions', { ruleId: 'noisy', reason: 'scanner', expiresAt: '2020-01-01T00:00:00Z' })).body, { code: 'validation_failed', detail: /future/ })
  t.match((await api.post('/api/v1/security/suppressions', { reason: 'everything', expiresAt })).body, { code: 'validation_failed', detail: /at least one/ })
  const created = await api.post('/api/v1/security/suppressions', { ruleId: 'noisy', reason: 'Internal vulnerability scanner', expiresAt })
  t.equal(created.status, 201)
  t.match(created.body, { suppressed: 1, rule: { ruleId: 'noisy', active: true, reason: 'Internal vulnerability scanner' } })
  t.same((await api.get('/api/v1/security/alerts?ruleId=noisy')).body.items.map((a: { state: string }) => a.state), ['suppressed'])
  await send(k, box, tenant, 'security_alert', [alert({ ruleId: 'noisy' }), alert({ ruleId: 'noisy', source: 'other' })])
  const items = (await api.get('/api/v1/security/alerts?ruleId=noisy')).body.items
  t.same(items.map((a: { state: string, count: number }) => [a.state, a.count]).sort(), [['suppressed', 1], ['suppressed', 2]], 'repeats and new alerts under the rule stay suppressed')
  t.equal((await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.alert_opened' })).length, 1, 'only the alert opened before the rule; suppressed ones open nothing')
  t.equal((await api.del(`/api/v1/security/suppressions/${created.body.rule.id}`)).body.active, false)
  await send(k, box, tenant, 'security_alert', [alert({ ruleId: 'noisy' })])
  t.ok((await api.get('/api/v1/security/alerts?ruleId=noisy&state=open')).body.items.length >= 1, 'after the rule ends, the next occurrence opens it')
  t.equal((await api.get('/api/v1/security/suppressions?active=false')).body.items.length, 1)
})

t.test('isolation: another tenant\'s alerts, rules and inventory are invisible and untouchable, on every route and the channel', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)
  const box = await enrolAppliance(k, acme.admin)
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => k.app.server.address() && `http://127.0.0.1:${(k.app.server.address() as { port: number }).port}`))!.replace('http', 'ws')
  const spy = new WebSocket(`${url}/api/ws/security`, ['bearer', globex.admin])
  const spied: unknown[] = []
  spy.on('message', raw => spied.push(JSON.parse(raw.toString())))
  await new Promise((resolve, reject) => { spy.on('open', resolve); spy.on('error', reject) })

  await send(k, box, acme.tenant, 'security_alert', [alert({ ruleId: 'acme-secret' })])
  const a = (await victim.get('/api/v1/security/alerts')).body.items[0]
  const rule = (await victim.post('/api/v1/security/suppressions', { ruleId: 'other', reason: 'acme rule', expiresAt: new Date(Date.now() + 3_600_000).toISOString() })).body.rule
  await k.pluginContext('security').db.withTenant(acme.tenant.id, trx => trx('security_inventory').insert({ tenant_id: acme.tenant.id, id: randomUUID(), asset_key: `device:${box.deviceId}`, device_id: box.deviceId, source: 'agent', ecosystem: 'npm', name: 'lodash', match_name: 'lodash', version: '4.17.20', observed_at: new Date(), changed_at: new Date() }))

  const expect404 = async (what: string, res: Promise<{ status: number, body: unknown }>) => {
    const r = await res
    t.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  await expect404('GET alert', attacker.get(`/api/v1/security/alerts/${a.id}`))
  await expect404('acknowledge', attacker.post(`/api/v1/security/alerts/${a.id}/acknowledge`))
  await expect404('resolve', attacker.post(`/api/v1/security/alerts/${a.id}/resolve`))
  await expect404('end rule', attacker.del(`/api/v1/security/suppressions/${rule.id}`))
  t.same((await attacker.get('/api/v1/security/alerts')).body.items, [])
  t.same((await attacker.get('/api/v1/security/suppressions')).body.items, [])
  t.same((await attacker.get(`/api/v1/security/inventory?deviceId=${box.deviceId}`)).body.items, [])
  t.same((await attacker.get('/api/v1/security/inventory')).body.items, [])
  // A rule in Globex never suppresses Acme's alerts.
  await attacker.post('/api/v1/security/suppressions', { ruleId: 'acme-secret', reason: 'attack', expiresAt: new Date(Date.now() + 3_600_000).toISOString() })
  await send(k, box, acme.tenant, 'security_alert', [alert({ ruleId: 'acme-secret' })])
  t.match((await victim.get(`/api/v1/security/alerts/${a.id}`)).body, { state: 'open', count: 2 })
  t.equal((await victim.get('/api/v1/security/inventory')).body.items.length, 1)
  await new Promise(resolve => setTimeout(resolve, 300))
  spy.close()
  t.same(spied, [], 'the other tenant\'s socket heard nothing')
})

t.test('unlicensed, member, anonymous', async t => {
  const unlicensed = await k.createTenant()
  const admin = await k.signIn(unlicensed, ['tenant-admin'])
  t.equal((await k.request('GET', '/api/v1/security/alerts', { token: admin.token })).body.code, 'feature_disabled')
  t.equal((await k.request('GET', '/api/v1/security/alerts')).status, 401)
  const { member } = await licensedTenant(k)
  const m = client(k, member)
  t.equal((await m.get('/api/v1/security/alerts')).status, 200, 'members read')
  t.equal((await m.get('/api/v1/security/inventory')).status, 200)
  t.equal((await m.post(`/api/v1/security/alerts/${randomUUID()}/resolve`)).status, 403)
  t.equal((await m.post('/api/v1/security/suppressions', { ruleId: 'x', reason: 'xxx', expiresAt: new Date(Date.now() + 1e6).toISOString() })).status, 403)
  t.equal((await m.del(`/api/v1/security/suppressions/${randomUUID()}`)).status, 403)
})
