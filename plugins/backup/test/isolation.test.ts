import t from 'tap'
import type { DemoTenant } from '@monozu/kernel'
import type { TestKernel } from '@monozu/kernel/testing'
import type { Ctx } from '../src/context.ts'
import { seedDemo } from '../src/seed.ts'
import { appliance, client, licensedTenant, send, startBackup } from './helpers.ts'

// The attacker is a tenant-admin of Globex holding every backup permission, with Acme's ids.
let k: TestKernel
t.before(async () => { k = await startBackup() })
t.teardown(() => k?.close())

t.test('another tenant\'s ids give 404 on every route, and its data never shows', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)
  const acmeBox = await appliance(k, acme.admin, 'acme-nas')
  await send(k, acme.tenant, acmeBox.deviceKey, [{ jobId: 'daily', jobName: 'Acme secret', runId: 'r1', state: 'succeeded', endedAt: new Date().toISOString(), repository: 'acme-repo', repositoryUsedBytes: 10, repositoryCapacityBytes: 100 }])
  const job = (await victim.get('/api/v1/backup/jobs')).body.items[0]
  const repo = (await victim.get('/api/v1/backup/repositories')).body.items[0]
  const globexBox = await appliance(k, globex.admin, 'globex-nas')
  const own = (await attacker.post('/api/v1/backup/jobs', { deviceId: globexBox.deviceId, name: 'mine', rpoMinutes: 60 })).body
  t.equal(own.status, 'unprotected')

  const expect404 = async (what: string, res: Promise<{ status: number, body: unknown }>) => {
    const r = await res
    t.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  await expect404('GET job', attacker.get(`/api/v1/backup/jobs/${job.id}`))
  await expect404('PATCH job', attacker.patch(`/api/v1/backup/jobs/${job.id}`, { enabled: false, disabledReason: 'pwned' }))
  await expect404('DELETE job', attacker.del(`/api/v1/backup/jobs/${job.id}`))
  await expect404('runs', attacker.get(`/api/v1/backup/jobs/${job.id}/runs`))
  await expect404('restore tests', attacker.get(`/api/v1/backup/jobs/${job.id}/runs?type=restore_test`))
  await expect404('commands', attacker.get(`/api/v1/backup/jobs/${job.id}/commands`))
  await expect404('run now', attacker.post(`/api/v1/backup/jobs/${job.id}/run`))
  await expect404('restore test now', attacker.post(`/api/v1/backup/jobs/${job.id}/restore-test`))
  await expect404('device protection', attacker.get(`/api/v1/backup/protection/devices/${acmeBox.deviceId}`))
  await expect404('GET repository', attacker.get(`/api/v1/backup/repositories/${repo.id}`))
  await expect404('PATCH repository', attacker.patch(`/api/v1/backup/repositories/${repo.id}`, { capacityBytes: 1 }))
  await expect404('DELETE repository', attacker.del(`/api/v1/backup/repositories/${repo.id}`))
  await expect404('repository usage', attacker.post(`/api/v1/backup/repositories/${repo.id}/usage`, { usedBytes: 1 }))

  // References to the victim's rows do not resolve.
  t.match((await attacker.post('/api/v1/backup/jobs', { deviceId: acmeBox.deviceId, name: 'x', rpoMinutes: 60 })).body,
    { code: 'validation_failed', errors: [{ pointer: '/deviceId', rule: 'not_found' }] }, 'a job on another tenant\'s device')
  t.match((await attacker.patch(`/api/v1/backup/jobs/${own.id}`, { repositoryId: repo.id })).body,
    { code: 'validation_failed', errors: [{ pointer: '/repositoryId' }] }, 'another tenant\'s repository')

  // Lists and counts see only the caller's tenant.
  t.same((await attacker.get('/api/v1/backup/jobs')).body.items.map((j: { name: string }) => j.name), ['mine'])
  t.same((await attacker.get('/api/v1/backup/repositories')).body.items, [])
  t.same((await attacker.get('/api/v1/backup/protection')).body.items.map((d: { name: string }) => d.name), ['globex-nas'])
  t.same((await attacker.get(`/api/v1/backup/jobs?deviceId=${acmeBox.deviceId}`)).body.items, [])
  t.match((await attacker.get('/api/v1/backup/protection/summary')).body, { devices: { protected: 0, untested: 0, unprotected: 1 } })

  // The victim's device key cannot report into Globex, nor Globex's into Acme: jobs stay apart.
  await send(k, globex.tenant, globexBox.deviceKey, [{ jobId: 'daily', runId: 'r1', state: 'failed', endedAt: new Date().toISOString() }])
  t.match((await victim.get(`/api/v1/backup/jobs/${job.id}`)).body, { name: 'Acme secret', enabled: true, status: 'untested', lastRunState: 'succeeded' })
  t.equal((await victim.get(`/api/v1/backup/repositories/${repo.id}`)).body.capacityBytes, 100)
})

