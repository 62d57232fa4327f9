import t from 'tap'
import { readFileSync } from 'node:fs'
import type { TestKernel } from '@monozu/kernel/testing'
import { FIXTURES, feedConfig, startFeedServer, type FeedServer } from './feed-server.ts'
import { client, enrolAppliance, licensedTenant, send, startSecurity, type Tenant } from './helpers.ts'

// Feed changes after a finding exists: a new EPSS publication re-rates it at the next scan, even
// though neither the advisory nor the inventory changed; a withdrawn advisory withdraws it.
let k: TestKernel
let feeds: FeedServer
t.before(async () => {
  feeds = await startFeedServer()
  k = await startSecurity({ clock: 'manual', pluginConfig: { security: feedConfig(feeds, { nvdStartDate: '2024-01-01T00:00:00.000Z' }) } })
})
t.teardown(async () => { await k?.close(); await feeds?.close() })

const sync = async (which: string[]) => {
  const run = await k.runJob('security', 'feeds.sync', { feeds: which }, { tenantId: null, timeoutMs: 60_000 })
  if (run.state !== 'succeeded') throw new Error(`sync: ${run.lastError}`)
}
const scan = async (tenant: Tenant) => {
  const run = await k.runJob('security', 'scan', {}, { tenantId: tenant.id, timeoutMs: 60_000 })
  if (run.state !== 'succeeded') throw new Error(`scan: ${run.lastError}`)
  return (await k.owner('security_scan_state').where({ tenant_id: tenant.id }).first('last_result')).last_result as Record<string, number>
}

t.test('a new EPSS publication re-rates existing findings at the next scan', async t => {
  await sync(['osv', 'nvd', 'kev', 'epss'])
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await send(k, box, tenant, 'discovery', [{ source: 'agent', ciType: 'server', hostname: 'web-01', software: [{ name: 'lodash', version: '4.17.20', ecosystem: 'npm' }] }])
  await k.deliverEvents()
  await scan(tenant)
  const before = (await api.get('/api/v1/security/findings?vulnerabilityId=GHSA-35jh-r3h4-6jhm')).body.items[0]
  t.match(before, { epss: 0.01352, state: 'open' }, 'rated with the first publication')
  t.equal((await scan(tenant)).rerated, 0, 'nothing to re-rate without a new publication')

  // FIRST publishes the next day's scores: CVE-2021-23337 jumps to 0.5.
  feeds.publishEpss(readFileSync(`${FIXTURES}epss.csv`, 'utf8').replace('2024-12-05T', '2024-12-06T').replace('CVE-2021-23337,0.01352,0.86062', 'CVE-2021-23337,0.50000,0.97000'), '"epss-2024-12-06"')
  await sync(['epss'])
  const result = await scan(tenant)
  t.equal(result.rerated, 1, 'the scan re-rated the one finding whose score changed')
  t.equal(result.updated, 0, 'no advisory or inventory change was needed')
  const after = (await api.get(`/api/v1/security/findings/${before.id}`)).body
  t.equal(after.epss, 0.5)
  t.equal(after.riskScore, Math.round(((before.cvssScore ?? 5) * 6 + 0.5 * 25) * 10) / 10, 'risk score follows (CVSS x 6 + EPSS x 25)')
  t.ok(after.riskScore > before.riskScore)
  t.same(after.explanation.epss, { cve: 'CVE-2021-23337', epss: 0.5, percentile: 0.97 }, 'the explanation names the new score')
  t.equal((await scan(tenant)).rerated, 0, 'once per publication')

  // A 304 (same ETag) is not a new publication.
  await sync(['epss'])
  t.equal((await scan(tenant)).rerated, 0)
})

t.test('a withdrawn advisory withdraws its findings (not "fixed")', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await enrolAppliance(k, admin)
  await send(k, box, tenant, 'discovery', [{ source: 'agent', ciType: 'server', hostname: 'web-02', software: [{ name: 'lodash', version: '4.17.20', ecosystem: 'npm' }] }])
  await k.deliverEvents()
  await scan(tenant)
  const open = (await api.get('/api/v1/security/findings?vulnerabilityId=GHSA-35jh-r3h4-6jhm')).body.items[0]
  t.equal(open.state, 'open')

  const record = feeds.osv.get('npm')!.get('GHSA-35jh-r3h4-6jhm')!
  const original = structuredClone(record)
  Object.assign(record, { withdrawn: '2024-12-06T10:00:00Z', modified: '2024-12-06T10:00:00Z' })
  await sync(['osv'])
  const result = await scan(tenant)
  t.equal(result.withdrawn, 1)
  t.equal(result.fixed, 0, 'nothing was fixed')
  const withdrawn = (await api.get(`/api/v1/security/findings/${open.id}`)).body
  t.match(withdrawn, { state: 'withdrawn', stateReason: 'the advisory was withdrawn by its publisher', stateBy: 'scan', fixedAt: null })
  t.same((await api.get('/api/v1/security/findings?state=withdrawn')).body.items.map((f: { id: string }) => f.id), [open.id], 'listed under its own state')
  const fixedEvents = await k.owner('event_outbox').where({ tenant_id: tenant.id, type: 'security.finding_fixed' }).count({ n: '*' }).first()
  t.equal(Number(fixedEvents?.n), 0, 'no finding_fixed event')
  t.equal((await api.post(`/api/v1/security/findings/${open.id}/accept-risk`, { reason: 'later', until: new Date(Date.now() + 86_400_000).toISOString() })).status, 409, 'a withdrawn finding takes no triage')

  // The publisher reinstates it: the same finding opens again.
  feeds.osv.get('npm')!.set(original.id, { ...original, modified: '2024-12-07T10:00:00Z' })
  await sync(['osv'])
  await scan(tenant)
  t.match((await api.get(`/api/v1/security/findings/${open.id}`)).body, { state: 'open', stateReason: 'the advisory stands again' })
})
