import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { syncKev, syncNvd, syncOsv, type SyncDeps } from '../src/feeds/sync.ts'
import { backoffMs } from '../src/feeds/http.ts'
import { feedConfig, startFeedServer, type FeedServer } from './feed-server.ts'
import { client, licensedTenant, startSecurity } from './helpers.ts'

let k: TestKernel
let feeds: FeedServer
t.before(async () => {
  feeds = await startFeedServer()
  k = await startSecurity({ pluginConfig: { security: feedConfig(feeds, { nvdApiKey: 'test-key-123', nvdStartDate: '2024-01-01T00:00:00.000Z' }) } })
})
t.teardown(async () => { await k?.close(); await feeds?.close() })

const count = async (table: string) => Number((await k.owner(table).count({ n: '*' }).first())?.n)
// NVD CVEs with CPE configurations are advisories too (source nvd); these count OSV's.
const countOsv = async () => Number((await k.owner('security_advisories').where({ source: 'osv' }).count({ n: '*' }).first())?.n)
const deps = (batchSize = 1): SyncDeps => ({
  platform: fn => k.db.platform({ actor: 'test', reason: 'feed sync test' }, fn),
  http: { timeoutMs: 5000, retryBaseMs: 5, maxRetries: 2 },
  log: () => {},
  now: () => new Date(),
  batchSize
})

t.test('an operator starts a sync; tenants read the one shared copy; nobody else may start it', async t => {
  const operator = await k.signInOperator()
  const { admin } = await licensedTenant(k)
  t.equal((await k.request('POST', '/api/v1/security/feeds/sync', { token: admin, body: {} })).status, 403, 'a tenant admin is not an operator')
  const started = await k.request('POST', '/api/v1/security/feeds/sync', { token: operator.token, body: { feeds: ['kev'] } })
  t.equal(started.status, 202)
  t.match(started.body, { jobId: String })
  t.equal((await k.request('POST', '/api/v1/security/feeds/sync', { token: operator.token, body: { feeds: ['nope'] } })).status, 400)

  const run = await k.runJob('security', 'feeds.sync', {}, { tenantId: null, timeoutMs: 60_000 })
  t.equal(run.state, 'succeeded', run.lastError ?? '')
  t.equal(await countOsv(), 5, 'five OSV advisories from four ecosystems')
  t.same((await k.owner('security_advisories').where({ source: 'nvd' }).select('id')).map(r => r.id), ['CVE-2023-0286'], 'the one NVD CVE with CPE configurations')
  t.equal(await count('security_affected'), 6, 'one affected row per OSV package and per vulnerable CPE criterion')
  t.equal(await count('security_nvd'), 5)
  t.equal(await count('security_kev'), 2)
  t.equal(await count('security_epss'), 5)
  const dsa = await k.owner('security_advisories').first('aliases').where({ id: 'DSA-5343-1' })
  t.ok(dsa.aliases.includes('CVE-2023-0286'), 'a Debian record\'s upstream CVEs count as aliases')
  const nvdCalls = feeds.requests.filter(r => r.path.startsWith('/nvd/'))
  t.ok(nvdCalls.length >= 6, 'several 120-day windows')
  t.ok(nvdCalls.every(r => r.headers.apikey === 'test-key-123'), 'the API key travels as the apiKey header')
  t.ok(nvdCalls.every(r => r.path.includes('resultsPerPage=2000')))

  for (const token of [admin, (await licensedTenant(k)).admin]) {
    const status = (await client(k, token).get('/api/v1/security/feeds')).body
    t.equal(status.advisories, 6, 'every tenant sees the same advisories')
    t.match(status.items.find((f: { feed: string }) => f.feed === 'osv:npm'), { status: 'idle', items: 2, lastSuccessAt: String, lastError: null })
    t.match(status.items.find((f: { feed: string }) => f.feed === 'kev'), { items: 2 })
  }

  // A second run asks conditionally and writes nothing new.
  const before = feeds.requests.length
  const again = await k.runJob('security', 'feeds.sync', { feeds: ['osv', 'kev', 'epss'] }, { tenantId: null, timeoutMs: 60_000 })
  t.equal(again.state, 'succeeded')
  const second = feeds.requests.slice(before)
  t.ok(second.filter(r => r.path === '/kev.json').every(r => r.headers['if-none-match'] === '"kev-2024.12.05"'), 'KEV asked with If-None-Match')
  t.ok(second.some(r => r.path === '/osv/npm/modified_id.csv'), 'OSV went on incrementally')
  t.notOk(second.some(r => r.path.endsWith('all.zip')), 'no second bulk download')
  t.equal(await countOsv(), 5)
})

