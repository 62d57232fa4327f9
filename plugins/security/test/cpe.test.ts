import t from 'tap'
import { readFileSync } from 'node:fs'
import type { TestKernel } from '@monozu/kernel/testing'
import { compareCpeVersion, evaluateCpe, type CpeConfiguration } from '../src/match/cpe.ts'
import { feedConfig, startFeedServer, type FeedServer } from './feed-server.ts'
import { client, enrolAppliance, licensedTenant, send, startSecurity, type Tenant } from './helpers.ts'

// Appliance firmware against NVD CVE API 2.0 configurations. The fixture is CVE-2018-13379
// (FortiOS SSL VPN path traversal) in the API's format; its CPE ranges restate the affected
// versions NVD and Fortinet publish (FortiOS 5.4.6-5.4.12, 5.6.3-5.6.7, 6.0.0-6.0.4; FortiProxy
// 2.0.0, 1.2.0-1.2.8), served by the local NVD server with the other NVD fixtures.
const FIRMWARE = JSON.parse(readFileSync(new URL('fixtures/nvd-firmware.json', import.meta.url), 'utf8')) as Array<Record<string, any>>

let k: TestKernel
let feeds: FeedServer
t.before(async () => {
  feeds = await startFeedServer()
  feeds.nvd.push(...structuredClone(FIRMWARE))
  k = await startSecurity({ clock: 'manual', pluginConfig: { security: feedConfig(feeds, { nvdStartDate: '2024-01-01T00:00:00.000Z' }) } })
  const run = await k.runJob('security', 'feeds.sync', { feeds: ['nvd', 'kev', 'epss'] }, { tenantId: null, timeoutMs: 60_000 })
  if (run.state !== 'succeeded') throw new Error(`sync: ${run.lastError}`)
})
t.teardown(async () => { await k?.close(); await feeds?.close() })

t.test('firmware versions compare piece by piece', async t => {
  t.ok(compareCpeVersion('6.0.4', '6.0.10') < 0)
  t.ok(compareCpeVersion('5.4.12', '5.4.6') > 0)
  t.ok(compareCpeVersion('1.1.1n', '1.1.1t') < 0)
  t.equal(compareCpeVersion('6.0.0', '6.0.0'), 0)
  t.ok(compareCpeVersion('6.0.4.1', '6.0.4') > 0)
  t.ok(compareCpeVersion('7.0', '7.0rc1') > 0, 'a release is after its candidate')
})

async function box (tenant: Tenant, admin: string, hostname: string, software: Array<Record<string, string>>) {
  const b = await enrolAppliance(k, admin)
  await send(k, b, tenant, 'discovery', [{ source: 'snmp', ciType: 'network-device', hostname, software }])
  return b
}

