// Channel `backup` over real WebSockets, device-level domain events and CMDB links, on a manual
// clock (never a real sleep for the dead-man switch). Runs on PGlite and, with DATABASE_URL, on
// PostgreSQL, where the event batch and the sweep really run at the same time.
import t from 'tap'
import WebSocket from 'ws'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import type { Ctx } from '../src/context.ts'
import { sweepTenant } from '../src/sweep.ts'
import { appliance, client, hours, licensedTenant, published, send, startBackup } from './helpers.ts'

let k: TestKernel
let ws: string
t.before(async () => {
  k = await startBackup({ clock: 'manual' })
  ws = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
})
t.teardown(() => k?.close())

interface Message { event: string, data: Record<string, any> }
/** An open socket on /api/ws/backup and what it heard. */
function listen (token: string): Promise<{ socket: WebSocket, seen: Message[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${ws}/api/ws/backup`, ['bearer', token])
    const seen: Message[] = []
    socket.on('message', raw => seen.push(JSON.parse(raw.toString())))
    socket.on('open', () => resolve({ socket, seen }))
    socket.on('error', reject)
  })
}
/** The HTTP status a socket upgrade is answered with (101 when it opens). */
function upgradeStatus (token: string): Promise<number> {
  return new Promise(resolve => {
    const socket = new WebSocket(`${ws}/api/ws/backup`, ['bearer', token])
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('open', () => { socket.close(); resolve(101) })
    socket.on('error', () => resolve(-1))
  })
}
const sweep = (tenantId: string) => sweepTenant(k.pluginContext('backup') as unknown as Ctx, tenantId, fn => k.pluginContext('backup').db.withTenant(tenantId, fn))

t.test('channel backup: run results, status changes and dead-man misses reach the tenant\'s sockets only', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const box = await appliance(k, acme.admin, 'live-01')
  const reader = await listen(acme.member) // backup.read is enough to listen
  const spy = await listen(globex.admin)
  t.teardown(() => { reader.socket.close(); spy.socket.close() })

  const start = k.clock.now()
  await send(k, acme.tenant, box.deviceKey, [{ jobId: 'nightly', jobName: 'Nightly', runId: 'n1', state: 'succeeded', endedAt: start.toISOString() }])
  const job = (await client(k, acme.admin).get('/api/v1/backup/jobs')).body.items[0]
  const runs = await waitFor('runs.changed', async () => reader.seen.find(m => m.event === 'runs.changed'))
  t.match(runs.data, { jobIds: [job.id], jobCount: 1, events: 1, failed: 0 })
  const first = await waitFor('protection.changed', async () => reader.seen.find(m => m.event === 'protection.changed'))
  t.match(first.data, { jobs: [{ jobId: job.id, status: 'untested', previous: null }], devices: [{ deviceId: box.deviceId, status: 'untested', previous: 'unprotected' }] })

  await k.clock.advance(hours(26))
  await sweep(acme.tenant.id)
  const missed = await waitFor('deadman.missed', async () => reader.seen.find(m => m.event === 'deadman.missed'))
  t.match(missed.data, { count: 1, jobs: [{ jobId: job.id, deviceId: box.deviceId, jobName: 'Nightly' }] })
  t.ok(reader.seen.some(m => m.event === 'protection.changed' && m.data.devices.some((d: { status: string }) => d.status === 'at_risk')), 'the device turning at risk is told too')

  // A rolled-back change is never told: an unknown repository refuses the whole PATCH.
  const before = reader.seen.length
  t.equal((await client(k, acme.admin).patch(`/api/v1/backup/jobs/${job.id}`, { enabled: false, disabledReason: 'x', repositoryId: '00000000-0000-4000-8000-000000000000' })).status, 400)
  await client(k, acme.admin).patch(`/api/v1/backup/jobs/${job.id}`, { enabled: false, disabledReason: 'moved to the cloud' })
  const off = await waitFor('the disabling', async () => reader.seen.slice(before).find(m => m.event === 'protection.changed'))
  t.match(off.data.jobs, [{ jobId: job.id, status: 'unprotected', reason: 'disabled' }])
  t.equal(reader.seen.slice(before).filter(m => m.event === 'protection.changed').length, 1, 'one message, for the committed change only')

  // The other tenant's socket, open the whole time, heard none of it (give the bus a moment to misdeliver).
  await new Promise(resolve => setTimeout(resolve, 300))
  t.same(spy.seen, [], 'another tenant\'s socket receives nothing')
})

t.test('channel backup refuses a user without backup permission, an unlicensed tenant and no token', async t => {
  const { tenant } = await licensedTenant(k)
  // Roles that grant nothing of backup (a plugin role of another module would do the same).
  const nobody = await k.signIn(tenant, [])
  t.equal(await upgradeStatus(nobody.token), 403, 'a signed-in user without backup.read gets no socket')
  const unlicensed = await k.createTenant()
  await k.grantLicense(unlicensed, ['devices', 'ingest'])
  t.equal(await upgradeStatus((await k.signIn(unlicensed, ['tenant-admin'])).token), 403, 'a tenant without the backup module gets no socket')
  t.equal(await upgradeStatus('not-a-token'), 401)
})

t.test('backup.device_protection_changed: once per device change, never on a run that changes nothing; once under concurrency', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await appliance(k, admin, 'dev-events-01')
  const start = k.clock.now()
  const events = () => published(k, tenant, 'backup.device_protection_changed')

  await send(k, tenant, box.deviceKey, [{ jobId: 'files', runId: 'f1', state: 'succeeded', endedAt: start.toISOString() }])
  t.match(await events(), [{ subject: box.deviceId, payload: { deviceId: box.deviceId, name: 'dev-events-01', status: 'untested', previous: 'unprotected', reason: 'no_restore_test', previousReason: 'no_job', jobs: { total: 1 } } }])
  for (const n of [2, 3, 4]) {
    await k.clock.advance(hours(1))
    await send(k, tenant, box.deviceKey, [{ jobId: 'files', runId: `f${n}`, state: 'succeeded', endedAt: k.clock.now().toISOString() }])
  }
  t.equal((await events()).length, 1, 'three more successful runs: no new device event')

  // A second job; both run out of RPO, and the sweep flags them while a failed run of the second
  // arrives: both transactions would turn the device at risk, the device event comes once.
  await send(k, tenant, box.deviceKey, [{ jobId: 'mail', runId: 'm1', state: 'succeeded', endedAt: k.clock.now().toISOString() }])
  await k.clock.advance(hours(26) + 60_000)
  await Promise.all([
    sweep(tenant.id),
    send(k, tenant, box.deviceKey, [{ jobId: 'mail', runId: 'm2', state: 'failed', endedAt: k.clock.now().toISOString(), error: 'disk full' }])
  ])
  await sweep(tenant.id)
  const changes = await events()
  t.equal(changes.length, 2, 'untested → at_risk once, though the sweep and the failed run both found it')
  t.match(changes[1], { payload: { status: 'at_risk', previous: 'untested', jobs: { total: 2, atRisk: 2 } } })
  t.equal((await published(k, tenant, 'backup.at_risk')).length, 2, 'and each job\'s own transition once')

  await send(k, tenant, box.deviceKey, [{ jobId: 'files', runId: 'f5', state: 'failed', endedAt: k.clock.now().toISOString(), error: 'again' }])
  await sweep(tenant.id)
  t.equal((await events()).length, 2, 'another failure while at risk: no event')

  const jobs = (await api.get(`/api/v1/backup/jobs?deviceId=${box.deviceId}`)).body.items as Array<{ id: string }>
  for (const j of jobs) await api.patch(`/api/v1/backup/jobs/${j.id}`, { enabled: false, disabledReason: 'machine retired' })
  const last = (await events()).at(-1)!
  t.match(last.payload, { status: 'unprotected', previous: 'at_risk', reason: 'all_jobs_disabled', jobs: { total: 2, disabled: 2 } })
  t.equal((await events()).length, 3, 'disabling the first job left it at risk (no event); the last one made it unprotected')
})

t.test('jobs link to CMDB CIs through the cmdb service; another tenant\'s CI is refused', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)
  const box = await appliance(k, globex.admin, 'globex-01')
  const acmeCi = (await victim.post('/api/v1/cmdb/cis', { type: 'server', name: 'acme-db' })).body.id as string
  const ownCi = (await attacker.post('/api/v1/cmdb/cis', { type: 'server', name: 'globex-fs' })).body.id as string

  const made = await attacker.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'Files', rpoMinutes: 1440, ciId: ownCi })
  t.equal(made.status, 201)
  t.match(made.body, { ciId: ownCi, ciName: 'globex-fs' })
  t.match((await attacker.get(`/api/v1/backup/jobs/${made.body.id}`)).body, { ciId: ownCi, ciName: 'globex-fs' })

  const stolen = await attacker.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'Steal', rpoMinutes: 1440, ciId: acmeCi })
  t.equal(stolen.status, 400)
  t.match(stolen.body, { code: 'validation_failed', errors: [{ in: 'body', pointer: '/ciId', rule: 'not_found', message: `no configuration item ${acmeCi}` }] })
  t.notMatch(JSON.stringify(stolen.body), /acme-db/, 'the refusal does not reveal the CI')
  const patched = await attacker.patch(`/api/v1/backup/jobs/${made.body.id}`, { ciId: acmeCi })
  t.equal(patched.status, 400)
  t.match(patched.body, { errors: [{ pointer: '/ciId', rule: 'not_found' }] })
  t.match((await attacker.get(`/api/v1/backup/jobs/${made.body.id}`)).body, { ciId: ownCi }, 'the refused PATCH changed nothing')
  t.equal((await attacker.get('/api/v1/backup/jobs')).body.items.length, 1, 'the refused POST stored nothing')
  t.match((await attacker.patch(`/api/v1/backup/jobs/${made.body.id}`, { ciId: null })).body, { ciId: null, ciName: null }, 'unlinking')
})
