import t from 'tap'
import { randomUUID } from 'node:crypto'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The devices module end to end: a real kernel with devices and edge-ingest, the built shell and
// module, Chromium, and the test playing the appliance through the real HTTP API.
const devices = repoPath('plugins/devices')
const ingest = repoPath('edge-ingest')

t.test('the devices module in a real browser', { skip: browserSkip('devices') }, async t => {
  const { k, base, signIn, close } = await startBrowserKernel([devices, ingest])
  t.teardown(close)

  const tenant = await k.createTenant({ slug: 'devices-browser', name: 'Devices Browser' })
  await k.grantLicense(tenant, ['devices', 'ingest'])
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@devices.example', password: 'admin-password-1' })
  const member = await k.createUser(tenant, { roles: ['member'], email: 'member@devices.example', password: 'member-password-1' })

  /** The appliance's side: the real HTTP API, as a device would call it. */
  const api = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }

  async function signedIn (email: string, password: string) {
    const signed = await signIn(email, password)
    await signed.page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Devices' }).click()
    await signed.page.getByTestId('module-devices').waitFor()
    return signed
  }

  const hostname = 'edge-browser-01'
  let deviceKey = ''
  let deviceId = ''

  await t.test('an admin enrolls a device and drives a command through its states live', async t => {
    const { page, context, errors } = await signedIn(admin.user.email, admin.password)
    await page.getByText('No devices yet').waitFor()
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor()
    t.pass('the empty list shows, with the live channel open')

    // An enrollment token, created in the UI and shown once.
    await page.getByRole('link', { name: 'Create an enrollment token' }).click()
    await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor()
    await page.getByRole('button', { name: 'Create token' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create token' })
    await dialog.getByLabel('Maximum uses').fill('0')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    t.equal(await dialog.getByLabel('Maximum uses').getAttribute('aria-invalid'), 'true', 'a bad value is marked on its field')
    await dialog.getByText('Enter a whole number from 1 to 100000.').waitFor()
    await dialog.getByLabel('Maximum uses').fill('2')
    await dialog.getByLabel('Site').fill('Browser lab')
    await dialog.getByLabel('Tags').fill('e2e, rack-1')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    const token = await page.getByTestId('devices-new-token').inputValue()
    t.match(token, /^mze_[\w-]+$/, 'the new token is shown')
    t.match(await page.getByTestId('devices-example-command').inputValue(), `X-Enrollment-Token: ${token}`, 'with a ready-to-paste registration call')
    await page.screenshot({ path: `${shots}devices-token.png`, fullPage: true })
    await page.getByRole('button', { name: 'I have copied it' }).click()
    const tokenRow = page.getByRole('row').filter({ hasText: 'Browser lab' })
    await tokenRow.getByText('Active').waitFor()
    t.ok(await tokenRow.getByText('0 of 2').isVisible(), 'the list shows the token with its uses')

    // The appliance registers with it; the list shows it without a reload.
    await page.getByRole('navigation', { name: 'Devices sections' }).getByRole('link', { name: 'Devices' }).click()
    await page.getByText('No devices yet').waitFor()
    const registered = await api('POST', '/api/v1/devices/register', { 'x-enrollment-token': token }, { hostname, os: 'Debian 12', agentVersion: '1.4.2', hardwareId: 'browser-hw-1' })
    t.equal(registered.status, 201, JSON.stringify(registered.body))
    deviceKey = registered.body.deviceKey
    deviceId = registered.body.deviceId
    const row = page.getByRole('row').filter({ hasText: hostname })
    await row.waitFor({ timeout: 10_000 })
    t.ok(await row.getByText('Never connected').isVisible(), 'the new device appears live, never connected')
    t.ok(await row.getByText('Browser lab').isVisible(), 'on the token\'s site')

    await row.getByRole('link', { name: hostname }).click()
    await page.getByRole('heading', { name: hostname }).waitFor()
    await page.getByRole('link', { name: 'Commands' }).click()
    await page.getByRole('heading', { name: 'Command history' }).waitFor()
    await page.getByText('No commands yet').waitFor()

    // Client-side validation, next to the field.
    await page.getByLabel('Type').fill('diagnostics.collect')
    await page.getByLabel('Payload (JSON)').fill('{ "verbose": ')
    await page.getByRole('button', { name: 'Send command' }).click()
    t.equal(await page.getByLabel('Payload (JSON)').getAttribute('aria-invalid'), 'true', 'invalid JSON is refused before sending')
    await page.getByLabel('Payload (JSON)').fill('{ "verbose": true }')
    await page.getByRole('button', { name: 'Send command' }).click()
    const command = page.getByRole('row').filter({ hasText: 'diagnostics.collect' })
    await command.getByText('Queued').waitFor()
    t.pass('the command is queued')

    // The test answers as the device; every state reaches the page over the channel.
    const polled = await api('GET', '/api/v1/devices/self/commands', { 'x-device-key': deviceKey })
    t.equal(polled.status, 200)
    const sent = polled.body.items[0]
    t.match(sent, { type: 'diagnostics.collect', state: 'sent', payload: { verbose: true } }, 'the device gets the command with its payload')
    await command.getByText('Sent').waitFor({ timeout: 10_000 })
    t.pass('sent, live')
    t.equal((await api('POST', `/api/v1/commands/${sent.id}/ack`, { 'x-device-key': deviceKey }, { state: 'running' })).status, 200)
    await command.getByText('Running').waitFor({ timeout: 10_000 })
    t.pass('running, live')
    const output = 'collected\n'.repeat(7000) // 70,000 bytes: over the 64 KiB cap
    t.equal((await api('POST', `/api/v1/commands/${sent.id}/result`, { 'x-device-key': deviceKey }, { exitCode: 0, output, durationMs: 1250 })).status, 200)
    await command.getByText('Succeeded').waitFor({ timeout: 10_000 })
    t.pass('succeeded, live')

    await command.getByRole('button', { name: 'Details of command diagnostics.collect' }).click()
    const viewer = page.getByRole('dialog', { name: 'Command diagnostics.collect' })
    await viewer.getByTestId('devices-output').waitFor()
    t.match(await viewer.getByTestId('devices-output').textContent(), /collected\n[\s\S]*\[… output truncated\]$/, 'the output, marked as truncated')
    await page.screenshot({ path: `${shots}devices-command.png`, fullPage: true })
    await page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })

    // The contact (polling) turns the device online once the sweep notices.
    await page.getByRole('link', { name: 'Overview' }).click()
    await page.getByRole('heading', { name: 'Details' }).waitFor()
    await page.locator('.mz-page-header').getByText('Online').waitFor({ timeout: 20_000 })
    t.pass('the status badge follows the device live')

    // Key rotation shows the new key once; it works at once.
    await page.getByRole('button', { name: 'Rotate key' }).click()
    const newKey = await page.getByTestId('devices-new-key').inputValue()
    t.match(newKey, /^mzd_/, 'the new key is shown')
    await page.getByText(/the previous key keeps working until/).waitFor()
    t.equal((await api('GET', '/api/v1/devices/self', { 'x-device-key': newKey })).status, 200, 'the new key works')
    await page.getByRole('button', { name: 'I have copied it' }).click()

    // Revocation asks first; Cancel is where focus starts.
    await page.getByRole('button', { name: 'Revoke device' }).click()
    const confirm = page.getByRole('alertdialog', { name: `Revoke ${hostname}?` })
    await confirm.waitFor()
    // Strings run in the page (this file has no DOM types).
    await page.waitForFunction('document.activeElement?.closest("[role=alertdialog]") != null', null, { timeout: 5000 })
    t.equal(await page.evaluate('document.activeElement?.textContent'), 'Cancel', 'focus starts on Cancel, not on the destructive button')
    await confirm.getByRole('button', { name: 'Revoke device' }).click()
    await page.locator('.mz-page-header').getByText('Revoked').waitFor()
    t.equal((await api('GET', '/api/v1/devices/self', { 'x-device-key': newKey })).status, 401, 'a revoked device\'s key stops working')

    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('link', { name: 'Polecenia' }).waitFor()
    await page.getByText('Klucze urządzenia').waitFor()
    t.pass('the module speaks Polish')
    await page.screenshot({ path: `${shots}devices-device-pl.png`, fullPage: true })
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('every screen passes axe in en and pl, with nothing blocked by the CSP', async t => {
    // A second appliance with metrics and logs, so the device page shows its charts and activity.
    const adminToken = await k.login(admin.user.email, admin.password)
    const enrollment = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: adminToken, body: {} })
    const second = await api('POST', '/api/v1/devices/register', { 'x-enrollment-token': enrollment.body.token }, { hostname: 'edge-browser-02', os: 'Debian 12', agentVersion: '1.4.2', hardwareId: 'browser-hw-2' })
    t.equal(second.status, 201, 'a second appliance enrolls')
    const key = { 'x-device-key': second.body.deviceKey }
    const now = Date.now()
    const telemetry = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), ts: new Date(now - (12 - i) * 60_000).toISOString(), metrics: { 'cpu.percent': 20 + i, 'mem.percent': 40 + i } }))
    t.equal((await api('POST', '/v1/ingest', key, { kind: 'telemetry', events: telemetry })).status, 202, 'its metrics are accepted')
    const logs = [{ id: randomUUID(), ts: new Date(now - 30_000).toISOString(), level: 'warn', source: 'monozu-agent', message: 'CPU load high: 91.2% (threshold 85%)' }]
    t.equal((await api('POST', '/v1/ingest', key, { kind: 'log', events: logs })).status, 202, 'and its log line')

    const { page, context, errors, cspViolations } = await signedIn(admin.user.email, admin.password)
    const row = page.getByRole('row').filter({ hasText: 'edge-browser-02' })
    await row.waitFor()
    await expectAccessible(t, page, 'device list, en')
    await row.getByRole('link', { name: 'edge-browser-02' }).click()
    await page.getByRole('heading', { name: 'Details' }).waitFor()
    await page.locator('.mz-chart__svg').first().waitFor({ timeout: 15_000 })
    await expectAccessible(t, page, 'device overview with metrics, en')
    await page.getByRole('link', { name: 'Commands' }).click()
    await page.getByRole('button', { name: 'Send command' }).waitFor()
    await expectAccessible(t, page, 'commands, en')
    await page.getByRole('link', { name: 'History and logs' }).click()
    await page.getByText('CPU load high: 91.2% (threshold 85%)').waitFor({ timeout: 15_000 })
    await expectAccessible(t, page, 'history and logs, en')
    await page.goto(`${base}/m/devices/enrollment`)
    await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor()
    await expectAccessible(t, page, 'enrollment tokens, en')

    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('button', { name: 'Wyloguj' }).waitFor()
    await expectAccessible(t, page, 'enrollment tokens, pl')
    await page.goto(`${base}/m/devices`)
    await row.waitFor()
    await expectAccessible(t, page, 'device list, pl')
    await row.getByRole('link', { name: 'edge-browser-02' }).click()
    await page.locator('.mz-chart__svg').first().waitFor({ timeout: 15_000 })
    await expectAccessible(t, page, 'device overview with metrics, pl')
    await page.getByRole('link', { name: 'Historia i logi' }).click()
    await page.getByText('CPU load high: 91.2% (threshold 85%)').waitFor({ timeout: 15_000 })
    await expectAccessible(t, page, 'history and logs, pl')
    await page.screenshot({ path: `${shots}devices-activity-pl.png`, fullPage: true })
    t.same(cspViolations, [], 'no Content Security Policy violation')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('a member sees devices but none of the write or admin actions', async t => {
    t.ok(deviceId, 'needs the device of the first test')
    const { page, context, errors } = await signedIn(member.user.email, member.password)
    await page.getByRole('link', { name: hostname }).click()
    await page.getByRole('heading', { name: hostname }).waitFor()
    t.equal(await page.getByRole('navigation', { name: 'Devices sections' }).count(), 0, 'no link to enrollment tokens')
    t.equal(await page.getByRole('button', { name: 'Rotate key' }).count(), 0, 'no key management')
    await page.getByRole('link', { name: 'Commands' }).click()
    await page.getByRole('row').filter({ hasText: 'diagnostics.collect' }).waitFor()
    t.equal(await page.getByRole('button', { name: 'Send command' }).count(), 0, 'no command form')
    await page.goto(`${base}/m/devices/enrollment`)
    await page.getByText('Only administrators manage enrollment tokens.').waitFor()
    t.pass('the tokens page explains itself instead of failing')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('an admin re-enrols the revoked device with a one-time token from its page', async t => {
    t.ok(deviceId, 'needs the revoked device of the first test')
    const adminToken = await k.login(admin.user.email, admin.password)
    const ordinary = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: adminToken, body: {} })
    const refused = await api('POST', '/api/v1/devices/register', { 'x-enrollment-token': ordinary.body.token }, { hostname, os: 'Debian 12', agentVersion: '1.4.2', hardwareId: 'browser-hw-1' })
    t.equal(refused.status, 409, 'an ordinary token does not bring a revoked device back')

    const { page, context, errors } = await signedIn(admin.user.email, admin.password)
    await page.getByRole('link', { name: hostname }).click()
    await page.locator('.mz-page-header').getByText('Revoked').waitFor()
    await page.getByRole('button', { name: 'Re-enrol…' }).click()
    const confirm = page.getByRole('dialog', { name: `Re-enrol ${hostname}?` })
    await confirm.getByText(/one-time re-enrolment token for this device only/).waitFor()
    await confirm.getByRole('button', { name: 'Create re-enrolment token' }).click()
    const token = await page.getByTestId('devices-reenrol-token').inputValue()
    t.match(token, /^mze_/, 'the token is shown once')
    const shown = page.getByRole('dialog', { name: `Re-enrolment token for ${hostname}` })
    t.match(await shown.getByRole('textbox', { name: 'Register an appliance' }).inputValue(), /"hardwareId\\":\\"browser-hw-1\\"/, 'the call carries the device\'s hardware id')
    await page.screenshot({ path: `${shots}devices-reenrol.png`, fullPage: true })
    await expectAccessible(t, page, 're-enrolment token dialog, en')
    await shown.getByRole('button', { name: 'I have copied it' }).click()

    const back = await api('POST', '/api/v1/devices/register', { 'x-enrollment-token': token }, { hostname, os: 'Debian 12', agentVersion: '1.5.0', hardwareId: 'browser-hw-1' })
    t.match(back, { status: 201, body: { deviceId, created: false } }, 'the appliance re-enrols as the same device')
    await page.getByRole('button', { name: 'Rotate key' }).waitFor({ timeout: 10_000 })
    t.pass('the page shows the device active again, live')
    t.equal((await api('POST', '/api/v1/devices/register', { 'x-enrollment-token': token }, { hostname, os: 'Debian 12', agentVersion: '1.5.0', hardwareId: 'browser-hw-1' })).status, 401, 'the token worked once')

    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('button', { name: 'Zarejestruj ponownie…' }).click()
    await page.getByRole('dialog', { name: `Zarejestrować ponownie ${hostname}?` }).getByRole('button', { name: 'Anuluj' }).click()
    t.pass('the action speaks Polish')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })
})
