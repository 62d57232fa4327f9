import t from 'tap'
import { waitFor } from '@monozu/kernel/testing'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The bell end to end: a fixture plugin sends notifications through its real ctx.notify, the kernel
// stores them and publishes them on the user's `notifications` channel, and the shell shows them.
const notifier = repoPath('ui-shell/test/fixtures/fx-notify')

t.test('notifications in the shell, in a real browser', { skip: browserSkip() }, async t => {
  const { k, signIn, close } = await startBrowserKernel([notifier])
  t.teardown(close)

  const tenant = await k.createTenant({ slug: 'bell-acme', name: 'Bell Acme' })
  const anna = await k.createUser(tenant, { roles: ['member'], email: 'anna@bell.example', password: 'anna-password-1', name: 'Anna Nowak' })
  const piotr = await k.createUser(tenant, { roles: ['member'], email: 'piotr@bell.example', password: 'piotr-password-1' })
  const annaToken = await k.login(anna.user.email, anna.password)
  const notify = (to: string, n: number, link: string | null = null) => k.pluginContext('fx-notify').notify({
    tenantId: tenant.id,
    type: 'fx-notify.backup_missed',
    to: { users: [to] },
    title: { en: `Backup ${n} missed its RPO`, pl: `Kopia ${n} po terminie RPO` },
    body: { en: `Job ${n} has not finished for 26 hours.`, pl: `Zadanie ${n} nie zakończyło się od 26 godzin.` },
    severity: 'warning',
    ...(link ? { link } : {})
  })
  const unreadOnServer = async () => (await k.request('GET', '/api/v1/notifications/unread-count', { token: annaToken })).body.count as number

  await t.test('a notification appears live in the bell; read, all read and its link update the count', async t => {
    const { page, context, errors } = await signIn(anna.user.email, anna.password)
    t.teardown(() => context.close())
    const bell = page.getByTestId('notifications-bell')
    await bell.waitFor()
    t.equal(await bell.getAttribute('aria-expanded'), 'false', 'the bell starts closed')
    t.equal(await page.getByTestId('notifications-count').count(), 0, 'no count while nothing is unread')
    // The panel's code is not part of the first screen: nothing of it was fetched yet.
    t.notOk((await page.evaluate(() => performance.getEntriesByType('resource').map(e => e.name))).some(n => /\/Panel-/.test(n)), 'the list loads only when the bell is opened')

    // Should this one beat the socket, the count route read when the socket opens still shows it;
    // the one sent while the panel is open (below) can only arrive over the channel.
    await notify(piotr.user.id, 0)
    await notify(anna.user.id, 1)
    await page.getByTestId('notifications-count').filter({ hasText: '1' }).waitFor()
    t.pass('the new notification shows in the count without a reload')
    await page.getByRole('button', { name: 'Notifications: 1 unread' }).waitFor()
    t.pass('the bell names the count for screen readers; Piotr\'s notification did not reach Anna')

    // Keyboard: focus the bell, Enter opens the panel with the list.
    await bell.focus()
    await page.keyboard.press('Enter')
    const panel = page.getByTestId('notifications-panel')
    await panel.getByTestId('notification').filter({ hasText: 'Backup 1 missed its RPO' }).waitFor()
    t.equal(await bell.getAttribute('aria-expanded'), 'true', 'the bell says it is open')
    t.ok(await panel.getByText('Job 1 has not finished for 26 hours.').isVisible(), 'the body is shown')
    t.equal(await panel.getByTestId('notification').count(), 1, 'only Anna\'s own notification is listed')

    await notify(anna.user.id, 2, '/settings/notifications')
    await panel.getByTestId('notification').first().filter({ hasText: 'Backup 2 missed its RPO' }).waitFor()
    await page.getByTestId('notifications-count').filter({ hasText: '2' }).waitFor()
    t.pass('a notification arriving while the panel is open goes on top of the list and into the count')
    await expectAccessible(t, page, 'bell panel (en)')
    await page.screenshot({ path: `${shots}shell-notifications.png` })

    await panel.getByRole('button', { name: 'Mark read: Backup 1 missed its RPO' }).click()
    await page.getByTestId('notifications-count').filter({ hasText: '1' }).waitFor()
    t.equal(await unreadOnServer(), 1, 'mark read reached the server')
    t.equal(await panel.getByRole('button', { name: 'Mark read: Backup 1 missed its RPO' }).count(), 0, 'a read notification offers no "mark read"')

    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    t.equal(await page.evaluate('document.activeElement?.getAttribute("data-testid")'), 'notifications-bell', 'Esc closes the panel and focus returns to the bell')

    await bell.click()
    await panel.getByRole('link', { name: 'Backup 2 missed its RPO' }).click()
    await page.waitForURL(/\/settings\/notifications$/)
    await page.getByTestId('notifications-count').waitFor({ state: 'detached' })
    t.equal(await unreadOnServer(), 0, 'following a notification\'s link marks it read')
    t.equal(await panel.count(), 0, 'and closes the panel')

    await notify(anna.user.id, 3)
    await notify(anna.user.id, 4)
    await page.getByTestId('notifications-count').filter({ hasText: '2' }).waitFor()
    await bell.click()
    await panel.getByRole('button', { name: 'Mark all read' }).click()
    await page.getByTestId('notifications-count').waitFor({ state: 'detached' })
    t.equal(await unreadOnServer(), 0, 'mark all read reached the server')
    t.ok(await panel.getByRole('button', { name: 'Mark all read' }).isDisabled(), 'nothing left to mark')

    // Read elsewhere (another tab, the API): this bell follows the channel's notification.read.
    await notify(anna.user.id, 5)
    await page.getByTestId('notifications-count').filter({ hasText: '1' }).waitFor()
    await k.request('POST', '/api/v1/notifications/read-all', { token: annaToken })
    await page.getByTestId('notifications-count').waitFor({ state: 'detached' })
    t.pass('a read-all from elsewhere clears the count live')
    t.same(errors, [], 'no uncaught errors')
  })

  await t.test('preferences save and survive a reload; the language switch is saved for the server', async t => {
    const { page, context, errors } = await signIn(anna.user.email, anna.password)
    t.teardown(() => context.close())
    await page.getByTestId('notifications-bell').waitFor()
    await page.goto(page.url().replace(/\/[^/]*$/, '/settings/notifications'))
    await page.getByRole('heading', { name: 'Notification settings', level: 1 }).waitFor()
    const email = page.getByRole('checkbox', { name: 'Email: Backup missed its RPO' })
    await email.waitFor()
    t.ok(await email.isChecked(), 'a type with no choice yet has its default channels: email on')
    t.notOk(await page.getByRole('checkbox', { name: 'Email: Device offline' }).isChecked(), 'the type declared in-app only starts without email')
    await expectAccessible(t, page, 'notification settings (en)')

    await email.uncheck()
    await page.getByRole('checkbox', { name: 'In the app: Device offline' }).uncheck()
    await page.getByRole('checkbox', { name: 'Send email once a day as a digest' }).check()
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Notification settings saved').waitFor()
    const saved = (await k.request('GET', '/api/v1/notifications/preferences', { token: annaToken })).body
    t.equal(saved.digest, true, 'the digest choice is on the server')
    t.same(saved.types.map((p: { type: string, inApp: boolean, email: boolean }) => [p.type, p.inApp, p.email]).sort(), [['fx-notify.backup_missed', true, false], ['fx-notify.device_offline', false, false]], 'and every type\'s channels')

    await page.reload()
    await page.getByRole('checkbox', { name: 'Email: Backup missed its RPO' }).waitFor()
    t.notOk(await page.getByRole('checkbox', { name: 'Email: Backup missed its RPO' }).isChecked(), 'after a reload: email stays off')
    t.notOk(await page.getByRole('checkbox', { name: 'In the app: Device offline' }).isChecked(), 'in-app stays off')
    t.ok(await page.getByRole('checkbox', { name: 'Send email once a day as a digest' }).isChecked(), 'the digest stays on')

    await page.getByRole('combobox', { name: 'Language' }).selectOption('pl')
    await page.getByRole('heading', { name: 'Ustawienia powiadomień', level: 1 }).waitFor()
    await waitFor('the language to be saved', async () => (await k.request('GET', '/api/v1/me', { token: annaToken })).body.user.language === 'pl')
    t.pass('switching to Polish saves the language for notifications and emails')
    await notify(anna.user.id, 6)
    await page.getByRole('button', { name: 'Powiadomienia: nieprzeczytane 1' }).click()
    await page.getByTestId('notifications-panel').getByTestId('notification').filter({ hasText: 'Kopia 6 po terminie RPO' }).waitFor()
    t.pass('the list is in Polish')
    await expectAccessible(t, page, 'bell panel (pl)')
    await page.keyboard.press('Escape')
    await expectAccessible(t, page, 'notification settings (pl)')
    await page.screenshot({ path: `${shots}shell-notification-settings-pl.png`, fullPage: true })
    t.same(errors, [], 'no uncaught errors')
  })
})
