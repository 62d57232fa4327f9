import t from 'tap'
import { randomUUID } from 'node:crypto'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The security module end to end: a kernel with security, cmdb, devices and edge-ingest, the
// bundled feed fixtures, an appliance reporting software and alerts, the built shell and module,
// and Chromium; every main screen through axe in en and pl.
const plugins = [repoPath('plugins/cmdb'), repoPath('plugins/security'), repoPath('plugins/devices'), repoPath('edge-ingest')]

t.test('the security module in a real browser', { skip: browserSkip('security') }, async t => {
  const { k, signIn, close } = await startBrowserKernel(plugins)
  t.teardown(close)
  const { loadFixtureFeeds } = await import(repoPath('plugins/security/src/seed/fixtures.ts'))
  await k.db.platform({ actor: 'test', reason: 'fixtures' }, trx => loadFixtureFeeds(trx))
  const tenant = await k.createTenant({ slug: 'security-browser', name: 'Security Browser' })
  await k.grantLicense(tenant, ['security', 'cmdb', 'devices', 'ingest'])
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@security.example', password: 'admin-password-1' })
  const token = await k.login(admin.user.email, admin.password)
  const et = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token, body: {} })
  const box = (await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': et.body.token }, body: { hostname: 'edge-1', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })).body
  const send = (kind: string, events: object[]) => k.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': box.deviceKey }, body: JSON.stringify({ kind, events: events.map(e => ({ id: randomUUID(), ...e })) }) })
  await send('discovery', [{ source: 'agent', ciType: 'server', hostname: 'erp-app-01', software: [{ name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', ecosystem: 'Maven' }, { name: 'lodash', version: '4.17.20', ecosystem: 'npm' }] }])
  await send('security_alert', [{ ruleId: 'wazuh-5712', severity: 'high', title: 'SSH brute force attempt', source: 'wazuh' }])
  for (let i = 0; i < 100; i++) {
    await k.deliverEvents()
    if ((await k.owner('security_inventory').where({ tenant_id: tenant.id })).length === 2) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await k.runJob('security', 'scan', {}, { tenantId: tenant.id })

  const { page, context, errors } = await signIn(admin.user.email, admin.password)
  t.teardown(() => context.close())
  await page.getByRole('navigation', { name: 'Modules' }).locator('a[href="/m/security"]').click()
  await page.getByTestId('module-security').waitFor()
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
  await page.getByText('Actively exploited (KEV)').waitFor()
  await expectAccessible(t, page, 'overview, en')
  await page.screenshot({ path: `${shots}security-overview.png`, fullPage: true })

  await page.getByRole('link', { name: 'Findings', exact: true }).click()
  await page.getByRole('heading', { name: /^Findings/, level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'GHSA-35jh-r3h4-6jhm' }).waitFor()
  await expectAccessible(t, page, 'findings, en')
  await page.getByLabel('Severity').selectOption('critical')
  await page.getByRole('row').filter({ hasText: 'GHSA-35jh-r3h4-6jhm' }).waitFor({ state: 'detached' })
  await page.getByRole('link', { name: /GHSA-jfh8-c2jp-5v3q/ }).click()
  await page.getByRole('heading', { name: /GHSA-jfh8-c2jp-5v3q/, level: 1 }).waitFor()
  await page.getByText(/reported org\.apache\.logging\.log4j:log4j-core 2\.14\.1 \(Maven\) through agent .* Advisory GHSA-jfh8-c2jp-5v3q affects it because 2\.14\.1 >= introduced 2\.13\.0, 2\.14\.1 < fixed 2\.15\.0 \(Maven ComparableVersion\)/).waitFor()
  await page.getByText('Upgrade to 2.15.0 or later to fix it.').waitFor()
  t.pass('the finding page explains itself in a sentence')
  await expectAccessible(t, page, 'finding, en')
  await page.screenshot({ path: `${shots}security-finding.png`, fullPage: true })
  await page.getByRole('button', { name: 'Accept risk' }).click()
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Give a reason (at least 3 characters).').waitFor()
  await page.getByLabel('Reason').fill('Isolated until Friday\'s upgrade')
  await page.getByLabel('Until', { exact: true }).fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10))
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Risk accepted').first().waitFor()

  // The risk-acceptance list: who accepted, why, until when.
  await page.getByRole('link', { name: 'Risk acceptances', exact: true }).click()
  await page.getByRole('heading', { name: /^Risk acceptances/, level: 1 }).waitFor()
  const accepted = page.getByRole('row').filter({ hasText: 'GHSA-jfh8-c2jp-5v3q' })
  await accepted.filter({ hasText: 'Isolated until Friday\'s upgrade' }).waitFor()
  const acceptedText = await accepted.textContent() ?? ''
  t.match(acceptedText, /erp-app-01/, 'the asset')
  t.match(acceptedText, /log4j-core 2\.14\.1/, 'the package')
  t.match(acceptedText, new RegExp(new Date(Date.now() + 7 * 86_400_000).getUTCFullYear().toString()), 'the expiry')
  await expectAccessible(t, page, 'risk acceptances, en')

  // The asset page: every finding of the device with the why, and its software.
  await accepted.getByRole('link', { name: 'erp-app-01' }).click()
  await page.getByRole('heading', { name: /^Asset erp-app-01/, level: 1 }).waitFor()
  await page.getByRole('table', { name: 'Findings on erp-app-01' }).getByRole('row').filter({ hasText: '4.17.20 < fixed 4.17.21 by semver' }).waitFor()
  await page.getByRole('table', { name: 'Findings on erp-app-01' }).getByRole('row').filter({ hasText: 'GHSA-jfh8-c2jp-5v3q' }).filter({ hasText: 'Risk accepted' }).waitFor()
  await page.getByRole('table', { name: 'Software on erp-app-01' }).getByRole('row').filter({ hasText: 'lodash' }).filter({ hasText: 'agent' }).waitFor()
  t.pass('the asset page lists its findings with the why and its software with the source')
  await expectAccessible(t, page, 'asset, en')
  await page.screenshot({ path: `${shots}security-asset.png`, fullPage: true })

  await page.getByRole('link', { name: 'Alerts', exact: true }).click()
  await page.getByRole('row').filter({ hasText: 'SSH brute force attempt' }).waitFor()
  await expectAccessible(t, page, 'alerts, en')
  await send('security_alert', [{ ruleId: 'suricata-1', severity: 'critical', title: 'Live alert arrives', source: 'suricata' }])
  await page.getByRole('row').filter({ hasText: 'Live alert arrives' }).waitFor({ timeout: 15_000 })
  t.pass('a new alert shows up live')

  await page.getByRole('link', { name: 'Feeds', exact: true }).click()
  await page.getByRole('heading', { name: /Vulnerability feeds/ }).waitFor()
  await expectAccessible(t, page, 'feeds, en')

  await page.getByLabel('Language').selectOption('pl')
  await page.getByRole('link', { name: 'Znaleziska', exact: true }).click()
  await page.getByRole('heading', { name: /^Znaleziska/, level: 1 }).waitFor()
  await expectAccessible(t, page, 'findings, pl')
  await page.getByRole('link', { name: /GHSA-35jh-r3h4-6jhm/ }).click()
  await page.getByText(/Biuletyn GHSA-35jh-r3h4-6jhm go dotyczy, bo 4\.17\.20 < naprawiona 4\.17\.21 \(semver\)/).waitFor()
  await expectAccessible(t, page, 'finding, pl')
  await page.getByRole('link', { name: 'erp-app-01' }).click()
  await page.getByRole('heading', { name: /^Zasób erp-app-01/, level: 1 }).waitFor()
  await page.getByRole('table', { name: 'Oprogramowanie na erp-app-01' }).getByRole('row').filter({ hasText: 'lodash' }).waitFor()
  await expectAccessible(t, page, 'asset, pl')
  await page.getByRole('link', { name: 'Akceptacje ryzyka', exact: true }).click()
  await page.getByRole('heading', { name: /^Akceptacje ryzyka/, level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'Isolated until Friday\'s upgrade' }).waitFor()
  await expectAccessible(t, page, 'risk acceptances, pl')
  await page.getByRole('link', { name: 'Przegląd', exact: true }).click().catch(() => {})
  await page.screenshot({ path: `${shots}security-finding-pl.png`, fullPage: true })
  t.same(errors, [], 'no uncaught errors in the page')
})
