import t from 'tap'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { loadFixtureFeeds } from '../src/seed/fixtures.ts'
import { client, enrolAppliance, licensedTenant, send, startSecurity, type Tenant } from './helpers.ts'

// The security service as another plugin (ITSM checking ticket links) uses it: through its
// reference, inside the caller's own tenant transaction.
const consumer = fileURLToPath(new URL('fixtures/fx-security-consumer', import.meta.url))
let k: TestKernel
t.before(async () => {
  k = await startSecurity({ clock: 'manual', plugins: [consumer] })
  await k.db.platform({ actor: 'test', reason: 'fixtures' }, trx => loadFixtureFeeds(trx))
})
t.teardown(() => k?.close())

async function findingsOf (tenant: Tenant, admin: string): Promise<Array<Record<string, any>>> {
  const box = await enrolAppliance(k, admin)
  await send(k, box, tenant, 'discovery', [{ source: 'agent', ciType: 'server', hostname: 'app-01', software: [{ name: 'lodash', version: '4.17.20', ecosystem: 'npm' }] }])
  await k.deliverEvents()
  const run = await k.runJob('security', 'scan', {}, { tenantId: tenant.id, timeoutMs: 60_000 })
  if (run.state !== 'succeeded') throw new Error(`scan: ${run.lastError}`)
  return (await client(k, admin).get('/api/v1/security/findings')).body.items
}

t.test('getFindings returns the caller tenant\'s findings only', async t => {
  const a = await licensedTenant(k)
  const b = await licensedTenant(k)
  const mine = await findingsOf(a.tenant, a.admin)
  const theirs = await findingsOf(b.tenant, b.admin)
  t.ok(mine.length > 0 && theirs.length > 0, 'both tenants have findings')
  const f = mine[0]!

  const api = client(k, a.admin)
  const res = await api.post('/api/v1/fx-security-consumer/findings', { ids: [f.id, theirs[0]!.id, randomUUID(), 'junk', f.id] })
  t.equal(res.status, 200)
  t.same(res.body, [{
    id: f.id, vulnerabilityId: f.vulnerabilityId, title: `${f.vulnerabilityId} in lodash 4.17.20`, severity: f.severity, state: 'open', kev: f.kev,
    riskScore: f.riskScore, package: 'lodash', version: '4.17.20', ecosystem: 'npm', ciId: f.ciId, deviceId: f.deviceId, dueAt: f.dueAt
  }], 'another tenant\'s finding, unknown ids, junk and repeats are left out')

  const other = await client(k, b.admin).post('/api/v1/fx-security-consumer/findings', { ids: mine.map(x => x.id) })
  t.same(other.body, [], 'tenant B cannot see tenant A\'s findings through the service')
  t.same((await api.post('/api/v1/fx-security-consumer/findings', { ids: [] })).body, [])
  t.equal((await api.post('/api/v1/fx-security-consumer/findings', { ids: Array.from({ length: 1001 }, () => randomUUID()) })).status, 400, 'more than 1,000 ids is refused')

  // The state follows the finding's lifecycle.
  t.equal((await api.post(`/api/v1/security/findings/${f.id}/false-positive`, { reason: 'not reachable' })).status, 200)
  const after = (await api.post('/api/v1/fx-security-consumer/findings', { ids: [f.id] })).body
  t.equal(after[0]?.state, 'false_positive')
})
