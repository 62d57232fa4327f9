import t from 'tap'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { jobsFixture, tickerFixture } from './helpers/paths.ts'

let k: TestKernel
let acme: Tenant
let globex: Tenant
let acmeAdmin: { token: string }
let globexAdmin: { token: string }
let op: { token: string }

t.before(async () => {
  k = await startTestKernel({ plugins: [jobsFixture, tickerFixture], config: { adminPanelEnabled: true } })
  acme = await k.createTenant({ slug: 'jobs-acme' })
  globex = await k.createTenant({ slug: 'jobs-globex' })
  acmeAdmin = await k.signIn(acme, ['tenant-admin'])
  globexAdmin = await k.signIn(globex, ['tenant-admin'])
  op = await k.signInOperator()
})
t.teardown(() => k?.close())

const owner = () => k.kernel.conn.owner
const enqueue = (token: string, body: Record<string, unknown>) => k.request('POST', '/api/v1/fx-jobs/enqueue', { token, body }).then(r => {
  if (r.status !== 200) throw new Error(`enqueue: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.jobs as Array<{ id: string, deduplicated: boolean }>
})
const job = (id: string) => owner()('jobs').where({ id }).first()
const settled = (ids: string[]) => waitFor(`${ids.length} jobs to settle`, async () => {
  const rows = await owner()('jobs').whereIn('id', ids).whereIn('state', ['succeeded', 'dead'])
  return rows.length === ids.length ? rows : undefined
})

t.test('tenant jobs run once each, inside withTenant', async t => {
  const jobs = await enqueue(acmeAdmin.token, { name: 'record', count: 40 })
  const rows = await settled(jobs.map(j => j.id))
  t.ok(rows.every(r => r.state === 'succeeded' && r.attempts === 1), 'all 40 succeeded on the first attempt')
  const runs = await k.kernel.db.withTenant(acme.id, trx => trx('fx_job_runs').whereIn('job_id', jobs.map(j => j.id)).select('job_id'))
  t.equal(runs.length, 40, 'exactly one run row per job')
  t.equal(new Set(runs.map(r => r.job_id)).size, 40)
  const leaked = await k.kernel.db.withTenant(globex.id, trx => trx('fx_job_runs').whereIn('job_id', jobs.map(j => j.id)).count('* as n').first())
  t.equal(Number(leaked?.n), 0, 'written under the job\'s own tenant (RLS would refuse anything else)')
})

t.test('retries with backoff, then dead with the last error', async t => {
  const [ok] = await enqueue(acmeAdmin.token, { name: 'flaky', payload: { succeedOn: 3 } })
  const [doomed] = await enqueue(acmeAdmin.token, { name: 'flaky', payload: { succeedOn: 9 } })
  await settled([ok!.id, doomed!.id])
  t.match(await job(ok!.id), { state: 'succeeded', attempts: 3 })
  t.match(await job(doomed!.id), { state: 'dead', attempts: 3, last_error: 'attempt 3 fails on purpose' })
})

t.test('a dedupe key is unique while the job is pending', async t => {
  const [first] = await enqueue(acmeAdmin.token, { name: 'record', dedupeKey: 'sync-1', delaySeconds: 3600 })
  const [second] = await enqueue(acmeAdmin.token, { name: 'record', dedupeKey: 'sync-1', delaySeconds: 3600 })
  t.equal(second!.id, first!.id)
  t.equal(second!.deduplicated, true)
  const [other] = await enqueue(globexAdmin.token, { name: 'record', dedupeKey: 'sync-1', delaySeconds: 3600 })
  t.not(other!.id, first!.id, 'keys are per tenant')
  await owner()('jobs').where({ id: first!.id }).update({ run_at: new Date() })
  await settled([first!.id])
  const [third] = await enqueue(acmeAdmin.token, { name: 'record', dedupeKey: 'sync-1', delaySeconds: 3600 })
  t.not(third!.id, first!.id, 'once it ran, the key is free again')
})

t.test('tenant admins see their jobs; operators see all, retry and cancel', async t => {
  const mine = await k.request('GET', '/api/v1/jobs?limit=200', { token: globexAdmin.token })
  t.equal(mine.status, 200)
  t.ok(mine.body.items.length > 0 && mine.body.items.every((j: { tenantId: string }) => j.tenantId === globex.id), 'only globex jobs')
  const member = await k.signIn(acme, ['member'])
  t.equal((await k.request('GET', '/api/v1/jobs', { token: member.token })).status, 403)
  const all = await k.request('GET', '/api/v1/admin/jobs?state=dead', { token: op.token })
  t.ok(all.body.items.some((j: { tenantId: string }) => j.tenantId === acme.id))
  const dead = all.body.items.find((j: { name: string }) => j.name === 'flaky')
  await owner()('jobs').where({ id: dead.id }).update({ payload: JSON.stringify({ succeedOn: 1 }) })
  t.equal((await k.request('POST', `/api/v1/admin/jobs/${dead.id}/retry`, { token: op.token })).body.state, 'pending')
  await settled([dead.id])
  t.equal((await job(dead.id)).state, 'succeeded', 'a retried dead job runs again')
  const [later] = await enqueue(acmeAdmin.token, { name: 'record', delaySeconds: 3600 })
  t.equal((await k.request('POST', `/api/v1/admin/jobs/${later!.id}/cancel`, { token: op.token })).body.state, 'cancelled')
  t.equal((await k.request('POST', `/api/v1/admin/jobs/${dead.id}/cancel`, { token: op.token })).status, 409, 'a finished job cannot be cancelled')
  t.equal((await k.request('GET', '/api/v1/admin/jobs', { token: acmeAdmin.token })).status, 403)
})

t.test('a job whose plugin is switched off for its tenant waits until it is back', async t => {
  await k.request('PUT', `/api/v1/admin/tenants/${acme.id}/features/fx-jobs`, { token: op.token, body: { enabled: false } })
  const row = (await k.kernel.services.jobs.forPlugin('fx-jobs').enqueue('record', { paused: true }, { tenantId: acme.id }))
  await new Promise(resolve => setTimeout(resolve, 800))
  t.match(await job(row.id), { state: 'pending', attempts: 0 }, 'not run, attempt not counted')
  await k.request('PUT', `/api/v1/admin/tenants/${acme.id}/features/fx-jobs`, { token: op.token, body: { enabled: true } })
  await settled([row.id])
  t.equal((await job(row.id)).state, 'succeeded')
})

t.test('a schedule ticks once per tick per tenant', async t => {
  const rows = await waitFor('three ticks', async () => {
    const r = await k.kernel.db.withTenant(acme.id, trx => trx('fx_ticks').select('tick'))
    return new Set(r.map(x => x.tick)).size >= 3 ? r : undefined
  })
  t.equal(rows.length, new Set(rows.map(r => r.tick)).size, 'no tick ran twice')
  const ticks = await owner()('job_schedule_ticks').where({ schedule: 'fx-ticker:tick' }).select('tick_at')
  t.equal(ticks.length, new Set(ticks.map(x => new Date(x.tick_at).toISOString())).size)
})

t.test('a job name never runs more at once than its concurrency', async t => {
  const jobs = await enqueue(acmeAdmin.token, { name: 'slow', count: 10, payload: { ms: 300 } })
  await settled(jobs.map(j => j.id))
  const { most } = (await k.request('GET', '/api/v1/fx-jobs/slow-concurrency', { token: acmeAdmin.token })).body
  t.ok(most >= 2, `jobs did run side by side (${most})`)
  t.ok(most <= 4, `at most 4 'slow' jobs (its default concurrency) ran at once: ${most}`)
})

t.test('finished jobs are deleted after 14 days; pending and recent ones stay', async t => {
  const { randomUUID } = await import('node:crypto')
  const old = new Date(Date.now() - 15 * 86400_000)
  const row = (state: string, finished: Date | null) => ({ id: randomUUID(), plugin: 'fx-jobs', name: 'record', tenant: acme.id, payload: '{}', state, attempts: 1, max_attempts: 5, run_at: old, finished_at: finished, created_at: old })
  const stale = [row('succeeded', old), row('dead', old), row('cancelled', old)]
  const kept = [row('succeeded', new Date()), row('pending', null)]
  await owner()('jobs').insert([...stale, ...kept].map(r => r.state === 'pending' ? { ...r, run_at: new Date(Date.now() + 3600_000) } : r))
  const { id } = await k.kernel.services.jobs.forPlugin('kernel').enqueue('jobs.retention')
  await settled([id])
  t.equal(Number((await owner()('jobs').whereIn('id', stale.map(r => r.id)).count('* as n').first())?.n), 0, 'old finished jobs are gone')
  t.equal(Number((await owner()('jobs').whereIn('id', kept.map(r => r.id)).count('* as n').first())?.n), 2, 'recent and pending jobs stay')
})

t.test('undeclared jobs are refused', async t => {
  const jobs = k.kernel.services.jobs.forPlugin('fx-jobs')
  await t.rejects(jobs.enqueue('nope', {}, { tenantId: acme.id }), /no job "nope" declared/)
  t.throws(() => jobs.define('record', async () => {}), /defined twice/)
  await t.rejects(jobs.enqueue('record', {}), /tenant-scoped; pass \{ tenantId \}/)
})

t.test('shutdown waits for running jobs, then releases the rest', async t => {
  const other = await startTestKernel({ plugins: [jobsFixture], config: { jobShutdownSeconds: 0 } })
  const tenant = await other.createTenant()
  const admin = await other.signIn(tenant, ['tenant-admin'])
  const res = await other.request('POST', '/api/v1/fx-jobs/enqueue', { token: admin.token, body: { name: 'slow', payload: { ms: 30_000 } } })
  const id = res.body.jobs[0].id
  await waitFor('the slow job to start', async () => (await other.kernel.conn.owner('jobs').where({ id, state: 'running' }).first()))
  const owner2 = other.kernel.conn.owner
  const snapshot = async () => owner2('jobs').where({ id }).first()
  // Read the row through the kernel's own stop: release happens before the database closes.
  let released: Record<string, unknown> | undefined
  const stop = other.kernel.services.jobs.stop().then(async () => { released = await snapshot() })
  await stop
  await other.close()
  t.match(released, { state: 'pending', attempts: 0, locked_by: null }, 'released for another instance, attempt not counted')
})