t.test('permissions, validation and the license gate', async t => {
  const { admin, member, tenant } = await licensedTenant(k)
  const api = client(k, admin)
  const reader = client(k, member)
  const box = await appliance(k, admin)
  const job = (await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'Files', rpoMinutes: 1440, retentionDays: 30 })).body
  t.equal((await reader.get('/api/v1/backup/jobs')).status, 200, 'members read')
  t.equal((await reader.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'x', rpoMinutes: 60 })).status, 403)
  t.equal((await reader.post(`/api/v1/backup/jobs/${job.id}/run`)).status, 403)
  t.equal((await reader.del(`/api/v1/backup/jobs/${job.id}`)).status, 403)
  t.equal((await reader.post('/api/v1/backup/repositories', { name: 'r' })).status, 403)
  t.match((await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'files', rpoMinutes: 60 })).body, { status: 409, code: 'backup_job_exists' })
  t.match((await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'y', rpoMinutes: 1 })).body, { code: 'validation_failed' })
  t.match((await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'y', rpoMinutes: 60, colour: 'red' })).body, { code: 'validation_failed' })
  t.match((await api.post('/api/v1/backup/jobs', { deviceId: box.deviceId, name: 'y', rpoMinutes: 60, enabled: false })).body, { code: 'validation_failed', errors: [{ pointer: '/disabledReason' }] })
  t.match((await api.get('/api/v1/backup/jobs?cursor=bm9wZQ')).body, { code: 'validation_failed' })
  t.match((await api.post('/api/v1/backup/repositories', { name: 'Main' })).status, 201)
  t.match((await api.post('/api/v1/backup/repositories', { name: 'main' })).body, { status: 409, code: 'backup_repository_exists' })

  await api.patch(`/api/v1/backup/jobs/${job.id}`, { enabled: false, disabledReason: 'moved' })
  t.match((await api.post(`/api/v1/backup/jobs/${job.id}/run`)).body, { status: 409, code: 'backup_job_disabled' })
  t.equal((await api.del(`/api/v1/backup/jobs/${job.id}`)).status, 204)
  t.equal((await api.get(`/api/v1/backup/jobs/${job.id}`)).status, 404)

  const unlicensed = await k.createTenant()
  const other = await k.signIn(unlicensed, ['tenant-admin'])
  t.match((await client(k, other.token).get('/api/v1/backup/protection')).body, { status: 403, code: 'feature_disabled' })
  t.ok(tenant)
})

t.test('a repository\'s usage and forecast through the API (hand-computed series)', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const repo = (await api.post('/api/v1/backup/repositories', { name: 'nas-pool', capacityBytes: 500, warnDays: 30 })).body
  const today = new Date()
  const day = (back: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back, 12)).toISOString()
  for (const [back, used] of [[4, 100], [3, 120], [2, 130], [1, 150], [0, 170]] as const) {
    t.equal((await api.post(`/api/v1/backup/repositories/${repo.id}/usage`, { usedBytes: used, at: day(back) })).status, 200)
  }
  const got = (await api.get(`/api/v1/backup/repositories/${repo.id}`)).body
  t.equal(got.usage.length, 5)
  t.equal(got.forecast.slopeBytesPerDay, 17)
  t.ok(Math.abs(got.forecast.daysUntilFull - 332 / 17) < 1e-9)
  t.equal(got.warning, 'fills_soon')
  const note = (await api.get('/api/v1/notifications')).body.items.filter((n: { type: string }) => n.type === 'backup.repository_full')
  t.equal(note.length, 1, 'told once, on the transition')
})

t.test('the demo seed: two repositories with usage, the offsite one warned', async t => {
  const tenant = await k.createTenant({ slug: 'acme' })
  await k.grantLicense(tenant, ['backup', 'devices', 'ingest'])
  await seedDemo(k.pluginContext('backup') as Ctx, { id: tenant.id, slug: 'acme', name: 'Acme' } as DemoTenant)
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const repos = (await client(k, admin.token).get('/api/v1/backup/repositories')).body.items
  t.match(repos, [{ name: 'Local NAS', warning: null }, { name: 'Offsite (Backblaze B2)', warning: 'fills_soon' }])
  t.ok(repos[1].forecast.daysUntilFull > 20 && repos[1].forecast.daysUntilFull < 45, `${repos[1].forecast.daysUntilFull}`)
})
