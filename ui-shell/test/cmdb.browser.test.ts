import t from 'tap'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

/** The layout fields these checks read; the test's tsconfig has no DOM lib. */
interface Box { scrollWidth: number, clientWidth: number, querySelector (selector: string): { getBoundingClientRect (): { width: number } } | null }

// The CMDB module end to end: a real kernel with the cmdb plugin (and devices and edge-ingest, so
// an appliance can report a discovery), the built shell and module, and Chromium.
const cmdb = repoPath('plugins/cmdb')
const devices = repoPath('plugins/devices')
const ingest = repoPath('edge-ingest')

/**
 * The cmdb plugin as the kernel should load it. While plugins/cmdb/plugin.json has no `ui` entry
 * (so /api/v1/me/features would offer no module), the test loads the same plugin through a
 * folder whose manifest adds the entry the module needs; code and migrations are the real ones.
 */
function cmdbWithUi (): { dir: string, cleanup: () => void } {
  const manifest = JSON.parse(readFileSync(join(cmdb, 'plugin.json'), 'utf8')) as Record<string, unknown>
  if (manifest.ui) return { dir: cmdb, cleanup: () => {} }
  const root = mkdtempSync(join(tmpdir(), 'monozu-cmdb-ui-'))
  const dir = join(root, 'cmdb')
  mkdirSync(dir)
  for (const entry of ['src', 'migrations', 'package.json']) symlinkSync(join(cmdb, entry), join(dir, entry))
  const ui = { remote: 'cmdb', exposes: './Module', nav: [{ path: '/cmdb', label: { en: 'CMDB', pl: 'CMDB' }, icon: 'list' }] }
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ ...manifest, $schema: undefined, ui }, null, 2))
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

const badFile = [
  'type,name,status,site,hostname,serial,os,cpuCores',
  'server,srv-app-01,active,WAW-HQ,srv-app-01,SN-1001,Ubuntu,8',
  'server,srv-db-01,active,WAW-HQ,srv-db-01,SN-1002,Ubuntu,lots',
  'router,rt-edge-01,,WAW-HQ,rt-edge-01,,,',
  'vm,vm-web-01,planned,WAW-HQ,vm-web-01,,Debian,2',
  'server,srv-app-01,active,WAW-HQ,,,,4'
].join('\n')

const goodFile = [
  'type,name,status,site,hostname,serial,os,cpuCores',
  'server,srv-app-01,active,WAW-HQ,srv-app-01,SN-1001,Ubuntu,8',
  'server,srv-db-01,active,WAW-HQ,srv-db-01,SN-1002,Ubuntu,16',
  'network-device,rt-edge-01,active,WAW-HQ,rt-edge-01,,,',
  'vm,vm-web-01,planned,WAW-HQ,vm-web-01,,Debian,2'
].join('\n')