t.test('OSV incremental sync resumes after an interruption without gaps or duplicates', async t => {
  const npm = feeds.osv.get('npm')!
  const seqBefore = await k.owner('security_advisories').select('id', 'seq')
  // Three changes land upstream: two new advisories and a modified one (real GHSA ids, edited copies).
  const base = npm.get('GHSA-35jh-r3h4-6jhm')!
  npm.set('GHSA-29mw-wpgm-hmr9', { ...base, id: 'GHSA-29mw-wpgm-hmr9', aliases: ['CVE-2020-28500'], summary: 'Regular Expression Denial of Service (ReDoS) in lodash', modified: '2030-01-01T00:00:01Z', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }] })
  npm.set('GHSA-x5rq-j2xg-h7qm', { ...base, id: 'GHSA-x5rq-j2xg-h7qm', aliases: ['CVE-2019-1010266'], summary: 'Uncontrolled Resource Consumption in lodash', modified: '2030-01-01T00:00:02Z', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.11' }] }] }] })
  npm.set('GHSA-p6mc-m468-83gw', { ...npm.get('GHSA-p6mc-m468-83gw')!, modified: '2030-01-01T00:00:03Z' })
  feeds.failNext(/GHSA-x5rq-j2xg-h7qm\.json/, [500])
  await t.rejects(syncOsv(deps(1), `${feeds.url}/osv`, 'npm'), /HTTP 500/, 'the run breaks on the second advisory')
  t.equal(await countOsv(), 6, 'the first one is in')
  const cursor = (await k.owner('security_feed_state').first('cursor').where({ feed: 'osv:npm' })).cursor
  t.same(typeof cursor === 'string' ? JSON.parse(cursor) : cursor, { phase: 'incremental', since: '2030-01-01T00:00:01Z' }, 'the cursor stopped after the batch that committed')

  const fetched: string[] = []
  const mark = feeds.requests.length
  const result = await syncOsv(deps(1), `${feeds.url}/osv`, 'npm')
  for (const r of feeds.requests.slice(mark)) fetched.push(r.path)
  t.same(fetched.filter(p => p.endsWith('.json')), ['/osv/npm/GHSA-29mw-wpgm-hmr9.json', '/osv/npm/GHSA-x5rq-j2xg-h7qm.json', '/osv/npm/GHSA-p6mc-m468-83gw.json'], 'resumed at the cursor (its own row re-read), oldest first')
  t.equal(result.changed, 2, 'the re-read one was unchanged: not written twice')
  t.equal(await countOsv(), 7, 'no gap: every change is in; no duplicate')
  const after = new Map((await k.owner('security_advisories').select('id', 'seq')).map(r => [r.id, Number(r.seq)]))
  const old = new Map(seqBefore.map(r => [r.id, Number(r.seq)]))
  t.ok(after.get('GHSA-p6mc-m468-83gw')! > old.get('GHSA-p6mc-m468-83gw')!, 'a modified advisory gets a new seq (scans see it again)')
  t.equal(after.get('GHSA-35jh-r3h4-6jhm'), old.get('GHSA-35jh-r3h4-6jhm'), 'an unchanged one keeps its seq')
})

