import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import knex, { type Knex } from 'knex'
import WebSocket from 'ws'
import { freshDatabase, waitFor } from '@monozu/kernel/testing'
import { startInstance, type Instance } from './helpers/instance.ts'

const adminUrl = process.env.DATABASE_URL
const redisUrl = process.env.REDIS_URL
const skip = !(adminUrl && redisUrl) && 'needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL); .ci/run sets both'
const fixtures = fileURLToPath(new URL('./fixtures/plugins', import.meta.url))
const PASSWORD = 'instances-demo-password'

t.test('two kernel processes on one PostgreSQL database and one Redis', { skip }, async t => {
  const db = await freshDatabase(adminUrl as string)
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-instances-'))
  const instances: Instance[] = []
  let owner: Knex | undefined
  t.teardown(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL')
    await Promise.all(instances.map(i => i.exited))
    await owner?.destroy()
    await db.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl as string, DATA_DIR: dataDir, PLUGINS_DIRS: fixtures, PLUGINS_ALLOW_UNSIGNED: 'true', MONOZU_DEMO_PASSWORD: PASSWORD, JOB_POLL_MS: '50', JOB_LEASE_SECONDS: '3', JOB_CONCURRENCY: '16' }
  // Both start at once: migrations, role provisioning, keys and the demo seed must not trip over each other.
  const [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)])
  instances.push(a!, b!)
  const A = a!
  const B = b!
  owner = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } })
  for (const i of [A, B]) {
    const health = await (await fetch(`${i.url}/api/v1/health`)).json() as { status: string }
    t.equal(health.status, 'ok', `instance ${i.name}: every plugin started (no migration race)`)
  }

  const login = await fetch(`${A.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@acme.example', password: PASSWORD }) })
  t.equal(login.status, 200, 'the demo tenant was seeded exactly once')
  const { accessToken: token, tenant } = await login.json() as { accessToken: string, tenant: { id: string } }
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  t.equal((await fetch(`${B.url}/api/v1/me`, { headers: auth })).status, 200, 'a token from A works on B (one key)')
  t.equal(Number((await owner('tenants').where({ slug: 'acme' }).count('* as n').first())?.n), 1)

  await t.test('an event published through A reaches a socket on B', async t => {
    const ws = new WebSocket(`${B.url.replace('http', 'ws')}/api/ws/fx-jobs.events`, ['bearer', token])
    const got: Array<Record<string, unknown>> = []
    ws.on('message', raw => got.push(JSON.parse(raw.toString())))
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
    const res = await fetch(`${A.url}/api/v1/fx-jobs/publish`, { method: 'POST', headers: auth, body: JSON.stringify({ event: 'cross.instance', data: { from: 'A' } }) })
    t.equal(res.status, 202)
    t.match(await waitFor('the event on B', async () => got[0]), { type: 'event', event: 'cross.instance', data: { from: 'A' } })
    ws.close()
  })

  await t.test('a schedule ticks once across both instances', async t => {
    const ticks = await waitFor('four ticks', async () => {
      const rows = await owner!('fx_ticks').where({ tenant_id: tenant.id }).select('tick', 'worker')
      return new Set(rows.map(r => r.tick)).size >= 4 ? rows : undefined
    })
    t.equal(ticks.length, new Set(ticks.map(r => r.tick)).size, `${ticks.length} ticks, none twice`)
  })

  await t.test('2,000 jobs run exactly once each, shared by both instances', async t => {
    const res = await fetch(`${A.url}/api/v1/fx-jobs/enqueue`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'record', count: 2000 }) })
    t.equal(res.status, 200)
    const ids = (await res.json() as { jobs: Array<{ id: string }> }).jobs.map(j => j.id)
    await waitFor('2,000 jobs to succeed', async () => Number((await owner!('jobs').whereIn('id', ids).where({ state: 'succeeded' }).count('* as n').first())?.n) === 2000, 120_000)
    const runs = await owner!('fx_job_runs').whereIn('job_id', ids).select('job_id', 'worker')
    t.equal(runs.length, 2000, 'one run row per job')
    t.equal(new Set(runs.map(r => r.job_id)).size, 2000, 'no job ran twice')
    const workers = new Set(runs.map(r => r.worker))
    t.ok(workers.has('A') && workers.has('B'), `both instances worked (${[...workers].join(', ')})`)
  })

  await t.test('SIGKILL mid-job: the lease expires and the other instance runs it again', async t => {
    const res = await fetch(`${A.url}/api/v1/fx-jobs/enqueue`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'slow', payload: { ms: 120_000 } }) })
    const id = (await res.json() as { jobs: Array<{ id: string }> }).jobs[0]!.id
    const running = await waitFor('the slow job to start', async () => owner!('jobs').where({ id, state: 'running' }).first())
    const victim = [A, B].find(i => String(running.locked_by).includes(`:${i.child.pid}:`))!
    const survivor = victim === A ? B : A
    victim.child.kill('SIGKILL')
    await victim.exited
    const done = await waitFor('the job to finish on the survivor', async () => owner!('jobs').where({ id, state: 'succeeded' }).first(), 60_000)
    t.equal(done.attempts, 2, 'a second attempt after the lease expired')
    const runs = await owner!('fx_job_runs').where({ job_id: id }).select('attempt', 'worker')
    t.same(runs, [{ attempt: 2, worker: survivor.name }], 'completed once, by the survivor')
  })

  const survivor = instances.find(i => i.child.exitCode === null && i.child.signalCode === null)!
  survivor.child.kill('SIGTERM')
  const code = await survivor.exited
  t.equal(code, 0, 'the survivor shuts down cleanly', { output: survivor.output().slice(-3000) })
})
