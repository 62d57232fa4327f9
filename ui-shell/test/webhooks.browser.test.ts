import t from 'tap'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The tenant admin's webhooks page end to end against the kernel's /api/v1/webhooks: the event
// types come from a fixture plugin that publishes one; the secret is shown once and never again.
const publisher = repoPath('kernel/test/fixtures/plugins/fx-events-pub')

t.test('webhooks in the shell, in a real browser', { skip: browserSkip() }, async t => {
  const { k, signIn, close } = await startBrowserKernel([publisher])
  t.teardown(close)
  const tenant = await k.createTenant({ slug: 'hooks-acme', name: 'Hooks Acme' })
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@hooks.example', password: 'admin-password-1' })
  const member = await k.createUser(tenant, { roles: ['member'], email: 'member@hooks.example', password: 'member-password-1' })
  const adminToken = await k.login(admin.user.email, admin.password)

  await t.test('an admin adds an endpoint, sees its secret once, and removes it', async t => {
    const { page, context, errors } = await signIn(admin.user.email, admin.password)
    t.teardown(() => context.close())
    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Webhooks' }).click()
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor()
    await page.getByText('No webhook endpoints yet.').waitFor()
    const type = page.getByRole('checkbox', { name: 'fx-events-pub.thing_changed' })
    await type.waitFor()
    t.pass('the event types are those the tenant\'s modules publish')
    await expectAccessible(t, page, 'webhooks (en)')

    await page.getByLabel('URL').fill('http://hooks.example.com/monozu')
    await type.check()
    await page.getByRole('button', { name: 'Create endpoint' }).click()
    await page.getByText('unsupported scheme').waitFor()
    t.pass('the server\'s reason is shown at the URL field (https only here)')

    await page.getByLabel('URL').fill('https://hooks.example.com/monozu')
    await page.getByLabel('Description').fill('Ticketing bridge')
    await page.getByRole('button', { name: 'Create endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'The signing secret of https://hooks.example.com/monozu' })
    await dialog.waitFor()
    const secret = await dialog.getByTestId('webhook-secret').inputValue()
    t.match(secret, /^whsec_[A-Za-z0-9+/=]{20,}$/, 'the signing secret is shown')
    await expectAccessible(t, page, 'secret dialog (en)')
    await page.screenshot({ path: `${shots}shell-webhook-secret.png` })
    await dialog.getByRole('button', { name: 'I have copied it' }).click()
    await dialog.waitFor({ state: 'detached' })
    const row = page.getByRole('row').filter({ hasText: 'https://hooks.example.com/monozu' })
    await row.waitFor()
    t.ok(await row.getByText('Ticketing bridge').isVisible(), 'the endpoint is listed')

    const listed = await k.request('GET', '/api/v1/webhooks', { token: adminToken })
    t.equal(listed.body.items.length, 1, 'it is on the server')
    t.notOk(JSON.stringify(listed.body).includes(secret), 'the API never returns the secret again')
    await page.reload()
    await row.waitFor()
    t.notOk((await page.content()).includes(secret), 'after a reload the secret is nowhere on the page')

    await row.getByRole('button', { name: 'Remove https://hooks.example.com/monozu' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Remove this endpoint?' })
    await confirm.getByRole('button', { name: 'Remove' }).click()
    await page.getByText('No webhook endpoints yet.').waitFor()
    t.equal((await k.request('GET', '/api/v1/webhooks', { token: adminToken })).body.items.length, 0, 'removed on the server')

    await page.getByRole('combobox', { name: 'Language' }).selectOption('pl')
    await page.getByRole('heading', { name: 'Webhooki', level: 1 }).waitFor()
    await expectAccessible(t, page, 'webhooks (pl)')
    t.same(errors, [], 'no uncaught errors')
  })

  await t.test('a member has no webhooks link and the page says why', async t => {
    const { page, context } = await signIn(member.user.email, member.password)
    t.teardown(() => context.close())
    await page.getByTestId('notifications-bell').waitFor()
    t.equal(await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Webhooks' }).count(), 0, 'no link')
    await page.goto(new URL('/settings/webhooks', page.url()).href)
    await page.getByText('Only the organization\'s administrators manage webhooks.').waitFor()
    t.equal((await k.request('GET', '/api/v1/webhooks', { token: await k.login(member.user.email, member.password) })).status, 403, 'and the API refuses a member')
  })
})
