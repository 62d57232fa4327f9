/**
 * `npm run bench -- cmdb`: the CMDB at 100,000 CIs in one tenant, on PostgreSQL.
 *
 * 1. A fresh database (dropped afterwards) and a kernel with the cmdb, devices and edge-ingest
 *    plugins (edge-ingest's rate limits off), listening on 127.0.0.1. Tenant A gets 100,000
 *    servers through the cmdb's own write path (indexed values, change log), with two custom
 *    fields on the built-in server type: costCenter (select, 100 values: ~1,000 CIs each) and
 *    rack (text, ~1,000 values: ~100 CIs each). Tenant B gets 20,000 CIs of noise. VACUUM ANALYZE
 *    (what autovacuum does after a bulk load).
 * 2. List latency over HTTP (signed in, one request at a time, after a warm-up): the headline
 *    is GET /cis?f.costCenter=<random>&limit=50 (p99). Baseline: the unfiltered first page
 *    (GET /cis?limit=50) in the same run. Also shown: the narrower rack filter, a broad filter
 *    (environment, ~25% of CIs), and the headline query as bare SQL inside withTenant; and
 *    EXPLAIN ANALYZE of that query under RLS, which must use the cmdb_ci_values index.
 * 3. Reconciliation: BENCH_EVENTS discovery events (half update existing CIs found by serial,
 *    half are new assets) sent by an enrolled appliance to POST /v1/ingest in requests of 1,000,
 *    stored in the kernel's ingest inbox and consumed by the dispatcher; the clock runs from the
 *    first request to the empty inbox. Baseline: reconcile() called directly on as many other events
 *    in batches of 500 (no inbox, no dispatcher).
 * 4. One JSON line per figure: list p99 (target < 50 ms) and reconciliation events/s (>= 2,000).
 *
 * Environment: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_CIS (default 100000), BENCH_REQUESTS (per list variant, default 500), BENCH_EVENTS
 * (default 20000), BENCH_DB=pglite to run on in-memory PGlite instead (slower; for comparison).
 */
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { TestKernel } from '@monozu/kernel/testing'
import { ADMIN_URL, percentile, redact, round, runBench, startBenchKernel, timeGets } from '@monozu/kernel/testing/bench'
import { insertCis, newCi } from '../src/cis/store.ts'
import { emptyState, type ChangeContext, type Ci } from '../src/cis/model.ts'
import { reconcile } from '../src/discovery/reconcile.ts'
import { discovered } from '../src/discovery/event.ts'

const CIS = Number(process.env.BENCH_CIS ?? 100_000)
const NOISE = Math.round(CIS / 5)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000)
const WARMUP = 50
const LIST_TARGET_MS = 50
const RECONCILE_TARGET = 2000
const plugins = ['..', '../../devices/', '../../../edge-ingest/'].map(p => fileURLToPath(new URL(p, import.meta.url)))

const OS = ['Ubuntu', 'Debian', 'Windows Server', 'RHEL', 'Rocky Linux', 'SLES', 'FreeBSD', 'VMware ESXi', 'Oracle Linux', 'AlmaLinux']
const ENVIRONMENTS = ['production', 'staging', 'test', 'development']
const costCenter = (i: number) => `CC-${String(i % 100).padStart(3, '0')}`
const rack = (i: number) => `R${Math.floor(i / 42) % 24}-U${i % 42}`

function serverCi (i: number, tag: string, at: Date): Ci {
  const state = {
    ...emptyState(`${tag}-srv-${String(i).padStart(6, '0')}`),
    site: `SITE-${i % 20}`,
    hostname: `${tag}-srv-${i}.example`,
    serial: `${tag.toUpperCase()}SN${String(i).padStart(8, '0')}`,
    macs: [`02:${tag === 'a' ? '0a' : '0b'}:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map(n => n.toString(16).padStart(2, '0')).join(':')}:01`],
    attributes: { os: OS[i % OS.length], cpuCores: 2 ** (i % 6), memoryGb: 8 * (1 + (i % 32)), environment: ENVIRONMENTS[i % 4], costCenter: costCenter(i), rack: rack(i) }
  }
  const by = { by: 'import' as const, userId: 'bench', at: at.toISOString() }
  return newCi({ id: randomUUID(), type: 'server', state, sources: Object.fromEntries(Object.keys({ name: 1, status: 1, site: 1, hostname: 1, serial: 1, macs: 1, ...state.attributes }).map(k => [k, by])), at })
}

