import t from 'tap'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The tenant's home page end to end: activity as sentences with names, and the summary widgets
// that the devices and CMDB modules contribute through the SDK, each with the tenant's numbers.
// fx-widgets: a module whose widgets fail (ui-shell/test/fixtures), to show they fail alone.
const plugins = ['plugins/overview', 'plugins/devices', 'edge-ingest', 'plugins/cmdb', 'ui-shell/test/fixtures/fx-widgets'].map(repoPath)
const skip = browserSkip('overview') || browserSkip('devices') || browserSkip('cmdb')

t.test('the overview home page in a real browser', { skip }, async t => {
  const { k, signIn, close } = await startBrowserKernel(plugins)
  t.teardown(close)

  const acme = await k.createTenant({ slug: 'overview-acme', name: 'Acme Home' })
  await k.grantLicense(acme, ['devices', 'ingest', 'cmdb'])
  const anna = await k.createUser(acme, { roles: ['tenant-admin'], name: 'Anna Nowak', email: 'anna@overview.example', password: 'anna-password-1' })
  const member = await k.createUser(acme, { roles: ['member'], name: 'Marek Member', email: 'marek@overview.example', password: 'marek-password-1' })
  const annaToken = await k.login(anna.user.email, anna.password)

  // Five devices: two seen a minute ago, one ten minutes ago (overdue), one two hours ago (offline), one never.
  const enroll = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: annaToken, body: { maxUses: 10 } })
  const ids: string[] = []
  for (const hostname of ['edge-01', 'edge-02', 'edge-03', 'edge-04', 'edge-05']) {
    const res = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enroll.body.token }, body: { hostname, os: 'Debian 12', agentVersion: '1.4.2', hardwareId: `hw-${hostname}` } })
    ids.push(res.body.deviceId)
  }
  const seen = (id: string, minutes: number) => k.owner('devices').where({ id }).update({ last_seen_at: new Date(Date.now() - minutes * 60_000) })
  await seen(ids[0]!, 1); await seen(ids[1]!, 1); await seen(ids[2]!, 10); await seen(ids[3]!, 120)
  for (const [type, name] of [['server', 'web-01'], ['server', 'web-02'], ['server', 'db-01'], ['vm', 'vm-01']]) {
    await k.request('POST', '/api/v1/cmdb/cis', { token: annaToken, body: { type, name } })
  }

  // An action no sentence knows yet (a newer module's) still reads as words, not a code.
  await k.audit.record({ tenantId: acme.id, actor: `user:${anna.user.id}`, action: 'itsm.ticket_queue.created' })

  // Only cmdb: its widget shows, the devices widget does not exist for this tenant.
  const globex = await k.createTenant({ slug: 'overview-globex', name: 'Globex Home' })
  await k.grantLicense(globex, ['cmdb'])
  const greta = await k.createUser(globex, { roles: ['tenant-admin'], name: 'Greta Globex', email: 'greta@overview.example', password: 'greta-password-1' })

  async function home (email: string, password: string) {
    const signed = await signIn(email, password)
    await signed.page.getByRole('navigation', { name: 'Modules' }).waitFor()
    await signed.page.goto(new URL('/m/overview', signed.page.url()).href)
    await signed.page.getByTestId('module-overview').waitFor()
    return signed
  }

  await t.test('an admin reads activity as sentences and sees both widgets with the tenant\'s numbers, in en and pl', async t => {
    const { page, context, errors } = await home(anna.user.email, anna.password)
    t.teardown(() => context.close())
    const activity = page.getByTestId('overview-activity')
    await activity.getByText('Anna Nowak signed in').first().waitFor()
    await activity.getByText('edge-03 enrolled').waitFor()
    await activity.getByText('Anna Nowak · ticket queue created (itsm)').waitFor()
    t.pass('sign-in and enrolment read as sentences with names')
    t.notMatch(await activity.innerText(), /auth\.login|devices\.device|ticket_queue|[0-9a-f]{8}-[0-9a-f]{4}-/, 'no audit code or uuid on screen')

    const devices = page.getByTestId('widget-devices-status')
    await devices.getByRole('heading', { name: 'Devices' }).waitFor()
    await devices.getByTestId('devices-online').filter({ hasText: '2' }).waitFor()
    t.equal(await devices.getByTestId('devices-overdue').innerText(), '1', 'one device overdue')
    t.equal(await devices.getByTestId('devices-offline').innerText(), '1', 'one device offline')
    await devices.getByRole('figure', { name: 'Devices by status' }).waitFor()
    t.pass('the devices widget has its labelled chart')

    const cmdb = page.getByTestId('widget-cmdb-types')
    await cmdb.getByTestId('cmdb-total').filter({ hasText: '4' }).waitFor()
    const servers = cmdb.getByRole('row', { name: /Server/ })
    t.match(await servers.innerText(), /Server\s+3/, 'three servers in the CMDB widget')
    await page.getByRole('figure', { name: 'Activity over time' }).waitFor()
    const jobs = page.getByRole('figure', { name: 'Job queue while this page is open' })
    await jobs.getByText('Number of jobs').waitFor()
    t.same(await jobs.getByRole('listitem').allTextContents(), ['Waiting', 'Running', 'Failed'], 'the job chart names its axis and has a legend')
    await page.screenshot({ path: `${shots}overview-home-en.png`, fullPage: true })
    await expectAccessible(t, page, 'overview home (en)')

    await page.getByLabel('Language').selectOption('pl')
    await activity.getByText('Anna Nowak: logowanie').first().waitFor()
    await activity.getByText('edge-03: rejestracja urządzenia').waitFor()
    await devices.getByRole('heading', { name: 'Urządzenia' }).waitFor()
    await devices.getByRole('link', { name: /Opóźnione/ }).waitFor()
    await cmdb.getByRole('row', { name: /Serwer/ }).waitFor()
    t.pass('in Polish: sentences, widget titles and type names')
    await page.screenshot({ path: `${shots}overview-home-pl.png`, fullPage: true })
    await expectAccessible(t, page, 'overview home (pl)')
    const broken = page.getByTestId('widget-fx-widgets-broken')
    await broken.getByRole('alert').waitFor()
    await page.getByTestId('widget-fx-widgets-fine').getByText('fixture widget works').waitFor()
    t.equal(await page.getByTestId('widget-fx-widgets-secret').count(), 0, 'a widget for a permission the user lacks is not shown')
    t.pass('a widget that throws shows its own error card; the rest of the page works')
    t.same(errors, [], 'no uncaught errors')
  })

  await t.test('a member sees the widgets but no audit activity', async t => {
    const { page, context } = await home(member.user.email, member.password)
    t.teardown(() => context.close())
    await page.getByTestId('widget-devices-status').getByTestId('devices-online').waitFor()
    await page.getByTestId('overview-activity-hidden').waitFor()
    t.equal(await page.getByTestId('overview-activity').count(), 0, 'no activity list')
    t.notMatch(await page.locator('main').innerText(), /Anna Nowak/, 'no one\'s actions are named')
  })

  await t.test('a tenant without the devices license gets no devices widget', async t => {
    const { page, context } = await home(greta.user.email, greta.password)
    t.teardown(() => context.close())
    await page.getByTestId('widget-cmdb-types').getByText('No configuration items yet.').waitFor()
    t.equal(await page.getByTestId('widget-devices-status').count(), 0, 'no devices widget')
  })
})
