// The delivery worker under a burst: N license changes at once (over T tenants) with the cloud
// up, timed until every delivery succeeded. Target: 1,000 changes delivered within 60 s.
//   npm run bench -- management-burst [--changes 1000] [--tenants 20]
//   (or node plugins/management/bench/burst.ts ... to print the line without recording it)
// Starts the cloud and management as two real processes on their own databases (PGlite, or the
// cloud on PostgreSQL with DATABASE_URL) and prints one JSON line.
import { parseArgs } from 'node:util'
import { startPlatform, until } from '../test/helpers/platform.ts'

const { values } = parseArgs({ options: { changes: { type: 'string', default: '1000' }, tenants: { type: 'string', default: '20' } } })
const changes = Number(values.changes)
const tenants = Math.min(Number(values.tenants), changes)
const p = await startPlatform({ deliveryBaseMs: 1000, deliveryMaxMs: 10_000 })
try {
  await p.mgmt('POST', '/plans', { key: 'bench', name: 'Bench', features: ['gated'], seats: 10, days: 30 })
  const ids: string[] = []
  for (let i = 0; i < tenants; i++) ids.push((await p.mgmt('POST', '/tenants', { name: `Bench ${i}`, slug: `bench-${i}`, adminEmail: `admin${i}@bench.example` })).body.id)
  await until('tenants provisioned', async () => (await p.mgmt('GET', '/tenants?limit=200&status=active')).body.items.length === tenants, 300_000)
  const started = performance.now()
  // Staff (or a billing system) issuing changes as fast as the API takes them, 8 at a time.
  let next = 0
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < changes) {
      const i = next++
      const res = await p.mgmt('POST', `/tenants/${ids[i % tenants]}/licenses`, { action: 'issue', features: ['gated'], seats: 1 + i })
      if (res.status !== 201) throw new Error(`license change ${i}: ${res.status} ${JSON.stringify(res.body)}`)
    }
  }))
  const issuedMs = performance.now() - started
  const pending = async () => {
    // Once a second: the check reads through the same single-connection database the deliveries write to.
    await new Promise(resolve => setTimeout(resolve, 1000))
    let left = 0
    for (const id of ids) left += (await p.mgmt('GET', `/tenants/${id}/deliveries`)).body.items.filter((d: { status: string }) => d.status !== 'succeeded').length
    return left
  }
  await until('all delivered', async () => (await pending()) === 0, 600_000)
  const deliveredMs = performance.now() - started
  // Every tenant holds its newest license on the cloud.
  let newest = 0
  for (const [k, id] of ids.entries()) {
    const t = (await p.mgmt('GET', `/tenants/${id}`)).body
    const onCloud = (await p.internal('GET', `/internal/v1/tenants/${t.cloudId}`)).body
    const last = changes - 1 - ((changes - 1 - k) % tenants)
    if (onCloud.license?.seats === 1 + last) newest++
  }
  // meets on the measured figure: every change delivered within 60 s, and every tenant on its newest license.
  console.log(JSON.stringify({
    bench: 'management-burst', metric: 'burst-delivered', figure: +(deliveredMs / 1000).toFixed(2), unit: 's', baseline: null, ratio: null,
    target: `${changes} license changes over ${tenants} tenants all delivered < 60 s`, meets: deliveredMs <= 60_000 && newest === tenants,
    changes, tenants, issuedSeconds: +(issuedMs / 1000).toFixed(2), perSecond: +(changes / (deliveredMs / 1000)).toFixed(1), tenantsOnNewest: newest,
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite'
  }))
} finally {
  await p.close()
}
