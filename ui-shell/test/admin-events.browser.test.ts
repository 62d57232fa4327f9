import t from 'tap'
import { waitFor } from '@monozu/kernel/testing'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The console's dead events page end to end: a fixture subscriber whose handler refuses events
// marked `fail`, so the kernel's dispatcher dead-letters them, and an operator who retries one
// and discards another through the page. What happened is read back from the kernel's tables.
const publisher = repoPath('kernel/test/fixtures/plugins/fx-events-pub')
const subscriber = repoPath('kernel/test/fixtures/plugins/fx-events-sub')

t.test('dead events in the operator console, in a real browser', { skip: browserSkip('admin') }, async t => {
  const { k, signIn, close } = await startBrowserKernel([publisher, subscriber], { adminPanelEnabled: true })
  t.teardown(close)

  const acme = await k.createTenant({ slug: 'dead-acme', name: 'Acme Dead Letters' })
  await k.grantLicense(acme, ['events-sub'])
  const admin = await k.createUser(acme, { roles: ['tenant-admin'] })
  const adminToken = await k.login(admin.user.email, admin.password)
  const operator = { email: 'ops@dead.example', password: 'operator-password-1' }
  await k.createOperator({ email: operator.email, name: 'Olga Operator', password: operator.password })
  const published = await k.request('POST', '/api/v1/fx-events-pub/publish', { token: adminToken, body: { items: [{ n: 1, subject: 'poison', note: 'fail' }, { n: 2, subject: 'venom', note: 'fail' }] } })
  t.equal(published.status, 200, 'two events that the record handler refuses')
  const dead = () => k.owner('event_deliveries').where({ state: 'dead', handler: 'record' }).orderBy('seq').select('seq', 'attempts', 'last_error')
  await waitFor('both deliveries to be dead-lettered', async () => {
    await k.deliverEvents({ retries: true })
    return (await dead()).length === 2
  })
  const [first, second] = (await dead()).map(r => String(r.seq)) as [string, string]

  const { page, context, errors, cspViolations } = await signIn(operator.email, operator.password)
  t.teardown(() => context.close())
  await page.getByTestId('module-admin').waitFor()
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Dead events' }).click()
  await page.getByRole('heading', { name: 'Dead events', level: 1 }).waitFor()
  const rows = page.getByRole('row').filter({ hasText: 'fx-events-pub.thing_changed' })
  await rows.nth(1).waitFor()
  t.equal(await rows.count(), 2, 'both dead deliveries are listed')
  const row = rows.filter({ hasText: 'refuses event 1' })
  t.ok(await row.getByText('fx-events-sub/record').isVisible(), 'the handling plugin and handler')
  t.ok(await row.getByText('Acme Dead Letters').isVisible(), 'the tenant by name')
  t.ok(await row.getByRole('cell', { name: '3 of 3' }).isVisible(), 'the attempts')
  t.ok(await row.getByText('record refuses event 1 (attempt 3)').isVisible(), 'and the last error')
  await expectAccessible(t, page, 'dead events (en)')
  await page.screenshot({ path: `${shots}admin-dead-events.png`, fullPage: true })

  await page.getByLabel('Event type').fill('nothing.here')
  await page.getByLabel('Event type').press('Enter')
  await page.getByText('No dead event matches these filters.').waitFor()
  t.match(page.url(), /\/m\/admin\/events\?type=nothing\.here$/, 'the filter is in the URL')
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await rows.nth(1).waitFor()
  t.pass('clearing the filter brings the list back')

  // Discard asks first; Cancel keeps the event.
  await row.getByRole('button', { name: /^Discard fx-events-pub.thing_changed/ }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Discard this event?' })
  await confirm.waitFor()
  await expectAccessible(t, page, 'discard confirmation (en)')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await confirm.waitFor({ state: 'detached' })
  t.ok(await k.owner('event_deliveries').where({ seq: first }).first(), 'cancel keeps the delivery')

  await row.getByRole('button', { name: /^Discard fx-events-pub.thing_changed/ }).click()
  await confirm.getByRole('button', { name: 'Discard' }).click()
  await page.getByText('fx-events-pub.thing_changed for fx-events-sub/record is discarded.').waitFor()
  t.equal(await rows.count(), 1, 'the discarded event leaves the list')
  t.notOk(await k.owner('event_deliveries').where({ seq: first }).first(), 'and the kernel dropped the delivery')

  await rows.first().getByRole('button', { name: /^Retry fx-events-pub.thing_changed/ }).click()
  await page.getByText('fx-events-pub.thing_changed will be delivered to fx-events-sub/record again.').waitFor()
  t.equal(await rows.count(), 0, 'the retried event leaves the list')
  const audit = await k.owner('audit_log').whereIn('action', ['events.dead_retried', 'events.dead_discarded']).orderBy('at').select('action', 'target', 'actor')
  t.match(audit, [{ action: 'events.dead_discarded', target: `event-delivery:${first}` }, { action: 'events.dead_retried', target: `event-delivery:${second}` }], 'both actions are in the audit log, by the operator')
  t.ok(audit.every(a => String(a.actor).startsWith('operator:')), 'as the operator')

  await page.getByRole('combobox', { name: 'Language' }).selectOption('pl')
  await page.getByRole('heading', { name: 'Nieobsłużone zdarzenia', level: 1 }).waitFor()
  await expectAccessible(t, page, 'dead events (pl)')
  t.same(errors, [], 'no uncaught errors')
  t.same(cspViolations, [], 'nothing blocked by the CSP')
})