t.test('the cmdb module in a real browser', { skip: browserSkip('cmdb') }, async t => {
  const plugin = cmdbWithUi()
  const { k, signIn, close } = await startBrowserKernel([plugin.dir, devices, ingest])
  t.teardown(async () => { await close(); plugin.cleanup() })

  const tenant = await k.createTenant({ slug: 'cmdb-browser', name: 'CMDB Browser' })
  await k.grantLicense(tenant, ['cmdb', 'devices', 'ingest'])
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@cmdb.example', password: 'admin-password-1' })
  const member = await k.createUser(tenant, { roles: ['member'], email: 'member@cmdb.example', password: 'member-password-1' })
  const adminToken = await k.login(admin.user.email, admin.password)
  const api = async (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await k.request(method, url, { token: adminToken, headers, ...(body === undefined ? {} : { body }) })
    return res
  }

  async function signedIn (email: string, password: string) {
    const signed = await signIn(email, password)
    // Whatever its label, the module's entry is the nav link to /m/cmdb.
    await signed.page.getByRole('navigation', { name: 'Modules' }).locator('a[href="/m/cmdb"]').click()
    await signed.page.getByTestId('module-cmdb').waitFor()
    return signed
  }

  let serverId = ''
  let deviceKey = ''

  await t.test('an admin imports a CSV: dry run first, then all of it', async t => {
    const { page, context, errors } = await signedIn(admin.user.email, admin.password)
    await page.getByText('No configuration items yet').waitFor()
    await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor()
    t.pass('the empty list shows, with the live channel open')

    await page.getByRole('link', { name: 'Import a CSV file' }).click()
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Check file' }).click()
    t.equal(await page.getByLabel('CSV file').getAttribute('aria-invalid'), 'true', 'no file: the field says so')

    await page.getByLabel('CSV file').setInputFiles({ name: 'estate.csv', mimeType: 'text/csv', buffer: Buffer.from(badFile) })
    await page.getByRole('button', { name: 'Check file' }).click()
    const result = page.getByRole('region', { name: 'Check result' })
    await result.waitFor()
    await result.getByText('Nothing has been changed yet.').waitFor()
    const stat = (name: string) => result.locator(`[data-stat="${name}"] dd`).textContent()
    t.equal(await stat('rows'), '5', 'every row was read')
    t.equal(await stat('created'), '2', 'two rows would create an item')
    t.equal(await stat('errors'), '3', 'three problems')
    const errorsTable = result.getByRole('table', { name: /^Errors/ })
    t.ok(await errorsTable.getByRole('row').filter({ hasText: 'Row 3, cpuCores' }).filter({ hasText: 'must be an integer' }).isVisible(), 'a bad value is named by row and column')
    t.ok(await errorsTable.getByRole('row').filter({ hasText: 'Row 4, type' }).filter({ hasText: 'no CI type "router"' }).isVisible(), 'an unknown type too')
    t.ok(await errorsTable.getByRole('row').filter({ hasText: 'Row 6, name' }).filter({ hasText: 'same CI as row 2' }).isVisible(), 'and a row that repeats another')
    const planned = result.getByRole('table', { name: 'Planned changes' })
    t.ok(await planned.getByRole('row').filter({ hasText: 'srv-app-01' }).filter({ hasText: 'Create' }).isVisible(), 'the planned changes are listed')
    t.equal(await result.getByRole('button', { name: /^Import \d+ change/ }).count(), 0, 'a file with errors cannot be applied')
    await page.screenshot({ path: `${shots}cmdb-import-dry-run.png`, fullPage: true })
    const untouched = await api('GET', '/api/v1/cmdb/cis')
    t.same(untouched.body.items, [], 'the dry run created nothing')

    await result.getByRole('button', { name: 'Choose the corrected file' }).click()
    await page.getByLabel('CSV file').setInputFiles({ name: 'estate-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(goodFile) })
    await page.getByLabel('Note for the history (optional)').fill('Initial inventory')
    await page.getByRole('button', { name: 'Check file' }).click()
    await result.waitFor()
    t.equal(await stat('errors'), '0', 'the corrected file is clean')
    t.equal(await stat('created'), '4', 'and would create four items')
    t.same((await api('GET', '/api/v1/cmdb/cis')).body.items, [], 'still nothing created before applying')
    await result.getByRole('button', { name: 'Import 4 change(s)' }).click()
    const done = page.getByRole('region', { name: 'Imported' })
    await done.getByText('Created 4, updated 0, unchanged 0.').waitFor()
    await page.screenshot({ path: `${shots}cmdb-import-done.png`, fullPage: true })
    const created = (await api('GET', '/api/v1/cmdb/cis')).body.items as Array<{ id: string, name: string }>
    t.same(created.map(c => c.name).sort(), ['rt-edge-01', 'srv-app-01', 'srv-db-01', 'vm-web-01'], 'applied: every row, through the API')
    serverId = created.find(c => c.name === 'srv-app-01')?.id ?? ''

    await done.getByRole('link', { name: 'View configuration items' }).click()
    for (const name of ['srv-app-01', 'srv-db-01', 'rt-edge-01', 'vm-web-01']) await page.getByRole('row').filter({ hasText: name }).waitFor()
    t.pass('the list shows the imported items')

    // A saved view: the filters, named, picked again later.
    await page.getByLabel('Type', { exact: true }).selectOption('server')
    await page.getByRole('row').filter({ hasText: 'vm-web-01' }).waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Save view' }).click()
    await page.getByRole('dialog', { name: 'Save view' }).getByLabel(/Name of the view/).fill('Servers')
    await page.getByRole('dialog', { name: 'Save view' }).getByRole('button', { name: 'Save' }).click()
    await page.getByText('View “Servers” saved.').waitFor()
    await page.getByLabel('Type', { exact: true }).selectOption('')
    await page.getByRole('row').filter({ hasText: 'vm-web-01' }).waitFor()
    await page.getByLabel('Saved view').selectOption({ label: 'Servers' })
    await page.getByRole('row').filter({ hasText: 'vm-web-01' }).waitFor({ state: 'detached' })
    t.match(page.url(), /\?type=server$/, 'picking the saved view applies its filters')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    const exported = readFileSync(await download.path(), 'utf8')
    t.match(exported, /^"id","type","name","status"/, 'the export is the CSV of the list')
    t.ok(exported.includes('srv-db-01') && !exported.includes('vm-web-01'), 'with the filters on screen')
    await page.screenshot({ path: `${shots}cmdb-list.png`, fullPage: true })
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('a CI page shows where each value came from; a lock persists', async t => {
    t.ok(serverId, 'needs the imported server')
    // An appliance reports the server: discovery fills a field and is named as its source.
    const token = await api('POST', '/api/v1/devices/enrollment-tokens', {})
    const device = await k.request('POST', '/api/v1/devices/register', {
      headers: { 'x-enrollment-token': token.body.token },
      body: { hostname: 'edge-cmdb-01', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() }
    })
    t.equal(device.status, 201)
    deviceKey = device.body.deviceKey

    const { page, context, errors } = await signedIn(admin.user.email, admin.password)
    await page.getByRole('link', { name: 'srv-app-01' }).click()
    await page.getByRole('heading', { name: 'srv-app-01', level: 1 }).waitFor()
    const row = (field: string) => page.locator(`tr[data-field="${field}"]`)
    t.equal(await row('os').locator('[data-source]').textContent().then(s => s?.split(' · ')[0]), 'CSV import', 'an imported value says so')

    const sent = await k.request('POST', '/v1/ingest', {
      headers: { 'content-type': 'application/json', 'x-device-key': device.body.deviceKey },
      body: JSON.stringify({ kind: 'discovery', events: [{ id: randomUUID(), source: 'lansweep', ciType: 'server', serial: 'SN-1001', fields: { osVersion: '22.04 LTS', memoryGb: 64 } }] })
    })
    t.equal(sent.status, 202, JSON.stringify(sent.body))
    // The page follows the change live (cis.changed on the channel), without a reload.
    await row('osVersion').getByText('22.04 LTS').waitFor({ timeout: 15_000 })
    t.match(await row('osVersion').locator('[data-source]').textContent(), /^Discovery: lansweep · /, 'a discovered value names its source')
    t.equal(await row('name').locator('[data-source]').getAttribute('data-source'), 'import', 'values discovery did not send keep their source')

    const lock = page.getByRole('switch', { name: 'Lock Operating system' })
    t.equal(await lock.getAttribute('aria-checked'), 'false')
    await lock.click()
    await page.getByRole('switch', { name: 'Lock Operating system', checked: true }).waitFor()
    const locked = await api('GET', `/api/v1/cmdb/cis/${serverId}`)
    t.same(locked.body.locked, ['os'], 'the lock is stored')
    await page.reload()
    await page.getByRole('heading', { name: 'srv-app-01', level: 1 }).waitFor()
    t.equal(await page.getByRole('switch', { name: 'Lock Operating system' }).getAttribute('aria-checked'), 'true', 'and still on after a reload')
    await page.screenshot({ path: `${shots}cmdb-ci.png`, fullPage: true })

    // Server-side field errors land next to their field.
    await page.getByRole('button', { name: 'Edit' }).click()
    await page.getByLabel('IP address').fill('not-an-ip')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.locator('[aria-invalid="true"][name="ipAddress"]').waitFor()
    t.ok(await page.getByText(/must match/).isVisible(), 'the server\'s message is shown at the field')
    await page.getByLabel('IP address').fill('10.0.0.5')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await row('ipAddress').getByText('10.0.0.5').waitFor()
    t.equal(await row('ipAddress').locator('[data-source]').getAttribute('data-source'), 'user', 'a value a person set says so')

    // Relations, the graph and the impact.
    await page.getByRole('link', { name: 'Relations' }).click()
    await page.getByText('No relations yet.').waitFor()
    await page.getByLabel('Direction').selectOption({ index: 1 })
    await page.getByLabel('Relation', { exact: true }).selectOption('runs_on')
    await page.getByLabel(/^Other item/).selectOption({ label: 'vm-web-01 · Virtual machine' })
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    await page.getByRole('group', { name: 'Relations of srv-app-01' }).getByRole('link', { name: /vm-web-01/ }).waitFor()
    t.pass('the relation shows in the graph')
    await page.getByRole('link', { name: 'Impact' }).click()
    await page.getByText('Affected if it fails: 1').waitFor()
    await page.getByRole('table', { name: 'Affected items' }).getByRole('row').filter({ hasText: 'vm-web-01' }).waitFor()
    t.pass('the VM on it is affected')
    await page.screenshot({ path: `${shots}cmdb-impact.png`, fullPage: true })
    await page.getByRole('link', { name: 'History' }).click()
    await page.getByText('Initial inventory').waitFor()
    t.ok(await page.getByText('Relation added:').isVisible(), 'the history lists the relation and the import')

    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('link', { name: 'Historia' }).waitFor()
    await page.getByRole('link', { name: 'Pola' }).click()
    await page.getByRole('switch', { name: 'Zablokuj pole System operacyjny' }).waitFor()
    t.pass('the module speaks Polish')
    await page.screenshot({ path: `${shots}cmdb-ci-pl.png`, fullPage: true })
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('an ambiguous discovery waits in the review queue until someone merges it', async t => {
    t.ok(deviceKey, 'needs the appliance of the previous test')
    // The host name of one item with the serial of none: a different machine, or a new board?
    const sent = await k.request('POST', '/v1/ingest', {
      headers: { 'content-type': 'application/json', 'x-device-key': deviceKey },
      body: JSON.stringify({ kind: 'discovery', events: [{ id: randomUUID(), source: 'snmp', ciType: 'server', hostname: 'srv-db-01', serial: 'SN-9999', fields: { memoryGb: 128 } }] })
    })
    t.equal(sent.status, 202)
    const { page, context, errors } = await signedIn(admin.user.email, admin.password)
    await page.getByRole('navigation', { name: 'CMDB sections' }).getByRole('link', { name: 'Review queue' }).click()
    const item = page.getByRole('listitem').filter({ hasText: 'Matched by host name, but the serial number differs' })
    await item.waitFor({ timeout: 15_000 })
    t.ok(await item.getByText('SN-9999').isVisible(), 'what the appliance reported is shown')
    t.equal(await item.getByRole('radio', { name: /srv-db-01/ }).isChecked(), true, 'the only candidate is preselected')
    await page.screenshot({ path: `${shots}cmdb-review.png`, fullPage: true })
    await item.getByRole('button', { name: 'Merge into the selected item' }).click()
    await page.getByText('Nothing to review').waitFor()
    const db = (await api('GET', '/api/v1/cmdb/cis?q=srv-db-01')).body.items[0]
    t.match(db, { serial: 'SN-9999', memoryGb: 128 }, 'merged: the event was applied to the chosen item')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('screens fit their cards, a service shows no hardware fields, every screen passes axe in en and pl', async t => {
    t.ok(serverId, 'needs the imported server')
    const ci = async (type: string, name: string, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/api/v1/cmdb/cis', { type, name, ...extra })
      t.equal(res.status, 201, `${type} ${name} created`)
      return res.body.id as string
    }
    const vm = ((await api('GET', '/api/v1/cmdb/cis?q=vm-web-01')).body.items[0] as { id: string }).id
    const app = await ci('application', 'app-payments')
    const service = await ci('service', 'svc-payments', { url: 'https://pay.example.com', owner: 'Finance' })
    for (const [sourceId, targetId] of [[app, vm], [service, app]]) t.equal((await api('POST', '/api/v1/cmdb/relations', { sourceId, targetId, type: sourceId === app ? 'runs_on' : 'depends_on' })).status, 201)

    const { page, context, errors, cspViolations } = await signedIn(admin.user.email, admin.password)
    await page.getByRole('row').filter({ hasText: 'srv-app-01' }).waitFor()
    await expectAccessible(t, page, 'CI list, en')

    // Four columns of impact: the server, the VM on it, the application on the VM, the service.
    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/ci/${serverId}/impact`)
    await page.getByText('Affected if it fails: 3').waitFor()
    const card = page.locator('section.mz-card').filter({ has: page.getByRole('group', { name: /srv-app-01/ }) })
    const inside = async (what: string, inner: import('playwright-core').Locator, outer: import('playwright-core').Locator) => {
      const a = await inner.boundingBox()
      const b = await outer.boundingBox()
      t.ok(a && b && a.x >= b.x && a.x + a.width <= b.x + b.width + 0.5, `${what} (${JSON.stringify(a)} in ${JSON.stringify(b)})`)
    }
    for (const width of [1360, 1024, 800]) {
      await page.setViewportSize({ width, height: 900 })
      await inside(`${width} px: the impact graph stays inside its card`, page.getByRole('group', { name: /srv-app-01/ }), card.locator('.cmdb-graph-wrap'))
      await page.screenshot({ path: `${shots}cmdb-impact-${width}.png`, fullPage: true })
    }
    // A phone cannot show four columns readably: the graph scrolls inside its card instead.
    await page.setViewportSize({ width: 390, height: 900 })
    await inside('390 px: the graph\'s scroll box stays inside its card', card.locator('.cmdb-graph-wrap'), card)
    const scroll = await card.locator('.cmdb-graph-wrap').evaluate(node => { const el = node as unknown as Box; return { scroll: el.scrollWidth, client: el.clientWidth, graph: el.querySelector('svg')?.getBoundingClientRect().width ?? 0 } })
    t.ok(scroll.scroll >= scroll.graph && scroll.scroll > scroll.client, `390 px: all of the graph can be scrolled to (${JSON.stringify(scroll)})`)
    await page.setViewportSize({ width: 1360, height: 900 })
    await expectAccessible(t, page, 'impact, en')

    await page.getByRole('link', { name: 'Fields' }).click()
    await page.locator('tr[data-field="os"]').waitFor()
    await expectAccessible(t, page, 'CI fields, en')

    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/ci/${service}`)
    await page.getByRole('heading', { name: 'svc-payments', level: 1 }).waitFor()
    for (const field of ['serial', 'hardwareUuid', 'macs']) t.equal(await page.locator(`tr[data-field="${field}"]`).count(), 0, `a service has no ${field} row`)
    t.equal(await page.locator('tr[data-field="url"]').count(), 1, 'but its own fields')
    await page.getByRole('button', { name: 'Edit' }).click()
    await page.getByLabel('Owner').waitFor()
    for (const label of ['Serial number', 'Hardware UUID', 'MAC addresses']) t.equal(await page.getByLabel(label).count(), 0, `and no ${label} to fill in`)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/ci/${serverId}`)
    await page.locator('tr[data-field="serial"]').waitFor()
    t.pass('a server still has them')

    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/types`)
    await page.locator('.cmdb-type-list').getByRole('link', { name: /^Server/ }).click()
    const rules = page.locator('tr').filter({ has: page.locator('code', { hasText: /^ipAddress$/ }) }).locator('.cmdb-rules')
    await rules.waitFor()
    t.match(await rules.textContent(), /\[0-9\]\{1,3\}/, 'the rule shows the pattern')
    const cut = await rules.evaluate(node => { const el = node as unknown as Box; return { scroll: el.scrollWidth, client: el.clientWidth } })
    t.ok(cut.scroll <= cut.client, `the pattern is not cut off (${cut.scroll} px of text in ${cut.client} px)`)
    await inside('the rules column stays inside the page\'s card', rules, page.locator('section.mz-card').filter({ has: rules }))
    await page.screenshot({ path: `${shots}cmdb-types.png`, fullPage: true })
    await expectAccessible(t, page, 'types, en')

    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('navigation', { name: 'Sekcje CMDB' }).waitFor()
    await expectAccessible(t, page, 'types, pl')
    await page.getByRole('navigation', { name: 'Sekcje CMDB' }).getByRole('link').first().click()
    await page.getByRole('row').filter({ hasText: 'srv-app-01' }).waitFor()
    await expectAccessible(t, page, 'CI list, pl')
    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/ci/${serverId}/impact`)
    await page.getByRole('group', { name: /srv-app-01/ }).waitFor()
    await expectAccessible(t, page, 'impact, pl')
    await page.goto(`${page.url().split('/m/cmdb')[0]}/m/cmdb/review`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    await expectAccessible(t, page, 'review queue, pl')
    t.same(cspViolations, [], 'no Content Security Policy violation')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  await t.test('a member reads but changes nothing', async t => {
    const { page, context, errors } = await signedIn(member.user.email, member.password)
    await page.getByRole('row').filter({ hasText: 'srv-app-01' }).waitFor()
    t.equal(await page.getByRole('navigation', { name: 'CMDB sections' }).getByRole('link', { name: 'Import' }).count(), 0, 'no import')
    t.equal(await page.getByRole('link', { name: 'New CI' }).count(), 0, 'no new CI')
    await page.getByRole('link', { name: 'srv-app-01' }).click()
    await page.getByRole('heading', { name: 'srv-app-01', level: 1 }).waitFor()
    t.equal(await page.getByRole('switch').count(), 0, 'no lock switches')
    t.ok(await page.locator('tr[data-field="os"]').getByText('Locked').isVisible(), 'but the lock is shown')
    t.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'no edit')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })
})
