import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliance, client, hours, licensedTenant, published, send, startBackup } from './helpers.ts'

let k: TestKernel
// The dead-man switch runs on the kernel clock: the test moves it, never sleeps.
t.before(async () => { k = await startBackup({ clock: 'manual' }) })
t.teardown(() => k?.close())

t.test('the dead-man switch flags a missed RPO when nothing arrives; a disabled job is not failing', async t => {
  const { tenant, admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await appliance(k, admin, 'fs-01')
  const start = k.clock.now()
  await send(k, tenant, box.deviceKey, [{ jobId: 'nightly', runId: 'n1', state: 'succeeded', endedAt: start.toISOString() }])
  const [job] = (await api.get('/api/v1/backup/jobs')).body.items
  const hourly = (await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'Hourly DB', rpoMinutes: 60, schedule: '0 * * * *' })).body
  t.match(hourly, { source: 'manual', status: 'unprotected', reason: 'never_succeeded', rpoMinutes: 60 })
  const off = await api.patch(`/api/v1/backup/jobs/${hourly.id}`, { enabled: false })
  t.match(off.body, { code: 'validation_failed' }, 'disabling needs a reason')
  t.match((await api.patch(`/api/v1/backup/jobs/${hourly.id}`, { enabled: false, disabledReason: 'server decommissioned' })).body,
    { enabled: false, disabledReason: 'server decommissioned', status: 'unprotected', reason: 'disabled' })
  t.equal((await client(k, member).patch(`/api/v1/backup/jobs/${hourly.id}`, { enabled: true })).status, 403, 'members cannot change policies')
  // The disabled job's runs keep arriving and fail: it stays disabled, not at risk.
  await send(k, tenant, box.deviceKey, [{ jobId: 'stray', runId: 's1', state: 'succeeded', endedAt: start.toISOString() }])
  const stray = (await api.get('/api/v1/backup/jobs')).body.items.find((j: { externalId: string }) => j.externalId === 'stray')
  await api.patch(`/api/v1/backup/jobs/${stray.id}`, { enabled: false, disabledReason: 'replaced by nightly' })
  await send(k, tenant, box.deviceKey, [{ jobId: 'stray', runId: 's2', state: 'failed', endedAt: start.toISOString(), error: 'x' }])
  t.match((await api.get(`/api/v1/backup/jobs/${stray.id}`)).body, { status: 'unprotected', reason: 'disabled', lastRunState: 'failed' })

  t.match((await api.get(`/api/v1/backup/jobs/${job.id}`)).body, { status: 'untested', statusDueAt: new Date(start.getTime() + 1560 * 60_000).toISOString() })
  const sweep = () => k.runJob('backup', 'deadman', {}, { tenantId: tenant.id })

  await k.clock.advance(hours(26) - 60_000)
  t.match(await sweep(), { state: 'succeeded' })
  t.equal((await api.get(`/api/v1/backup/jobs/${job.id}`)).body.status, 'untested', 'a minute before the RPO runs out: not yet')
  t.same(await published(k, tenant, 'backup.at_risk'), [])

  await k.clock.advance(60_000)
  await sweep()
  t.match((await api.get(`/api/v1/backup/jobs/${job.id}`)).body, { status: 'at_risk', reason: 'rpo_breached', statusDueAt: null })
  await k.clock.advance(hours(1))
  await sweep()
  const atRisk = await published(k, tenant, 'backup.at_risk')
  t.equal(atRisk.length, 1, 'published on the transition only, not on every sweep')
  t.match(atRisk[0], { subject: job.id, payload: { jobId: job.id, deviceId: box.deviceId, status: 'at_risk', previous: 'untested', reason: 'rpo_breached' } })
  t.notOk(atRisk.some(e => e.subject === hourly.id || e.subject === stray.id), 'disabled jobs are never reported at risk')
  t.match((await published(k, tenant, 'backup.unprotected')).map(e => e.subject).sort(), [hourly.id, stray.id].sort(), 'disabling is its own event')
  t.equal((await published(k, tenant, 'backup.run_failed')).length, 1, 'the disabled job\'s failed run is still recorded')

  const device = (await api.get(`/api/v1/backup/protection/devices/${box.deviceId}`)).body
  t.match(device, { status: 'at_risk', reason: 'rpo_breached', jobs: 3, jobsDisabled: 2, jobsAtRisk: 1 })
  t.match((await api.get('/api/v1/backup/protection/summary')).body, { devices: { at_risk: 1 }, jobs: { at_risk: 1 }, disabledJobs: 2 })
  t.same((await api.get('/api/v1/backup/protection?status=at_risk')).body.items.map((d: { name: string }) => d.name), ['fs-01'])
  t.same((await api.get('/api/v1/backup/protection?status=protected')).body.items, [])

  const mine = (await api.get('/api/v1/notifications')).body.items
  t.ok(mine.some((n: { type: string, link: string }) => n.type === 'backup.at_risk' && n.link === `/backup/jobs/${job.id}`), 'people with backup.write are told')
  t.notOk((await client(k, member).get('/api/v1/notifications')).body.items.some((n: { type: string }) => n.type === 'backup.at_risk'), 'members are not')

  // A new success recovers it; the digest goes out per tenant.
  await send(k, tenant, box.deviceKey, [{ jobId: 'nightly', runId: 'n2', state: 'succeeded', endedAt: k.clock.now().toISOString() }])
  t.match(await published(k, tenant, 'backup.recovered'), [{ subject: job.id, payload: { previous: 'at_risk', status: 'untested' } }])
  t.match(await k.runJob('backup', 'digest', {}, { tenantId: tenant.id }), { state: 'succeeded' })
  const digest = await k.owner('notifications').where({ tenant_id: tenant.id, type: 'backup.daily_digest' }).select('title')
  t.ok(digest.length > 0, 'a digest for the tenant (email by default)')
})

t.test('a never-seen device reported by devices is listed unprotected, with no job', async t => {
  const { admin } = await licensedTenant(k)
  const box = await appliance(k, admin, 'lonely-01')
  // Its first contact publishes devices.status_changed (online): backup lists it.
  await k.request('GET', '/api/v1/devices/self/commands', { headers: { 'x-device-key': box.deviceKey } })
  await k.deliverEvents()
  const list = (await client(k, admin).get('/api/v1/backup/protection?q=lonely')).body.items
  t.match(list, [{ deviceId: box.deviceId, name: 'lonely-01', status: 'unprotected', reason: 'no_job', jobs: 0 }])
})