async function fill (k: TestKernel, tenantId: string, n: number, tag: string): Promise<number> {
  const started = performance.now()
  const ctx: ChangeContext = { actor: { kind: 'import', id: 'bench', name: 'bench' }, requestId: `bench-fill-${tag}`, message: null, at: new Date(), publish: null }
  for (let i = 0; i < n; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, n - i) }, (_, j) => serverCi(i + j, tag, ctx.at))
    await k.db.withTenant(tenantId, trx => insertCis(trx, tenantId, batch, ctx))
  }
  return performance.now() - started
}

function events (n: number, offset: number, existing: number): Array<Record<string, unknown>> {
  // Even i: an existing CI (by serial) with a changed field; odd i: a new asset.
  return Array.from({ length: n }, (_, j) => {
    const i = offset + j
    if (i % 2 === 0) {
      const ci = (i * 7919) % existing
      return { source: 'bench-scan', ciType: 'server', serial: `ASN${String(ci).padStart(8, '0')}`, fields: { os: OS[(ci + 1 + i) % OS.length], cpuCores: 2 ** ((ci + i) % 6) } }
    }
    return { source: 'bench-scan', ciType: 'server', serial: `NEW${String(i).padStart(9, '0')}`, hostname: `new-${i}.example`, macs: [`06:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map(x => x.toString(16).padStart(2, '0')).join(':')}:01`], fields: { os: 'Ubuntu', cpuCores: 4, costCenter: costCenter(i) } }
  })
}

