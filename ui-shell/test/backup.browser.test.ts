import t from 'tap'
import { randomUUID } from 'node:crypto'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The backup module end to end: a real kernel with backup, devices and edge-ingest, an appliance
// reporting backups, the built shell and module, and Chromium; every main screen through axe in en and pl.
const plugins = [repoPath('plugins/backup'), repoPath('plugins/cmdb'), repoPath('plugins/devices'), repoPath('edge-ingest')]

t.test('the backup module in a real browser', { skip: browserSkip('backup') }, async t => {
  const { k, signIn, close } = await startBrowserKernel(plugins)
  t.teardown(close)
  const tenant = await k.createTenant({ slug: 'backup-browser', name: 'Backup Browser' })
  await k.grantLicense(tenant, ['backup', 'devices', 'ingest'])
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@backup.example', password: 'admin-password-1' })
  const token = await k.login(admin.user.email, admin.password)

  // One appliance with a week of nightly backups and a repository; a second that stopped 3 days ago.
  const enrol = async (hostname: string) => {
    const et = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token, body: {} })
    const reg = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': et.body.token }, body: { hostname, os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })
    return reg.body as { deviceId: string, deviceKey: string }
  }
  const day = 86_400_000
  const now = Date.now()
  const runs = (jobId: string, from: number, count: number) => Array.from({ length: count }, (_, i) => {
    const end = now - (from + i) * day
    return { kind: 'backup_event', id: randomUUID(), jobId, jobName: jobId === 'files' ? 'File server' : 'Mail server', runId: `${jobId}-${i}`, state: i === 2 ? 'failed' : 'succeeded', startedAt: new Date(end - 30 * 60_000).toISOString(), endedAt: new Date(end).toISOString(), bytes: 5e9 + i * 1e8, files: 1200 + i, repository: 'Main NAS', repositoryUsedBytes: 6e12 + (count - i) * 5e10, repositoryCapacityBytes: 8e12, ...(i === 2 ? { error: 'snapshot timed out' } : {}) }
  })
  const send = async (key: string, events: object[]) => {
    const res = await k.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': key }, body: JSON.stringify({ kind: 'backup_event', events: events.map(({ kind: _, ...e }: any) => e) }) })
    t.equal(res.status, 202)
  }
  const fs = await enrol('fs-01')
  const mail = await enrol('mail-01')
  await send(fs.deviceKey, [...runs('files', 0.1, 7), { id: randomUUID(), jobId: 'files', runId: 'rt-1', type: 'restore_test', state: 'succeeded', endedAt: new Date(now - day).toISOString(), restoreTest: { verifiedFiles: 120, checksum: 'ok', durationMs: 90_000 } }])
  await send(mail.deviceKey, runs('mail', 3, 2))
  for (let i = 0; i < 100; i++) {
    const jobs = (await k.request('GET', '/api/v1/backup/jobs', { token })).body.items
    if (jobs?.length === 2 && jobs.every((j: { lastRunAt: string | null }) => j.lastRunAt)) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }

  const { page, context, errors, cspViolations } = await signIn(admin.user.email, admin.password)
  t.teardown(() => context.close())
  await page.getByRole('navigation', { name: 'Modules' }).locator('a[href="/m/backup"]').click()
  await page.getByTestId('module-backup').waitFor()

  await page.getByRole('heading', { name: 'Backup protection', level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'fs-01' }).filter({ hasText: 'Protected' }).waitFor()
  await page.getByRole('row').filter({ hasText: 'mail-01' }).filter({ hasText: 'At risk' }).waitFor()
  t.pass('the overview lists devices with their status')
  await expectAccessible(t, page, 'overview, en')
  await page.getByLabel('Status', { exact: true }).selectOption('at_risk')
  await page.getByRole('row').filter({ hasText: 'fs-01' }).waitFor({ state: 'detached' })
  t.match(page.url(), /\?status=at_risk$/, 'the filter is in the URL')
  // Live over channel `backup`: a failed run of fs-01 puts it on the filtered list with no reload.
  await page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor()
  await send(fs.deviceKey, [{ id: randomUUID(), jobId: 'files', runId: 'live-1', state: 'failed', endedAt: new Date().toISOString(), error: 'live failure' }])
  await page.getByRole('row').filter({ hasText: 'fs-01' }).filter({ hasText: 'At risk' }).waitFor()
  t.pass('the overview updated live')
  await page.screenshot({ path: `${shots}backup-overview.png`, fullPage: true })

  await page.getByRole('link', { name: 'Jobs', exact: true }).click()
  await page.getByRole('link', { name: 'File server' }).click()
  await page.getByRole('heading', { name: 'File server', level: 1 }).waitFor()
  await page.getByText('snapshot timed out').waitFor()
  t.ok(await page.getByRole('table', { name: 'Restore tests' }).getByRole('row').filter({ hasText: '120' }).isVisible(), 'the restore-test history')
  await expectAccessible(t, page, 'job, en')
  await page.screenshot({ path: `${shots}backup-job.png`, fullPage: true })

  // The policy editor: disabling needs a reason, then the job shows as disabled.
  await page.getByRole('button', { name: 'Edit policy' }).click()
  const dialog = page.getByRole('dialog', { name: 'Edit policy' })
  await dialog.getByLabel('RPO (minutes)').fill('720')
  await dialog.getByLabel('Enabled').uncheck()
  await dialog.getByRole('button', { name: 'Save' }).click()
  await dialog.getByText('Say why the job is disabled.').waitFor()
  await expectAccessible(t, page, 'policy editor, en')
  await dialog.getByLabel(/Why it is disabled/).fill('Server retired')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Disabled: Server retired').waitFor()
  const job = (await k.request('GET', '/api/v1/backup/jobs?enabled=false', { token })).body.items[0]
  t.match(job, { name: 'File server', enabled: false, rpoMinutes: 720, status: 'unprotected', reason: 'disabled' })

  await page.getByRole('link', { name: '← Protection overview' }).click()
  await page.getByRole('link', { name: 'Repositories' }).click()
  await page.getByRole('link', { name: 'Main NAS' }).click()
  await page.getByRole('heading', { name: 'Main NAS', level: 1 }).waitFor()
  await page.getByText(/Trend over the last 30 days/).waitFor()
  await expectAccessible(t, page, 'repository, en')
  await page.screenshot({ path: `${shots}backup-repository.png`, fullPage: true })

  await page.getByLabel('Language').selectOption('pl')
  await page.getByText(/Trend z ostatnich 30 dni/).waitFor()
  await expectAccessible(t, page, 'repository, pl')
  await page.getByRole('link', { name: '← Repozytoria' }).click()
  await page.getByRole('link', { name: 'Ochrona', exact: true }).click()
  await page.getByRole('heading', { name: 'Ochrona kopii zapasowych', level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'mail-01' }).filter({ hasText: 'Zagrożone' }).waitFor()
  await expectAccessible(t, page, 'overview, pl')
  await page.getByRole('link', { name: 'Zadania', exact: true }).click()
  await page.getByRole('link', { name: 'Mail server' }).click()
  await page.getByRole('heading', { name: 'Oś czasu uruchomień' }).waitFor()
  await expectAccessible(t, page, 'job, pl')
  await page.screenshot({ path: `${shots}backup-job-pl.png`, fullPage: true })
  t.same(errors, [], 'no errors in the page')
  t.same(cspViolations, [], 'no CSP violations')
})
