import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliance, client, licensedTenant, published, send, startBackup } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startBackup({ clock: 'manual' }) })
t.teardown(() => k?.close())

t.test('runs are deduplicated by run id; a success before its start is kept', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await appliance(k, admin, 'nas-01')
  const now = k.clock.now().getTime()
  const at = (m: number) => new Date(now - m * 60_000).toISOString()

  // Out of order: the success arrives first, then its start, then a repeat of the success.
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', jobName: 'Daily files', runId: 'r1', state: 'succeeded', startedAt: at(30), endedAt: at(10), bytes: 1000, files: 12, repository: 'b2-main', snapshotId: 'snap-1', repositoryUsedBytes: 500, repositoryCapacityBytes: 10_000 }])
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r1', state: 'started', startedAt: at(30) }])
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r1', state: 'succeeded', endedAt: at(10) }])

  const jobs = (await api.get(`/api/v1/backup/jobs?deviceId=${box.deviceId}`)).body.items
  t.equal(jobs.length, 1, 'the job was created from the event')
  t.match(jobs[0], { name: 'Daily files', externalId: 'daily', source: 'event', deviceName: 'nas-01', lastRunState: 'succeeded', lastSuccessAt: at(10), status: 'untested', reason: 'no_restore_test' })
  const runs = (await api.get(`/api/v1/backup/jobs/${jobs[0].id}/runs`)).body.items
  t.equal(runs.length, 1, 'one run for three events')
  t.match(runs[0], { runId: 'r1', state: 'succeeded', startedAt: at(30), endedAt: at(10), bytes: 1000, files: 12, snapshotId: 'snap-1', repository: 'b2-main', durationMs: 20 * 60_000 })

  // Restore test: verified, checksum ok → protected.
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 't1', type: 'restore_test', state: 'succeeded', startedAt: at(9), endedAt: at(5), restoreTest: { verifiedFiles: 12, checksum: 'ok', durationMs: 240000 } }])
  const job = (await api.get(`/api/v1/backup/jobs/${jobs[0].id}`)).body
  t.match(job, { status: 'protected', reason: 'ok', lastRestoreTestOk: true })
  const tests = (await api.get(`/api/v1/backup/jobs/${jobs[0].id}/runs?type=restore_test`)).body.items
  t.match(tests, [{ runId: 't1', verifiedFiles: 12, checksum: 'ok', durationMs: 240000 }])
  const device = (await api.get(`/api/v1/backup/protection/devices/${box.deviceId}`)).body
  t.match(device, { name: 'nas-01', status: 'protected', jobs: 1, jobList: [{ id: jobs[0].id }] })
  const repo = (await api.get('/api/v1/backup/repositories')).body.items
  t.match(repo, [{ name: 'b2-main', usedBytes: 500, capacityBytes: 10_000 }])

  // A failed run: at risk, run_failed once however often it repeats, then recovery.
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r2', state: 'failed', startedAt: at(4), endedAt: at(3), error: 'disk full' }])
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r2', state: 'failed', endedAt: at(3), error: 'disk full' }, { jobId: 'daily', runId: 'r2', state: 'started', startedAt: at(4) }])
  t.match((await api.get(`/api/v1/backup/jobs/${jobs[0].id}`)).body, { status: 'at_risk', reason: 'last_run_failed' })
  t.equal((await published(k, tenant, 'backup.run_failed')).length, 1, 'one run_failed for a repeated failure')
  t.match((await published(k, tenant, 'backup.at_risk')), [{ subject: jobs[0].id, payload: { status: 'at_risk', previous: 'protected', reason: 'last_run_failed' } }])
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r3', state: 'warning', startedAt: at(2), endedAt: at(1) }])
  t.match((await api.get(`/api/v1/backup/jobs/${jobs[0].id}`)).body, { status: 'protected' })
  t.match(await published(k, tenant, 'backup.recovered'), [{ subject: jobs[0].id, payload: { previous: 'at_risk', status: 'protected' } }])

  // An older run arriving late does not roll the job's last run back.
  await send(k, tenant, box.deviceKey, [{ jobId: 'daily', runId: 'r0', state: 'failed', startedAt: at(600), endedAt: at(590) }])
  t.match((await api.get(`/api/v1/backup/jobs/${jobs[0].id}`)).body, { status: 'protected', lastRunState: 'warning' })
  t.equal((await api.get(`/api/v1/backup/jobs/${jobs[0].id}/runs`)).body.items.length, 4)
})

t.test('a restore test with a checksum mismatch puts the job at risk', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const box = await appliance(k, admin)
  const iso = k.clock.now().toISOString()
  await send(k, tenant, box.deviceKey, [
    { jobId: 'vm', runId: 'a', state: 'succeeded', endedAt: iso },
    { jobId: 'vm', runId: 'rt', type: 'restore_test', state: 'succeeded', endedAt: iso, restoreTest: { checksum: 'mismatch', verifiedFiles: 3 } }
  ])
  const [job] = (await api.get('/api/v1/backup/jobs')).body.items
  t.match(job, { status: 'at_risk', reason: 'restore_test_failed', lastRestoreTestOk: false })
})
