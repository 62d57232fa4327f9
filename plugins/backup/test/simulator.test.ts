// The appliance simulator (edge-ingest/simulator, `--backup`) as a real process against a real,
// listening kernel: its history arrives as backup events, one device misses its RPO, one
// repository fills up, and "run backup now" / "run a restore test" go to the device through the
// devices service and come back linked to the job.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@monozu/kernel/testing'
import { startBackup } from './helpers.ts'

const cli = fileURLToPath(new URL('../../../edge-ingest/simulator/cli.ts', import.meta.url))
const k = await startBackup()
t.teardown(() => k.close())
const url = await k.kernel.start()
const tenant = await k.createTenant()
await k.grantLicense(tenant, ['backup', 'devices', 'ingest'])
const { user, password } = await k.createUser(tenant, { roles: ['tenant-admin'] })
const admin = await k.login(user.email, password, tenant.slug)
const dir = mkdtempSync(join(tmpdir(), 'monozu-bak-sim-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const child = spawn(process.execPath, [cli, '--url', url, '--email', user.email, '--password', password, '--tenant', tenant.slug,
  '--state', join(dir, 'devices.json'), '--fleet', 'bak', '--devices', '4', '--rate', '1', '--no-discovery', '--backup',
  '--commands', 'poll', '--poll-ms', '300', '--batch-ms', '300', '--duration', '120', '--quiet', '--progress', '0'],
{ env: { ...process.env, MONOZU_DEMO_PASSWORD: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
let stderr = ''
child.stderr.on('data', c => { stderr += c })
t.teardown(() => { child.kill('SIGTERM') })

const api = async (method: 'GET' | 'POST', path: string) => {
  const res = await k.request(method, path, { token: admin, ...(method === 'POST' ? { body: {} } : {}) })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)} ${stderr.slice(0, 300)}`)
  return res.body
}

t.test('the fleet\'s history arrives: protected, one RPO missed, one repository filling up', async t => {
  const devices = await waitFor('four devices with their jobs', async () => {
    const items = (await api('GET', '/api/v1/backup/protection')).items as Array<{ name: string, status: string, reason: string, jobs: number }>
    return items.length === 4 && items.every(d => d.jobs === 1) ? items : null
  }, 60_000)
  const byName = Object.fromEntries(devices.map(d => [d.name, d]))
  t.match(byName['bak-edge-003'], { status: 'at_risk', reason: 'rpo_breached' }, 'the stalled appliance misses its RPO')
  t.match(byName['bak-edge-001'], { status: 'protected' }, 'restore-tested weekly')
  t.match(byName['bak-edge-002'], { status: 'untested' }, 'never restore-tested')
  const repos = await waitFor('the filling repository', async () => {
    const items = (await api('GET', '/api/v1/backup/repositories')).items as Array<{ name: string, warning: string | null, forecast: { daysUntilFull: number | null } }>
    return items.find(r => r.name === 'bak-edge-004-usb' && r.warning) ? items : null
  }, 30_000)
  const usb = repos.find(r => r.name === 'bak-edge-004-usb')!
  t.equal(usb.warning, 'fills_soon')
  t.ok(usb.forecast.daysUntilFull! > 0 && usb.forecast.daysUntilFull! < 30, `full in ${usb.forecast.daysUntilFull} days`)
})

t.test('run backup now and a restore test: the command round trip, linked to the job', async t => {
  const [job] = (await api('GET', '/api/v1/backup/jobs?status=untested')).items
  t.ok(job, 'an untested job')
  const run = await api('POST', `/api/v1/backup/jobs/${job.id}/run`)
  t.match(run, { jobId: job.id, type: 'backup.run', state: 'queued', created: true })
  const test = await api('POST', `/api/v1/backup/jobs/${job.id}/restore-test`)
  const finished = await waitFor('both commands to finish', async () => {
    await k.deliverEvents()
    const items = (await api('GET', `/api/v1/backup/jobs/${job.id}/commands`)).items as Array<{ commandId: string, state: string, exitCode: number | null }>
    return items.length === 2 && items.every(c => c.state === 'succeeded') ? items : null
  }, 60_000)
  t.same(finished.map(c => c.exitCode), [0, 0])
  const runs = await waitFor('the run the command started', async () => {
    const items = (await api('GET', `/api/v1/backup/jobs/${job.id}/runs`)).items as Array<{ commandId: string | null, state: string }>
    return items.find(r => r.commandId === run.commandId) ? items : null
  }, 30_000)
  t.match(runs.find(r => r.commandId === run.commandId), { state: 'succeeded' })
  const tested = await waitFor('the restore test', async () => {
    const j = await api('GET', `/api/v1/backup/jobs/${job.id}`)
    return j.status === 'protected' ? j : null
  }, 30_000)
  t.match(tested, { lastRestoreTestOk: true })
  const tests = (await api('GET', `/api/v1/backup/jobs/${job.id}/runs?type=restore_test`)).items
  t.match(tests, [{ commandId: test.commandId, checksum: 'ok', verifiedFiles: 250 }])
})