async function main (): Promise<void> {
  const { k, url, db } = await startBenchKernel({ plugins, pluginConfig: { 'edge-ingest': { deviceRate: 0, tenantRate: 0 } } })
  const a = await k.createTenant({ slug: 'bench-a', name: 'Bench A' })
  const b = await k.createTenant({ slug: 'bench-b', name: 'Bench B' })
  for (const t of [a, b]) await k.grantLicense(t, ['cmdb', 'devices', 'ingest'])
  const token = (await k.signIn(a, ['tenant-admin'])).token
  const tokenB = (await k.signIn(b, ['tenant-admin'])).token
  const fields = { fields: [{ key: 'costCenter', label: 'Cost centre', kind: 'select', choices: Array.from({ length: 100 }, (_, i) => costCenter(i)) }, { key: 'rack', label: 'Rack', kind: 'text' }] }
  for (const tk of [token, tokenB]) {
    const res = await fetch(`${url}/api/v1/cmdb/types/server`, { method: 'PATCH', headers: { authorization: `Bearer ${tk}`, 'content-type': 'application/json' }, body: JSON.stringify(fields) })
    if (res.status !== 200) throw new Error(`custom fields: ${res.status} ${await res.text()}`)
  }

  console.log(`${db === 'postgres' ? `PostgreSQL (fresh database on ${redact(ADMIN_URL)})` : 'PGlite (in memory)'}: filling tenant A with ${CIS} CIs and tenant B with ${NOISE}`)
  const fillMs = await fill(k, a.id, CIS, 'a')
  await fill(k, b.id, NOISE, 'b')
  const counts = await k.owner.raw('select (select count(*) from cmdb_cis) as cis, (select count(*) from cmdb_ci_values) as vals, (select count(*) from cmdb_changes) as changes')
  const c = (Array.isArray(counts) ? counts : counts.rows)[0]
  console.log(`filled: ${CIS} CIs in ${round(fillMs / 1000, 1)} s (${round(CIS / (fillMs / 1000))} CIs/s through the write path); tables: ${c.cis} CIs, ${c.vals} indexed values, ${c.changes} change-log rows`)
  // What autovacuum would have done after a bulk load: statistics and the visibility map.
  await k.owner.raw('vacuum analyze')

  // EXPLAIN of the headline query, as the request runs it: inside withTenant, under RLS.
  const { filtered } = await import('../src/cis/query.ts')
  const { loadRegistry } = await import('../src/types/registry.ts')
  const plan = await k.db.withTenant(a.id, async trx => {
    const registry = await loadRegistry(trx)
    const q = filtered(trx, registry, { sort: 'name', 'f.costCenter': 'CC-042' }).select('c.id', 'c.name').orderBy('c.name_key').orderBy('c.id').limit(51).toSQL()
    const res = await trx.raw(`explain (analyze, buffers) ${q.sql}`, q.bindings as never)
    return ((Array.isArray(res) ? res : res.rows) as Array<Record<string, string>>).map(r => Object.values(r)[0]).join('\n')
  })
  const usesIndex = /cmdb_ci_values_tenant_id_field_value_ci_id_index/.test(plan)
  console.log(`EXPLAIN ANALYZE (under RLS) of ?f.costCenter=CC-042&limit=50:\n${plan.split('\n').map((l: string) => `  ${l}`).join('\n')}`)
  console.log(`the custom-field filter ${usesIndex ? 'uses' : 'does NOT use'} the cmdb_ci_values index`)

  const base = `${url}/api/v1/cmdb/cis`
  const fifty = (body: { items: unknown[] }) => { if (body.items.length !== 50) throw new Error(`expected 50 items, got ${body.items.length}`) }
  const some = (body: { items: unknown[] }) => { if (body.items.length === 0) throw new Error('expected some items, got none') }
  const list = {
    baseline: await timeGets(() => `${base}?limit=50`, token, { requests: REQUESTS, warmup: WARMUP, expect: fifty }),
    costCenter: await timeGets(i => `${base}?f.costCenter=${costCenter(i * 37)}&limit=50`, token, { requests: REQUESTS, warmup: WARMUP, expect: fifty }),
    rack: await timeGets(i => `${base}?f.rack=${rack(i * 53)}&limit=50`, token, { requests: REQUESTS, warmup: WARMUP, expect: some }),
    typed: await timeGets(i => `${base}?type=server&f.costCenter=${costCenter(i * 37)}&limit=50`, token, { requests: REQUESTS, warmup: WARMUP, expect: fifty }),
    broad: await timeGets(i => `${base}?f.environment=${ENVIRONMENTS[i % 4]}&limit=50`, token, { requests: REQUESTS, warmup: WARMUP, expect: fifty })
  }
  const bare: number[] = []
  const registry = await k.db.withTenant(a.id, loadRegistry)
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const t0 = performance.now()
    await k.db.withTenant(a.id, trx => filtered(trx, registry, { sort: 'name', 'f.costCenter': costCenter(i * 37) }).select('c.*').orderBy('c.name_key').orderBy('c.id').limit(51))
    if (i >= WARMUP) bare.push(performance.now() - t0)
  }
  bare.sort((x, y) => x - y)
  const show = (name: string, r: { p50: number, p99: number, mean: number }) => console.log(`list ${name.padEnd(46)} p50 ${String(r.p50).padStart(6)} ms  p99 ${String(r.p99).padStart(6)} ms  mean ${r.mean} ms`)
  console.log(`list latency, ${REQUESTS} sequential requests each after ${WARMUP} warm-up (HTTP, signed in):`)
  show('GET /cis?limit=50 (baseline, unfiltered)', list.baseline)
  show('GET /cis?f.costCenter=…&limit=50 (~1,000 match)', list.costCenter)
  show('GET /cis?f.rack=…&limit=50 (~100 match)', list.rack)
  show('GET /cis?type=server&f.costCenter=…&limit=50', list.typed)
  show('GET /cis?f.environment=…&limit=50 (~25% match)', list.broad)
  console.log(`list the costCenter query as bare SQL in withTenant (no HTTP)   p50 ${round(percentile(bare, 50), 2)} ms  p99 ${round(percentile(bare, 99), 2)} ms`)

  // Reconciliation the way appliances reach it: enrolled device, POST /v1/ingest, inbox, dispatcher.
  const enrolment = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token, body: {} })
  const registered = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enrolment.body.token }, body: { hostname: 'bench-edge', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })
  if (registered.status !== 201) throw new Error(`enrolment: ${registered.status} ${JSON.stringify(registered.body)}`)
  const { deviceId: device, deviceKey } = registered.body as { deviceId: string, deviceKey: string }
  const owner = k.owner
  const inbox = async () => Number((await owner('ingest_inbox').where({ tenant_id: a.id }).count('* as n').first())?.n ?? 0)
  const before = await owner('cmdb_cis').where({ tenant_id: a.id }).count('* as n').first()
  const t0 = performance.now()
  for (let i = 0; i < EVENTS; i += 1000) {
    const batch = events(Math.min(1000, EVENTS - i), i, CIS)
    const res = await fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'x-device-key': deviceKey, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'discovery', events: batch.map(data => ({ id: randomUUID(), ...data })) }) })
    const answer = await res.json() as { accepted: number }
    if (res.status !== 202 || answer.accepted !== batch.length) throw new Error(`ingest: ${res.status} ${JSON.stringify(answer)}`)
  }
  const storedMs = performance.now() - t0
  const deadline = Date.now() + 600_000
  while (await inbox() > 0) {
    if (Date.now() > deadline) throw new Error('the inbox did not drain within 10 minutes')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const e2eMs = performance.now() - t0
  const after = await owner('cmdb_cis').where({ tenant_id: a.id }).count('* as n').first()
  const created = Number(after?.n) - Number(before?.n)
  const parked = Number((await owner('ingest_inbox').whereNotNull('failed_at').count('* as n').first())?.n ?? 0)
  if (created !== Math.floor(EVENTS / 2) || parked > 0) throw new Error(`reconciliation created ${created} CIs (expected ${Math.floor(EVENTS / 2)}), ${parked} events parked`)
  const e2e = EVENTS / (e2eMs / 1000)
  console.log(`reconcile via POST /v1/ingest + inbox + dispatcher: ${EVENTS} events (half updates by serial, half new assets) in ${round(e2eMs / 1000, 2)} s = ${round(e2e)} events/s (the requests took ${round(storedMs / 1000, 2)} s of it); ${created} CIs created`)

  // Baseline: reconcile() directly, batches of 500, each in its own transaction.
  const direct = events(EVENTS, EVENTS, CIS).map((data, i) => discovered({ deviceId: device, eventId: null, ts: new Date().toISOString(), seq: String(i), data }))
  const t1 = performance.now()
  for (let i = 0; i < direct.length; i += 500) {
    await k.db.withTenant(a.id, trx => reconcile(trx, a.id, direct.slice(i, i + 500), { publish: null }))
  }
  const directRate = EVENTS / ((performance.now() - t1) / 1000)
  console.log(`reconcile() called directly (no inbox), batches of 500: ${round(directRate)} events/s`)

  const database = db
  console.log(JSON.stringify({
    bench: 'cmdb', metric: 'list-p99', figure: list.costCenter.p99, unit: 'ms', baseline: list.baseline.p99, ratio: round(list.costCenter.p99 / list.baseline.p99, 2),
    target: `p99 < ${LIST_TARGET_MS} ms (50 CIs filtered by a custom field, ${CIS} CIs in the tenant)`, meets: list.costCenter.p99 < LIST_TARGET_MS,
    database, usesIndex, p50: list.costCenter.p50, rackP99: list.rack.p99, broadP99: list.broad.p99, bareSqlP99: round(percentile(bare, 99), 2), requests: REQUESTS
  }))
  console.log(JSON.stringify({
    bench: 'cmdb', metric: 'reconcile', figure: round(e2e), unit: 'events/s', baseline: round(directRate), ratio: round(e2e / directRate, 2),
    target: `>= ${RECONCILE_TARGET} events/s`, meets: e2e >= RECONCILE_TARGET, database, events: EVENTS
  }))
}

await runBench(main)
