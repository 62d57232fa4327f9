/**
 * `npm run bench -- security`: a full vulnerability scan of BENCH_DEVICES devices x BENCH_PACKAGES
 * packages (default 10,000 x 300 = 3 million inventory rows) against BENCH_ADVISORIES advisories
 * (default 50,000), on PostgreSQL.
 *
 * 1. A fresh database and a kernel with security (and cmdb, which it depends on). Inventory rows are
 *    generated in SQL (npm packages pkg-0..pkg-<names>, versions 1.x.y), advisories in the platform
 *    tables (each an OSV record with a SEMVER range introduced 0, fixed 1.<n>.0 on one package name).
 * 2. Full scan: scanTenant({ full: true }) as the scan job runs it (match in SQL by ecosystem and
 *    name, evaluate the ranges in JS, write findings with explanations). Target < 120 s.
 * 3. Incremental: one new advisory, then an ordinary scan. Target < 1 s.
 * 4. Baseline: the candidate join (inventory x affected packages by ecosystem and name, filtered by
 *    a hand-written version comparison in SQL) as one query in the same run.
 *
 * Environment: DATABASE_URL (admin URL), BENCH_DEVICES, BENCH_PACKAGES, BENCH_ADVISORIES,
 * BENCH_DB=pglite for in-memory PGlite (slower; smoke runs).
 */
import { fileURLToPath } from 'node:url'
import { round, runBench, startBenchKernel } from '@monozu/kernel/testing/bench'
import { scanTenant } from '../src/findings/scan.ts'
import { upsertOsv } from '../src/feeds/store.ts'
import { live } from '../src/live.ts'

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000)
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 300)
const ADVISORIES = Number(process.env.BENCH_ADVISORIES ?? 50_000)
const NAMES = Math.max(PACKAGES * 10, 1)
const FULL_TARGET_S = 120
const INCREMENTAL_TARGET_MS = 1000
const plugins = ['..', '../../cmdb/'].map(p => fileURLToPath(new URL(p, import.meta.url)))

async function main (): Promise<void> {
  const { k, db } = await startBenchKernel({ plugins })
  const ctx = k.pluginContext('security')
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['security', 'cmdb'])

  const t0 = performance.now()
  for (let d = 0; d < DEVICES; d += 500) {
    const to = Math.min(d + 500, DEVICES) - 1
    await k.db.withTenant(tenant.id, trx => trx.raw(`
      insert into security_inventory (tenant_id, id, asset_key, ci_name, device_id, source, ecosystem, name, match_name, version, observed_at, changed_at)
      select ?::uuid, gen_random_uuid(), 'host:dev-' || d, 'dev-' || d, null, 'agent', 'npm', 'pkg-' || ((d * 7 + j) % ?), 'pkg-' || ((d * 7 + j) % ?), '1.' || (d % 10) || '.' || (j % 5), now(), now()
      from generate_series(?::int, ?::int) d, generate_series(0, ? - 1) j`, [tenant.id, NAMES, NAMES, d, to, PACKAGES]))
  }
  const loadMs = performance.now() - t0
  await k.db.platform({ actor: 'bench', reason: 'advisories' }, async trx => {
    for (let a = 0; a < ADVISORIES; a += 5000) {
      const to = Math.min(a + 5000, ADVISORIES) - 1
      await trx.raw(`
        insert into security_advisories (id, source, aliases, summary, modified, cvss_vector, data)
        select 'BENCH-' || a, 'osv', array['CVE-2099-' || a], 'bench advisory', now(), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          json_build_object('id', 'BENCH-' || a, 'modified', '2024-01-01T00:00:00Z', 'affected', json_build_array(json_build_object(
            'package', json_build_object('ecosystem', 'npm', 'name', 'pkg-' || (a % ?)),
            'ranges', json_build_array(json_build_object('type', 'SEMVER', 'events', json_build_array(json_build_object('introduced', '0'), json_build_object('fixed', '1.' || (a % 10) || '.0')))))))
        from generate_series(?::int, ?::int) a`, [NAMES, a, to])
      await trx.raw(`insert into security_affected (advisory_id, idx, ecosystem, match_name) select 'BENCH-' || a, 0, 'npm', 'pkg-' || (a % ?) from generate_series(?::int, ?::int) a`, [NAMES, a, to])
    }
  })
  if (db === 'postgres') await k.owner.raw('vacuum analyze')
  console.log(`loaded ${DEVICES * PACKAGES} inventory rows in ${round(loadMs / 1000, 1)} s and ${ADVISORIES} advisories (${NAMES} package names)`)

  const events = live(ctx)
  const options = { remediationDays: { critical: 15, high: 30, medium: 90, low: 180 }, chunk: 200 }
  const t1 = performance.now()
  const full = await scanTenant(ctx, events, fn => k.db.withTenant(tenant.id, fn), tenant.id, { ...options, full: true })
  const fullS = (performance.now() - t1) / 1000
  const findings = Number((await k.owner('security_findings').where({ tenant_id: tenant.id, state: 'open' }).count({ n: '*' }).first())?.n)
  console.log(`full scan: ${round(fullS, 2)} s; ${findings} open findings over ${full.assets} assets`)

  // Baseline: the same matching as one hand-written query (candidate join and a SQL version test).
  const t2 = performance.now()
  const baseline = await k.db.withTenant(tenant.id, trx => trx.raw(`
    select count(*) as n from security_inventory i
      join security_affected f on f.ecosystem = i.ecosystem and f.match_name = i.match_name
      join security_advisories a on a.id = f.advisory_id
     where string_to_array(i.version, '.')::int[] < string_to_array(a.data #>> '{affected,0,ranges,0,events,1,fixed}', '.')::int[]`))
  const baselineS = (performance.now() - t2) / 1000
  const baselineN = Number((baseline.rows ?? baseline)[0].n)
  console.log(`baseline (one SQL join): ${round(baselineS, 2)} s; ${baselineN} affected pairs`)
  if (baselineN !== findings) console.log(`note: the scan holds ${findings} open findings, the baseline counts ${baselineN} pairs`)

  await k.db.platform({ actor: 'bench', reason: 'one new advisory' }, trx => upsertOsv(trx, [{
    id: 'BENCH-NEW', modified: new Date().toISOString(), aliases: ['CVE-2099-999999'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: 'npm', name: 'pkg-1' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.5.0' }] }] }]
  }]))
  const t3 = performance.now()
  const inc = await scanTenant(ctx, events, fn => k.db.withTenant(tenant.id, fn), tenant.id, options)
  const incMs = performance.now() - t3
  console.log(`incremental scan of one new advisory: ${round(incMs, 1)} ms; ${inc.opened} findings opened`)

  console.log(JSON.stringify({
    bench: 'security', metric: 'full-scan', figure: round(fullS, 2), unit: 's', baseline: round(baselineS, 2), ratio: round(fullS / Math.max(baselineS, 0.001), 2),
    target: `< ${FULL_TARGET_S} s (${DEVICES} devices x ${PACKAGES} packages against ${ADVISORIES} advisories)`, meets: fullS < FULL_TARGET_S, database: db, findings, baselinePairs: baselineN
  }))
  console.log(JSON.stringify({
    bench: 'security', metric: 'incremental-scan', figure: round(incMs, 1), unit: 'ms', target: `< ${INCREMENTAL_TARGET_MS} ms (one new advisory)`, meets: incMs < INCREMENTAL_TARGET_MS, database: db
  }))
}

await runBench(main)
