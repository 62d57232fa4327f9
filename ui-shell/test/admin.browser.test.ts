import t from 'tap'
import { waitFor } from '@monozu/kernel/testing'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The operator console end to end: a kernel with ADMIN_PANEL_ENABLED=true, the built shell and
// console, Chromium. The tenant's side is checked through the real API, as its shell would see it.
const gated = repoPath('kernel/test/fixtures/plugins/fx-gated')
const jobs = repoPath('kernel/test/fixtures/plugins/fx-jobs')

t.test('the operator console in a real browser', { skip: browserSkip('admin') }, async t => {
  const { k, signIn, close } = await startBrowserKernel([gated, jobs], { adminPanelEnabled: true })
  t.teardown(close)

  const acme = await k.createTenant({ slug: 'console-acme', name: 'Acme Console' })
  await k.grantLicense(acme, ['gated'], { seats: 25 })
  const admin = await k.createUser(acme, { roles: ['tenant-admin'], email: 'admin@console.example', password: 'admin-password-1' })
  const operator = { email: 'ops@monozu.example', password: 'operator-password-1' }
  await k.createOperator({ email: operator.email, name: 'Olga Operator', password: operator.password })
  const adminToken = await k.login(admin.user.email, admin.password)
  const tenantModules = async () => (await k.request('GET', '/api/v1/me/features', { token: adminToken })).body.features.map((f: { id: string }) => f.id) as string[]

  // A job that failed for good (3 attempts), then mended so that a retry can succeed.
  const enqueued = await k.request('POST', '/api/v1/fx-jobs/enqueue', { token: adminToken, body: { name: 'flaky', payload: { succeedOn: 99 } } })
  const jobId: string = enqueued.body.jobs[0].id
  const owner = k.owner
  await waitFor('the flaky job to die', async () => owner('jobs').where({ id: jobId, state: 'dead' }).first())
  await owner('jobs').where({ id: jobId }).update({ payload: JSON.stringify({ succeedOn: 1 }) })

  await t.test('an operator lands on the console, switches a tenant\'s feature and retries a failed job', async t => {
    const { page, context, errors, cspViolations } = await signIn(operator.email, operator.password)
    await page.getByTestId('module-admin').waitFor()
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor()
    const nav = await page.getByRole('navigation', { name: 'Modules' }).getByRole('link').allTextContents()
    t.same(nav.map(l => l.trim()), ['Tenants', 'Jobs', 'Audit log', 'Plugin health', 'Dead events'], 'the console\'s screens are the operator\'s navigation')
    t.ok(await page.getByRole('note').filter({ hasText: 'provisioned and licenses are issued in the management deployment' }).isVisible(), 'the screen says what stays in management')
    const row = page.getByRole('row').filter({ hasText: 'Acme Console' })
    await row.waitFor()
    t.ok(await row.getByText('gated', { exact: true }).isVisible(), 'the list shows the tenant\'s licensed features')
    t.ok(await row.getByRole('cell', { name: '25', exact: true }).isVisible(), 'and its seats')
    await expectAccessible(t, page, 'tenants (en)')
    await page.screenshot({ path: `${shots}admin-tenants.png`, fullPage: true })

    await row.getByRole('link', { name: 'Acme Console' }).click()
    await page.getByRole('heading', { name: 'Acme Console', level: 1 }).waitFor()
    const gatedSwitch = page.getByRole('switch', { name: 'gated for Acme Console' })
    t.ok(await gatedSwitch.isChecked(), 'the licensed feature is on')
    t.ok((await tenantModules()).includes('fx-gated'), 'and the tenant has the module')
    await expectAccessible(t, page, 'tenant (en)')
    await gatedSwitch.click()
    await page.getByText('gated is off for Acme Console.').waitFor()
    t.notOk(await gatedSwitch.isChecked(), 'switched off on screen')
    t.notOk((await tenantModules()).includes('fx-gated'), 'the tenant\'s /me/features no longer lists the module')
    await page.screenshot({ path: `${shots}admin-tenant.png`, fullPage: true })
    await gatedSwitch.click()
    await page.getByText('gated is on for Acme Console.').waitFor()
    t.ok((await tenantModules()).includes('fx-gated'), 'switched on again, the tenant has it back')

    await page.getByRole('link', { name: 'Jobs of this tenant' }).click()
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor()
    t.equal(await page.getByLabel('Tenant').inputValue(), acme.id, 'filtered to the tenant')
    await page.getByLabel('State').selectOption('dead')
    const jobRow = page.getByRole('row').filter({ hasText: 'fx-jobs/flaky' })
    await jobRow.getByText('Failed').waitFor()
    t.ok(await jobRow.getByText('attempt 3 fails on purpose').isVisible(), 'the failed job shows its last error')
    await expectAccessible(t, page, 'jobs (en)')
    await jobRow.getByRole('button', { name: 'Retry fx-jobs/flaky' }).click()
    await page.getByText('Job fx-jobs/flaky will run again.').waitFor()
    await waitFor('the retried job to succeed', async () => owner('jobs').where({ id: jobId, state: 'succeeded' }).first())
    t.pass('the retried job ran again and succeeded')
    await page.getByRole('button', { name: 'Refresh' }).click()
    await page.getByText('No jobs match these filters.').waitFor()
    t.pass('refreshed, it has left the failed ones')
    await page.getByLabel('State').selectOption('')
    await jobRow.getByText('Succeeded').waitFor()
    t.pass('and is listed as succeeded')
    await page.screenshot({ path: `${shots}admin-jobs.png`, fullPage: true })

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Audit log' }).click()
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
    await page.getByLabel('Tenant').selectOption(acme.id)
    await page.getByRole('row').filter({ hasText: 'license.installed' }).first().waitFor()
    await page.getByLabel('Action').fill('job.retried')
    await page.getByLabel('Action').press('Enter')
    const retried = page.getByRole('row').filter({ hasText: `job:${jobId}` })
    await retried.waitFor()
    t.ok(await retried.getByText(/^operator:/).isVisible(), 'the retry is in the tenant\'s audit log with the operator as actor')
    await expectAccessible(t, page, 'audit (en)')

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Plugin health' }).click()
    await page.getByRole('heading', { name: 'Plugin health', level: 1 }).waitFor()
    await page.getByText('Every plugin is running.').waitFor()
    const gatedRow = page.getByRole('row').filter({ hasText: 'fx-gated' })
    t.ok(await gatedRow.getByText('2.0.0').isVisible(), 'plugins with their versions')
    await expectAccessible(t, page, 'plugins (en)')

    // The same screens in Polish.
    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('heading', { name: 'Stan wtyczek', level: 1 }).waitFor()
    await expectAccessible(t, page, 'plugins (pl)')
    const plNav = page.getByRole('navigation', { name: 'Moduły' })
    for (const [link, heading] of [['Organizacje', 'Organizacje'], ['Zadania', 'Zadania'], ['Dziennik audytu', 'Dziennik audytu']]) {
      await plNav.getByRole('link', { name: link }).click()
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor()
      await expectAccessible(t, page, `${heading} (pl)`)
    }
    await plNav.getByRole('link', { name: 'Organizacje' }).click()
    await page.getByRole('link', { name: 'Acme Console' }).click()
    await page.getByRole('switch', { name: 'gated dla Acme Console' }).waitFor()
    await expectAccessible(t, page, 'tenant (pl)')
    await page.screenshot({ path: `${shots}admin-tenant-pl.png`, fullPage: true })

    t.same(errors, [], 'no uncaught errors')
    t.same(cspViolations, [], 'no CSP violations')
    await context.close()
  })

  await t.test('a tenant admin never sees the console', async t => {
    const { page, context, requested } = await signIn(admin.user.email, admin.password)
    const nav = page.getByRole('navigation', { name: 'Modules' })
    await nav.getByRole('link', { name: 'Gated' }).waitFor()
    const links = await nav.getByRole('link').allTextContents()
    t.notOk(links.some(l => /Tenants|Plugin health|Audit log/.test(l)), `nav: ${links.join(', ')}`)
    await page.goto(new URL('/m/admin/tenants', page.url()).href)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    t.notOk(requested.some(p => p.startsWith('/ui/admin/')), 'the console\'s code is never requested')
    const direct = await k.request('GET', '/api/v1/admin/tenants', { token: adminToken })
    t.equal(direct.status, 403, 'and its API refuses them')
    await context.close()
  })
})