t.test('firmware matches NVD CPE ranges, and each finding names the exact criterion', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const edges = {
    'fw-lo': '5.4.6', // versionStartIncluding: in
    'fw-hi': '5.4.12', // versionEndIncluding: in
    'fw-below': '5.4.5', // below the first range
    'fw-gap': '5.6.2', // between ranges
    'fw-60': '6.0.4',
    'fw-fixed': '6.0.5'
  }
  const boxes: Record<string, { deviceKey: string }> = {}
  for (const [host, version] of Object.entries(edges)) boxes[host] = await box(tenant, admin, host, [{ name: 'Fortinet:FortiOS', version, ecosystem: 'CPE' }])
  await box(tenant, admin, 'proxy-1', [{ name: 'fortinet:fortiproxy', version: '2.0.0', ecosystem: 'CPE' }])
  await k.deliverEvents()
  const run = await k.runJob('security', 'scan', {}, { tenantId: tenant.id, timeoutMs: 60_000 })
  t.equal(run.state, 'succeeded', run.lastError ?? '')

  const items = (await api.get('/api/v1/security/findings?vulnerabilityId=CVE-2018-13379&limit=50')).body.items as Array<Record<string, any>>
  t.same(items.map(f => f.ciName).sort(), ['fw-60', 'fw-hi', 'fw-lo', 'proxy-1'], 'in-range firmware only; the bounds are inclusive as published')
  const hi = items.find(f => f.ciName === 'fw-hi')!
  t.match(hi, { ecosystem: 'CPE', package: 'Fortinet:FortiOS', version: '5.4.12', severity: 'critical', cvssScore: 9.8, state: 'open', fixedVersion: null })
  t.equal(hi.sentence, '5.4.12 >= versionStartIncluding 5.4.6 and 5.4.12 <= versionEndIncluding 5.4.12 by cpe-version (cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*)')
  const one = (await api.get(`/api/v1/security/findings/${hi.id}`)).body.explanation
  t.match(one, {
    inventory: { source: 'snmp', name: 'Fortinet:FortiOS', version: '5.4.12', ecosystem: 'CPE' },
    advisory: { id: 'CVE-2018-13379' },
    affected: {
      index: 0, ecosystem: 'CPE', name: 'fortinet:fortios', matchedBy: 'cpe', rangeType: 'CPE', rangeIndex: 0,
      criterion: { vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '5.4.6', versionEndIncluding: '5.4.12' }, requires: []
    },
    comparisons: [{ bound: 'versionStartIncluding', op: '>=', version: '5.4.12', value: '5.4.6' }, { bound: 'versionEndIncluding', op: '<=', version: '5.4.12', value: '5.4.12' }],
    scheme: 'cpe-version',
    severity: { rating: 'critical', source: 'advisory' }
  }, 'the exact criterion, its bounds and the comparisons made')
  t.match((await api.get(`/api/v1/security/findings/${items.find(f => f.ciName === 'fw-60')!.id}`)).body.explanation.affected, { index: 2, criterion: { versionStartIncluding: '6.0.0', versionEndIncluding: '6.0.4' } }, 'the 6.0 range decided this one')
  t.equal(items.find(f => f.ciName === 'proxy-1')!.sentence, '2.0.0 = cpe version 2.0.0 by cpe-version (cpe:2.3:a:fortinet:fortiproxy:2.0.0:*:*:*:*:*:*:*)', 'a criterion naming one version')

  const inv = (await api.get(`/api/v1/security/inventory?assetKey=${encodeURIComponent(hi.assetKey)}`)).body.items
  t.same(inv.map((i: { name: string, version: string }) => `${i.name} ${i.version}`), ['Fortinet:FortiOS 5.4.12'], 'the inventory of one asset (the asset page)')

  // The appliance upgrades past the range: the finding is fixed.
  await send(k, boxes['fw-hi']!, tenant, 'discovery', [{ source: 'snmp', ciType: 'network-device', hostname: 'fw-hi', software: [{ name: 'Fortinet:FortiOS', version: '5.4.13', ecosystem: 'CPE' }] }])
  await k.deliverEvents()
  t.equal((await k.runJob('security', 'scan', {}, { tenantId: tenant.id, timeoutMs: 60_000 })).state, 'succeeded')
  t.match((await api.get(`/api/v1/security/findings/${hi.id}`)).body, { state: 'fixed', stateReason: 'the inventory no longer has an affected version' })
})

t.test('a configuration that needs hardware too does not match firmware alone', async t => {
  const config: CpeConfiguration[] = [{
    operator: 'AND',
    nodes: [
      { operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '6.0.0', versionEndIncluding: '6.0.4' }] },
      { operator: 'OR', negate: false, cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:fortinet:fortigate-60e:-:*:*:*:*:*:*:*' }] }
    ]
  }]
  const fw = { name: 'fortinet:fortios', version: '6.0.2' }
  t.equal(evaluateCpe(config, 0, fw, []).affected, false, 'firmware alone: the hardware node does not hold')
  t.equal(evaluateCpe(config, 0, fw, [{ name: 'fortinet:fortigate-100f', version: 'rev1' }]).affected, false, 'other hardware: no match')
  const m = evaluateCpe(config, 0, fw, [{ name: 'fortinet:fortigate-60e', version: 'rev2' }])
  t.equal(m.affected, true, 'firmware on the named hardware matches (a "-" version names no version to compare)')
  t.same(m.requires, ['cpe:2.3:h:fortinet:fortigate-60e:-:*:*:*:*:*:*:*'], 'and the explanation says what else it required')
  t.equal(evaluateCpe(config, 0, { name: 'fortinet:fortios', version: '6.0.5' }, [{ name: 'fortinet:fortigate-60e', version: 'rev2' }]).affected, false, 'fixed firmware on that hardware: no match')
})
