import t from 'tap'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, startTestKernel } from '@monozu/kernel/testing'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The management deployment end to end in Chromium, en and pl, through axe: a kernel on the
// `management` profile serving the shell, wired to a real cloud kernel (one license-gated fixture
// module) on its own database, as `npm run start:platform` wires them. A staff member creates a
// plan, a tenant (provisioned on the cloud, its first license delivered), changes its license,
// switches a module, suspends and resumes it through the confirmation dialog and deletes it.
t.test('the management module in a real browser', { skip: browserSkip('management') }, async t => {
  const token = randomBytes(24).toString('hex')
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  // The license key pair (ES256 JWKs, one kid): management signs, the cloud verifies.
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const keys = { privateJwk: { ...pair.privateKey.export({ format: 'jwk' }), kid: 'browser-test', alg: 'ES256' }, publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), kid: 'browser-test', alg: 'ES256' } }
  const exportDir = mkdtempSync(join(tmpdir(), 'mgmt-browser-'))
  t.teardown(() => rmSync(exportDir, { recursive: true, force: true }))

  const cloudPort = await freePort()
  const cloudUrl = `http://127.0.0.1:${cloudPort}`
  const cloud = await startTestKernel({
    plugins: [repoPath('kernel/test/fixtures/plugins/fx-gated')],
    config: { port: cloudPort, host: '127.0.0.1', publicUrl: cloudUrl, internalTokens: [token], licenseWebhookSecrets: [secret], licensePublicKey: JSON.stringify({ keys: [keys.publicJwk] }) }
  })
  t.teardown(() => cloud.close())
  await cloud.kernel.start()
  const onCloud = async (cloudId: string) => (await cloud.request('GET', `/internal/v1/tenants/${cloudId}`, { headers: { 'x-internal-token': token } })).body

  const { k, signIn, close } = await startBrowserKernel([repoPath('plugins/management')], {}, {
    profile: 'management',
    pluginConfig: { management: { cloudUrl, internalToken: token, webhookSecret: secret, signingKey: JSON.stringify(keys.privateJwk), deliveryBaseMs: 200, deliveryMaxMs: 1000, exportDir } }
  })
  t.teardown(close)
  const staffTenant = await k.createTenant({ slug: 'monozu-staff', name: 'Monozu staff' })
  const staff = await k.createUser(staffTenant, { roles: ['tenant-admin'], email: 'staff@monozu.example', password: 'staff-password-1' })
  const staffToken = await k.login(staff.user.email, staff.password)
  const managed = async () => (await k.request('GET', '/api/v1/management/tenants', { token: staffToken })).body.items as Array<{ id: string, slug: string, status: string, cloudId: string | null, plan: string | null }>

  const { page, context, errors, cspViolations } = await signIn(staff.user.email, staff.password)
  t.teardown(() => context.close())
  await page.getByRole('navigation', { name: 'Modules' }).locator('a[href="/m/management"]').click()
  await page.getByTestId('module-management').waitFor()
  await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor()
  await page.getByText('No tenants yet. Create the first one.').waitFor()
  await expectAccessible(t, page, 'tenant list (empty), en')

  // The plan editor: a plan with the cloud's gated module, 5 seats, 10 devices, 30 days.
  const sections = page.getByRole('navigation', { name: 'Management sections' })
  await sections.getByRole('link', { name: 'Plans' }).click()
  await page.getByRole('heading', { name: 'Plans', level: 1 }).waitFor()
  await page.getByText('No plans yet.').waitFor()
  await page.getByRole('button', { name: 'New plan' }).click()
  const planForm = page.getByRole('form', { name: 'New plan' })
  await planForm.getByLabel('Key').fill('pro')
  await planForm.getByLabel('Name').fill('Pro')
  await planForm.getByLabel('Features').fill('gated')
  await planForm.getByLabel('Seats').fill('5')
  await planForm.getByLabel(/^Devices/).fill('10')
  await planForm.getByLabel('Days valid').fill('30')
  await expectAccessible(t, page, 'plan editor, en')
  await planForm.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('row').filter({ hasText: 'pro' }).filter({ hasText: 'gated' }).waitFor()
  const plans = (await k.request('GET', '/api/v1/management/plans', { token: staffToken })).body.items
  t.match(plans, [{ key: 'pro', name: 'Pro', features: ['gated'], seats: 5, devices: 10, days: 30 }], 'the plan is stored')
  await expectAccessible(t, page, 'plans, en')
  await page.screenshot({ path: `${shots}management-plans.png`, fullPage: true })

  // A new tenant on that plan: provisioned on the cloud, its first license delivered.
  await sections.getByRole('link', { name: 'Tenants' }).click()
  await page.getByRole('button', { name: 'New tenant' }).click()
  const tenantForm = page.getByRole('form', { name: 'New tenant' })
  await tenantForm.getByLabel('Name').fill('Hooli')
  await tenantForm.getByLabel('Slug').fill('hooli')
  await tenantForm.getByLabel('First admin\'s email').fill('gavin@hooli.example')
  await tenantForm.getByLabel('Plan').selectOption('pro')
  await expectAccessible(t, page, 'new tenant, en')
  await tenantForm.getByRole('button', { name: 'Create' }).click()
  const row = page.getByRole('row').filter({ hasText: 'Hooli' })
  await row.waitFor()
  // The list refreshes itself while the tenant is provisioned and its license delivered.
  await row.filter({ hasText: 'Active' }).filter({ hasText: 'Delivered' }).waitFor()
  t.ok(await row.getByText('pro', { exact: true }).isVisible(), 'the plan is in the row')
  const hooli = (await managed()).find(x => x.slug === 'hooli')!
  t.match(hooli, { status: 'active', plan: 'pro', cloudId: String })
  t.match(await onCloud(hooli.cloudId!), { slug: 'hooli', status: 'active', license: { features: ['gated'], seats: 5 } }, 'the tenant and its license are on the cloud')
  await expectAccessible(t, page, 'tenant list, en')
  await page.screenshot({ path: `${shots}management-tenants.png`, fullPage: true })

  // The tenant page: license history, modules on the cloud, deliveries and activity.
  await row.getByRole('link', { name: 'Hooli' }).click()
  await page.getByRole('heading', { name: /^Hooli/, level: 1 }).waitFor()
  const history = page.getByRole('region', { name: 'License history' })
  // Issued with the tenant, renewed for the cloud's id once it was provisioned.
  await history.getByRole('row').filter({ hasText: 'Renew' }).filter({ hasText: 'Current' }).waitFor()
  await history.getByRole('row').filter({ hasText: 'Issue' }).filter({ hasText: 'Superseded' }).waitFor()
  const deliveries = page.getByRole('region', { name: 'License deliveries' })
  await deliveries.getByRole('row').filter({ hasText: 'Delivered' }).filter({ hasText: '200' }).waitFor()
  const activity = page.getByRole('region', { name: 'Activity' })
  for (const what of ['Tenant created', 'Created on the cloud', 'License issued', 'License renewed']) await activity.getByRole('cell', { name: what, exact: true }).waitFor()
  // Staff by name and email, automatic steps by what they are: never user:<uuid>.
  const created = activity.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Tenant created', exact: true }) })
  await created.getByText(staff.user.email).waitFor()
  t.ok(await created.getByText(staff.user.name, { exact: true }).isVisible(), 'the staff member\'s name')
  await activity.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Created on the cloud', exact: true }) }).getByText('Management (automatic)').waitFor()
  t.equal(await activity.getByText(/user:[0-9a-f-]{36}/).count(), 0, 'no raw user ids')
  const modules = page.getByRole('region', { name: 'Modules on the cloud' })
  await modules.getByRole('row').filter({ hasText: 'fx-gated' }).getByText('On', { exact: true }).waitFor()
  await expectAccessible(t, page, 'tenant page, en')
  await page.screenshot({ path: `${shots}management-tenant.png`, fullPage: true })

  // A license change (50 seats) is signed, delivered and superseded the first.
  const change = page.getByRole('form', { name: 'Change the license' })
  await change.getByLabel('Action').selectOption('upgrade')
  await change.getByLabel('Seats').fill('50')
  await change.getByRole('button', { name: 'Change the license' }).click()
  await history.getByRole('row').filter({ hasText: 'Upgrade' }).filter({ hasText: 'Current' }).waitFor()
  await history.getByRole('row').filter({ hasText: 'Renew' }).filter({ hasText: 'Superseded' }).waitFor()
  await page.waitForFunction('document.querySelectorAll(\'[aria-labelledby="mgmt-deliveries"] tbody tr\').length === 2')
  await deliveries.getByRole('row').filter({ hasText: 'Retrying' }).waitFor({ state: 'detached' })
  t.equal((await onCloud(hooli.cloudId!)).license.seats, 50, 'the cloud holds the upgraded license')
  await deliveries.getByRole('button', { name: 'Redeliver' }).last().click()
  await page.getByText('Queued for delivery again.').waitFor()
  await activity.getByRole('cell', { name: 'License redelivered', exact: true }).waitFor()

  // The module switch goes through the cloud.
  await modules.getByRole('button', { name: 'Switch off' }).click()
  await modules.getByRole('row').filter({ hasText: 'fx-gated' }).getByText('Off', { exact: true }).waitFor()
  await modules.getByRole('button', { name: 'Switch on' }).click()
  await modules.getByRole('row').filter({ hasText: 'fx-gated' }).getByText('On', { exact: true }).waitFor()

  // Suspend through the confirmation dialog; Escape cancels a resume; then resume.
  await page.getByRole('button', { name: 'Suspend', exact: true }).click()
  const suspend = page.getByRole('alertdialog', { name: 'Suspend Hooli?' })
  await suspend.getByText(/Its users are signed out/).waitFor()
  await expectAccessible(t, page, 'suspend confirmation, en')
  await suspend.getByRole('button', { name: 'Suspend', exact: true }).click()
  await suspend.waitFor({ state: 'detached' })
  await page.getByRole('heading', { name: /Suspended/, level: 1 }).waitFor()
  t.equal((await onCloud(hooli.cloudId!)).status, 'suspended', 'suspended on the cloud')
  await activity.getByRole('cell', { name: 'Suspended', exact: true }).waitFor()
  const resumeButton = page.getByRole('button', { name: 'Resume', exact: true })
  await resumeButton.click()
  const resume = page.getByRole('alertdialog', { name: 'Resume Hooli?' })
  await resume.waitFor()
  t.equal(await page.evaluate('document.activeElement?.textContent'), 'Cancel', 'focus starts on Cancel, not on the action')
  await page.keyboard.press('Escape')
  await resume.waitFor({ state: 'detached' })
  t.equal(await page.evaluate('document.activeElement?.textContent'), 'Resume', 'Escape closes the dialog and focus returns to the button')
  t.equal((await onCloud(hooli.cloudId!)).status, 'suspended', 'a cancelled resume changes nothing')
  await resumeButton.click()
  await resume.getByRole('button', { name: 'Resume', exact: true }).click()
  await page.getByRole('heading', { name: /Active/, level: 1 }).waitFor()
  t.equal((await onCloud(hooli.cloudId!)).status, 'active', 'resumed on the cloud')

  // Polish: the same page, then a delete that needs the slug typed.
  await page.getByLabel('Language').selectOption('pl')
  await page.getByRole('heading', { name: 'Historia licencji' }).waitFor()
  await page.getByRole('region', { name: 'Aktywność' }).getByRole('cell', { name: 'Wznowiono', exact: true }).waitFor()
  await page.getByRole('region', { name: 'Dostarczenia licencji' }).getByRole('row').filter({ hasText: 'Dostarczono' }).first().waitFor()
  await expectAccessible(t, page, 'tenant page, pl')
  await page.getByRole('button', { name: 'Usuń', exact: true }).click()
  const del = page.getByRole('alertdialog', { name: 'Usunąć Hooli?' })
  const confirmDelete = del.getByRole('button', { name: 'Usuń', exact: true })
  t.ok(await confirmDelete.isDisabled(), 'the delete waits for the slug')
  await del.getByLabel('Wpisz hooli, aby potwierdzić').fill('hool')
  t.ok(await confirmDelete.isDisabled(), 'a wrong slug does not delete')
  await del.getByLabel('Wpisz hooli, aby potwierdzić').fill('hooli')
  await expectAccessible(t, page, 'delete confirmation, pl')
  await confirmDelete.click()
  await page.getByRole('heading', { name: /Usuwanie/, level: 1 }).waitFor()
  await page.getByRole('link', { name: 'Pobierz eksport (.tar.gz)' }).waitFor()
  await page.getByText(/Usunięcie danych po/).waitFor()
  t.not((await onCloud(hooli.cloudId!)).status, 'active', 'no longer active on the cloud until the purge')
  await page.screenshot({ path: `${shots}management-tenant-pl.png`, fullPage: true })

  await page.getByRole('link', { name: '← Wszyscy dzierżawcy' }).click()
  await page.getByRole('heading', { name: 'Dzierżawcy', level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'Hooli' }).filter({ hasText: 'Usuwanie' }).waitFor()
  await expectAccessible(t, page, 'tenant list, pl')
  await page.getByRole('navigation', { name: 'Sekcje zarządzania' }).getByRole('link', { name: 'Plany' }).click()
  await page.getByRole('heading', { name: 'Plany', level: 1 }).waitFor()
  await page.getByRole('button', { name: 'Edytuj' }).click()
  const editPl = page.getByRole('form', { name: 'Edytuj' })
  await editPl.getByLabel('Stanowiska').fill('8')
  await expectAccessible(t, page, 'plan editor, pl')
  await editPl.getByRole('button', { name: 'Zapisz' }).click()
  await page.getByRole('row').filter({ hasText: 'pro' }).filter({ hasText: '8' }).waitFor()
  t.equal((await k.request('GET', '/api/v1/management/plans', { token: staffToken })).body.items[0].seats, 8, 'the plan is changed')
  await page.screenshot({ path: `${shots}management-plans-pl.png`, fullPage: true })

  t.same(errors, [], 'no errors in the page')
  t.same(cspViolations, [], 'no CSP violations')
})