t.test('NVD: 120-day windows, pages followed by startIndex, resume at the page that failed', async t => {
  await k.owner('security_feed_state').where({ feed: 'nvd' }).del()
  await k.owner('security_nvd').del()
  // One CVE a page: the windows holding two CVEs (lastModified 2024-02-04 and 2024-11-21) take two pages.
  feeds.nvdPage = 1
  feeds.failNext(/startIndex=1(&|$)/, [500])
  const start = '2024-01-01T00:00:00.000Z'
  const mark = feeds.requests.length
  await t.rejects(syncNvd(deps(), `${feeds.url}/nvd/rest/json/cves/2.0`, { startDate: start, delayMs: 0 }), /HTTP 500/)
  const stored = await count('security_nvd')
  t.ok(stored >= 1, `pages before the failure are kept (${stored})`)
  const resumed = await syncNvd(deps(), `${feeds.url}/nvd/rest/json/cves/2.0`, { startDate: start, delayMs: 0 })
  t.equal(await count('security_nvd'), 5, 'all five CVEs, once each')
  const calls = feeds.requests.slice(mark).filter(r => r.path.startsWith('/nvd/')).map(r => new URL(r.path, 'http://x').searchParams)
  for (const q of calls) {
    const span = Date.parse(q.get('lastModEndDate')!) - Date.parse(q.get('lastModStartDate')!)
    if (!(span > 0 && span <= 120 * 86_400_000)) t.fail(`window of ${span / 86_400_000} days`)
  }
  t.ok(calls.every(q => q.get('lastModStartDate')!.endsWith('+00:00')), 'dates carry an explicit UTC offset')
  const failedAt = calls.findIndex(q => q.get('startIndex') === '1')
  t.ok(failedAt >= 0, 'a second page was asked for')
  const afterFailure = calls.slice(failedAt + 1)
  t.equal(afterFailure[0]!.get('startIndex'), '1', 'the resumed run starts at the page that failed')
  t.equal(afterFailure[0]!.get('lastModStartDate'), calls[failedAt]!.get('lastModStartDate'), 'in the same window')
  t.ok(resumed.requests > 0)
  const windows = new Set(calls.map(q => q.get('lastModStartDate')))
  t.ok(windows.size >= 8, `about three years in 120-day windows (${windows.size})`)
  feeds.nvdPage = 2000
})

t.test('403, 429 and 503 back off (Retry-After first) and then go on; other errors stop at once', async t => {
  t.equal(backoffMs(0, 100, null), 100)
  t.equal(backoffMs(3, 100, null), 800)
  t.equal(backoffMs(0, 100, '7'), 7000)
  t.equal(backoffMs(0, 100, new Date(Date.now() + 2000).toUTCString()) <= 2000, true)
  await k.owner('security_feed_state').where({ feed: 'kev' }).del()
  feeds.failNext(/kev\.json/, [429, 503], { 'retry-after': '0' })
  const mark = feeds.requests.length
  const run = await k.runJob('security', 'feeds.sync', { feeds: ['kev'] }, { tenantId: null, timeoutMs: 60_000 })
  t.equal(run.state, 'succeeded')
  t.equal(feeds.requests.slice(mark).filter(r => r.path === '/kev.json').length, 3, 'two throttled answers, then the catalog')
  feeds.failNext(/kev\.json/, [403, 403, 403])
  await k.owner('security_feed_state').where({ feed: 'kev' }).update({ etag: null })
  const mark2 = feeds.requests.length
  await t.rejects(syncKev(deps(), `${feeds.url}/kev.json`), /HTTP 403/, 'still refused after maxRetries: the run fails (the job retries later, from its cursor)')
  t.equal(feeds.requests.slice(mark2).length, 3, 'one try and two retries')
  feeds.failNext(/kev\.json/, [500])
  const mark3 = feeds.requests.length
  await t.rejects(syncKev(deps(), `${feeds.url}/kev.json`), /HTTP 500/)
  t.equal(feeds.requests.slice(mark3).length, 1, 'a 500 is not retried in the run')
})
