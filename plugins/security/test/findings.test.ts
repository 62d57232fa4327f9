import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { upsertOsv } from '../src/feeds/store.ts'
import { loadFixtureFeeds } from '../src/seed/fixtures.ts'
import { client, enrolAppliance, licensedTenant, send, startSecurity, type Tenant } from './helpers.ts'

let k: TestKernel
t.before(async () => {
  k = await startSecurity({ clock: 'manual' })
  await k.db.platform({ actor: 'test', reason: 'fixtures' }, trx => loadFixtureFeeds(trx))
})
t.teardown(() => k?.close())

const SOFTWARE = [
  { name: 'lodash', version: '4.17.20', ecosystem: 'npm', purl: 'pkg:npm/lodash@4.17.20' },
  { name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', ecosystem: 'Maven' },
  { name: 'openssl', version: '1.1.1n-0+deb11u3', ecosystem: 'Debian:11' },
  { name: 'Jinja2', version: '3.1.2', ecosystem: 'PyPI' },
  { name: 'left-pad', version: '1.3.0', ecosystem: 'npm' }
]

async function report (tenant: Tenant, box: { deviceKey: string }, software: Array<Record<string, string | undefined>>) {
  await send(k, box, tenant, 'discovery', [{ source: 'agent', ciType: 'server', hostname: 'app-01', software }])
  await k.deliverEvents()
  const run = await k.runJob('security', 'scan', {}, { tenantId: tenant.id, timeoutMs: 60_000 })
  if (run.state !== 'succeeded') throw new Error(`scan: ${run.lastError}`)
}

t.test('a scan finds what the inventory is exposed to, and every finding explains itself', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await report(tenant, box, SOFTWARE)

  const inv = (await api.get(`/api/v1/security/inventory?deviceId=${box.deviceId}`)).body.items
  t.equal(inv.length, 5, 'the inventory lists what the discovery event carried')
  t.match(inv.find((i: { name: string }) => i.name === 'lodash'), { version: '4.17.20', ecosystem: 'npm', source: 'agent', purl: 'pkg:npm/lodash@4.17.20', ciName: 'app-01', ciId: String })

  const items = (await api.get('/api/v1/security/findings')).body.items as Array<Record<string, any>>
  t.same(items.map(f => f.vulnerabilityId).sort(), ['DSA-5343-1', 'GHSA-35jh-r3h4-6jhm', 'GHSA-h5c8-rqwp-cp95', 'GHSA-jfh8-c2jp-5v3q'], 'four findings; lodash 4.17.20 is past the fix of GHSA-p6mc-m468-83gw')
  t.equal(items[0]!.vulnerabilityId, 'GHSA-jfh8-c2jp-5v3q', 'highest risk first')
  t.match(items[0], { severity: 'critical', cvssScore: 10, kev: true, epss: 0.94358, state: 'open', fixedVersion: '2.15.0', dueAt: '2021-12-24T00:00:00.000Z', overdue: true, riskScore: 98.6 })
  t.match(items.find(f => f.vulnerabilityId === 'DSA-5343-1'), { severity: 'high', cvssScore: 7.5, fixedVersion: '1.1.1n-0+deb11u4', sentence: '1.1.1n-0+deb11u3 < fixed 1.1.1n-0+deb11u4 by dpkg' })
  t.match(items.find(f => f.vulnerabilityId === 'GHSA-h5c8-rqwp-cp95'), { severity: 'medium', package: 'Jinja2', sentence: '3.1.2 < fixed 3.1.3 by PEP 440' })

  const lodash = items.find(f => f.vulnerabilityId === 'GHSA-35jh-r3h4-6jhm')!
  const one = (await api.get(`/api/v1/security/findings/${lodash.id}`)).body
  t.match(one, {
    package: 'lodash', version: '4.17.20', severity: 'high', cvssScore: 7.2, aliases: ['CVE-2021-23337'], fixedVersion: '4.17.21', sentence: '4.17.20 < fixed 4.17.21 by semver',
    explanation: {
      inventory: { source: 'agent', observedAt: String, name: 'lodash', version: '4.17.20', ecosystem: 'npm' },
      advisory: { id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], summary: 'Command Injection in lodash' },
      affected: { ecosystem: 'npm', name: 'lodash', matchedBy: 'range', rangeType: 'SEMVER', rangeIndex: 0, events: [{ introduced: '0' }, { fixed: '4.17.21' }] },
      comparisons: [{ bound: 'introduced', op: '>=', version: '4.17.20', value: '0' }, { bound: 'fixed', op: '<', version: '4.17.20', value: '4.17.21' }],
      scheme: 'semver', fixedVersion: '4.17.21',
      severity: { rating: 'high', cvss: { score: 7.2, version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }, source: 'advisory' },
      kev: null, epss: { cve: 'CVE-2021-23337', epss: 0.01352 }
    }
  })
  t.match((await api.get(`/api/v1/security/findings/${items.find(f => f.vulnerabilityId === 'DSA-5343-1')!.id}`)).body.explanation.severity, { source: 'NVD CVE-2022-4450' }, 'a Debian record without CVSS is rated from NVD')

  t.same((await api.get('/api/v1/security/findings?severity=critical')).body.items.map((f: { package: string }) => f.package), ['org.apache.logging.log4j:log4j-core'])
  t.equal((await api.get('/api/v1/security/findings?kev=true')).body.items.length, 1)
  t.same((await api.get('/api/v1/security/findings?vulnerabilityId=CVE-2021-23337')).body.items.map((f: { id: string }) => f.id), [lodash.id], 'found by its CVE alias')
  t.equal((await api.get(`/api/v1/security/findings?deviceId=${box.deviceId}`)).body.items.length, 4)
  const page1 = (await api.get('/api/v1/security/findings?limit=2')).body
  const page2 = (await api.get(`/api/v1/security/findings?limit=2&cursor=${page1.nextCursor}`)).body
  t.equal(new Set([...page1.items, ...page2.items].map((f: { id: string }) => f.id)).size, 4, 'pages do not overlap')

  const opened = await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.finding_opened' })
  t.equal(opened.length, 4, 'one finding_opened each')
  const summary = (await api.get('/api/v1/security/summary')).body
  t.match(summary, { open: { critical: 1, high: 2, medium: 1 }, kev: 1, topAssets: [{ ciName: 'app-01', open: 4 }] })
  t.equal(summary.trend.length, 30)

  // A rescan with nothing new changes nothing.
  await k.runJob('security', 'scan', {}, { tenantId: tenant.id })
  t.equal((await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.finding_opened' })).length, 4)

  // The upgrade closes the lodash finding, and only it.
  await report(tenant, box, SOFTWARE.map(s => (s.name === 'lodash' ? { ...s, version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' } : s)))
  t.match((await api.get(`/api/v1/security/findings/${lodash.id}`)).body, { state: 'fixed', fixedAt: String, stateReason: /no longer has an affected version/ })
  t.equal((await api.get('/api/v1/security/findings?state=open')).body.items.length, 3)
  t.equal((await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.finding_fixed' })).length, 1)
  t.equal((await api.post(`/api/v1/security/findings/${lodash.id}/false-positive`, { reason: 'nope' })).body.code, 'invalid_state', 'a fixed finding is not triaged')

  // A new advisory against the whole inventory, incrementally.
  await k.db.platform({ actor: 'test', reason: 'new advisory' }, trx => upsertOsv(trx, [{
    id: 'GHSA-h75v-3vvj-5mfj', modified: '2024-05-06T14:20:00Z', aliases: ['CVE-2024-34064'], summary: 'Jinja vulnerable to HTML attribute injection when passing user input as keys to xmlattr filter',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N' }],
    affected: [{ package: { ecosystem: 'PyPI', name: 'jinja2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.4' }] }] }]
  }]))
  const run = await k.runJob('security', 'scan', {}, { tenantId: tenant.id })
  t.equal(run.state, 'succeeded')
  const last = (await api.get('/api/v1/security/summary')).body.lastScan
  t.match(last, { advisories: 1, assets: 0, opened: 1 }, 'only the new advisory was matched')
  t.equal((await api.get('/api/v1/security/findings?vulnerabilityId=CVE-2024-34064')).body.items[0].sentence, '3.1.2 < fixed 3.1.4 by PEP 440')
  const notes = await k.owner('notifications').where({ tenant_id: tenant.id }).catch(() => [])
  t.ok(notes.some((n: Record<string, any>) => n.type === 'security.critical_finding'), 'the critical, KEV finding notified the triage people')
})

t.test('risk acceptance needs a reason and an expiry and reopens when it expires; false positives keep their reason', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await report(tenant, box, SOFTWARE)
  const log4j = (await api.get('/api/v1/security/findings?severity=critical')).body.items[0]
  const jinja = (await api.get('/api/v1/security/findings?vulnerabilityId=CVE-2024-22195')).body.items[0]
  t.equal((await api.post(`/api/v1/security/findings/${log4j.id}/accept-risk`, { reason: 'isolated segment' })).body.code, 'validation_failed', 'no expiry')
  t.equal((await api.post(`/api/v1/security/findings/${log4j.id}/accept-risk`, { until: new Date(k.clock.now().getTime() + 86_400_000).toISOString() })).body.code, 'validation_failed', 'no reason')
  t.equal((await api.post(`/api/v1/security/findings/${log4j.id}/accept-risk`, { reason: 'isolated', until: new Date(k.clock.now().getTime() - 1000).toISOString() })).body.code, 'validation_failed', 'in the past')
  const until = new Date(k.clock.now().getTime() + 86_400_000).toISOString()
  const accepted = await api.post(`/api/v1/security/findings/${log4j.id}/accept-risk`, { reason: 'The ERP app server is in an isolated segment until the upgrade on Friday', until })
  t.match(accepted.body, { state: 'risk_accepted', acceptedUntil: until, stateReason: /isolated segment/ })
  t.match((await api.post(`/api/v1/security/findings/${jinja.id}/false-positive`, { reason: 'xmlattr is never used with user keys' })).body, { state: 'false_positive' })

  await k.runJob('security', 'scan', { full: true }, { tenantId: tenant.id })
  t.equal((await api.get(`/api/v1/security/findings/${log4j.id}`)).body.state, 'risk_accepted', 'a rescan before the expiry keeps it accepted')
  t.equal((await api.get(`/api/v1/security/findings/${jinja.id}`)).body.state, 'false_positive', 'and the false positive')

  await k.clock.advance(86_400_000 + 1000)
  await k.runJob('security', 'scan', {}, { tenantId: tenant.id })
  t.match((await api.get(`/api/v1/security/findings/${log4j.id}`)).body, { state: 'open', stateReason: 'the risk acceptance expired' })
  const reopened = (await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.finding_opened', subject: log4j.id })).map(r => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload))
  t.same(reopened.map(p => p.reopened).sort(), [false, true], 'opened, then reopened at expiry')
  t.equal((await api.post(`/api/v1/security/findings/${jinja.id}/reopen`, {})).body.state, 'open')
})

t.test('isolation: findings, summary, inventory and scans stay in their tenant', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const box = await enrolAppliance(k, acme.admin)
  await report(acme.tenant, box, SOFTWARE)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)
  const f = (await victim.get('/api/v1/security/findings')).body.items[0]
  const expect404 = async (what: string, res: Promise<{ status: number }>) => t.equal((await res).status, 404, what)
  await expect404('GET finding', attacker.get(`/api/v1/security/findings/${f.id}`))
  await expect404('accept-risk', attacker.post(`/api/v1/security/findings/${f.id}/accept-risk`, { reason: 'pwned', until: new Date(k.clock.now().getTime() + 3_600_000).toISOString() }))
  await expect404('false-positive', attacker.post(`/api/v1/security/findings/${f.id}/false-positive`, { reason: 'pwned' }))
  await expect404('reopen', attacker.post(`/api/v1/security/findings/${f.id}/reopen`, {}))
  t.same((await attacker.get('/api/v1/security/findings')).body.items, [])
  t.same((await attacker.get(`/api/v1/security/findings?deviceId=${box.deviceId}`)).body.items, [])
  t.same((await attacker.get(`/api/v1/security/inventory?deviceId=${box.deviceId}`)).body.items, [])
  t.match((await attacker.get('/api/v1/security/summary')).body, { open: { critical: 0, high: 0 }, kev: 0, topAssets: [] })
  t.equal((await attacker.post('/api/v1/security/scan')).status, 202)
  await k.runJob('security', 'scan', { full: true }, { tenantId: globex.tenant.id })
  t.same((await attacker.get('/api/v1/security/findings')).body.items, [], 'a full scan of Globex finds nothing of Acme\'s')
  t.equal((await victim.get(`/api/v1/security/findings/${f.id}`)).body.state, 'open')
  const member = client(k, acme.member)
  t.equal((await member.get('/api/v1/security/findings')).status, 200)
  t.equal((await member.post(`/api/v1/security/findings/${f.id}/false-positive`, { reason: 'member' })).status, 403)
  t.equal((await member.post('/api/v1/security/scan')).status, 403)
  t.equal((await k.request('GET', `/api/v1/security/findings/${randomUUID()}`)).status, 401)
})
