import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import type { NotificationInput, Notify } from '../src/notifications/types.ts'
import { alertsFixture } from './helpers/paths.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'

type Signed = { token: string, user: { id: string } }

let k: TestKernel
let notify: Notify
let acme: Tenant
let globex: Tenant
let admin: Signed
let alice: Signed
let bob: Signed
let stranger: Signed

const text = (en: string, pl = `${en} (pl)`) => ({ en, pl })
const input = (to: NotificationInput['to'], over: Partial<NotificationInput> = {}): NotificationInput =>
  ({ tenantId: acme.id, type: 'fx-alerts.threshold', to, title: text('Disk almost full', 'Dysk prawie pełny'), body: text('C: at 95%', 'C: w 95%'), ...over })
const rowsFor = (userId: string) => k.owner('notifications').where({ user_id: userId }).orderBy('created_at')
const get = (url: string, who: Signed) => k.request('GET', url, { token: who.token })
const post = (url: string, who: Signed, body?: unknown) => k.request('POST', url, { token: who.token, ...(body !== undefined ? { body } : {}) })

t.before(async () => {
  k = await startTestKernel({ plugins: [alertsFixture], config: { adminPanelEnabled: true, notificationRetentionDays: 30 } })
  notify = k.pluginContext('fx-alerts').notify
  acme = await k.createTenant({ slug: 'notify-acme' })
  globex = await k.createTenant({ slug: 'notify-globex' })
  admin = await k.signIn(acme, ['tenant-admin'])
  alice = await k.signIn(acme, ['member'])
  bob = await k.signIn(acme, ['member'])
  stranger = await k.signIn(globex, ['tenant-admin'])
})
t.teardown(() => k?.close())

t.test('recipients: users, role and permission holders, once each, active users of the tenant only', async t => {
  const gone = await k.signIn(acme, ['member'])
  t.equal((await k.request('PATCH', `/api/v1/users/${gone.user.id}`, { token: admin.token, body: { disabled: true } })).status, 200)

  const everyone = await notify(input({ users: [alice.user.id, gone.user.id, stranger.user.id], roles: ['tenant-admin'], permissions: ['fx-alerts.read'] }, { type: 'fx-alerts.quiet' }))
  t.equal(everyone.recipients, 3, 'admin, alice and bob; not the disabled user, not another tenant\'s user')
  for (const who of [admin, alice, bob]) t.equal((await rowsFor(who.user.id)).length, 1, 'one row each, though named several ways')
  t.equal((await rowsFor(gone.user.id)).length, 0, 'a disabled user gets nothing')
  t.equal((await rowsFor(stranger.user.id)).length, 0, 'a user id of another tenant gets nothing')

  const managers = await notify(input({ permissions: ['fx-alerts.manage'] }, { type: 'fx-alerts.quiet' }))
  t.equal(managers.recipients, 1, 'only tenant-admins hold fx-alerts.manage')
  const auditors = await notify(input({ permissions: ['audit.read'] }, { type: 'fx-alerts.quiet' }))
  t.equal(auditors.recipients, 1, 'a kernel permission: members do not hold audit.read')
  const byRole = await notify(input({ roles: ['member'] }, { type: 'fx-alerts.quiet' }))
  t.equal(byRole.recipients, 2, 'active members only')
  t.equal((await rowsFor(admin.user.id)).length, 3)
  t.equal((await rowsFor(alice.user.id)).length, 2)

  const [row] = await rowsFor(alice.user.id)
  t.match(row, { tenant_id: acme.id, type: 'fx-alerts.quiet', severity: 'info', in_app: true, read_at: null, email_state: 'none', emailed_at: null, link: null })
  t.same(row.title, { en: 'Disk almost full', pl: 'Dysk prawie pełny' })
})

t.test('preferences decide the channels; digest users get email_state digest', async t => {
  const calls: Array<{ ids: string[], tenantId: string, visible: number }> = []
  k.kernel.services.notifications.setEmailQueue(async (trx, ids, { tenantId }) => {
    // In the same transaction: the rows are there to enqueue work against.
    calls.push({ ids, tenantId, visible: (await trx('notifications').whereIn('id', ids)).length })
  })
  t.teardown(() => k.kernel.services.notifications.setEmailQueue(undefined))
  const carol = await k.signIn(acme, ['member'])
  const dave = await k.signIn(acme, ['member'])
  const erin = await k.signIn(acme, ['member'])
  const put = (who: Signed, body: unknown) => k.request('PUT', '/api/v1/notifications/preferences', { token: who.token, body })
  t.equal((await put(carol, { types: [{ type: 'fx-alerts.threshold', inApp: false, email: true }] })).status, 200)
  t.equal((await put(dave, { types: [{ type: 'fx-alerts.threshold', inApp: false, email: false }] })).status, 200)
  t.equal((await put(erin, { digest: true })).status, 200)

  const sent = await notify(input({ users: [alice.user.id, carol.user.id, dave.user.id, erin.user.id] }))
  t.equal(sent.recipients, 3, 'alice and erin in the app and by email, carol only by email, dave not at all')
  const state = async (who: Signed) => (await rowsFor(who.user.id)).filter(r => r.type === 'fx-alerts.threshold')
  const [a] = await state(alice)
  t.match(a, { in_app: true, read_at: null, email_state: 'queued' }, 'no preference: the type\'s defaults, in-app and email')
  const [c] = await state(carol)
  t.match(c, { in_app: false, email_state: 'queued' }, 'email only: a row for the email side, kept out of the app')
  t.ok(c.read_at, 'stored read, so it never counts as unread')
  t.same(await state(dave), [], 'both channels off: nothing stored')
  const [e] = await state(erin)
  t.match(e, { in_app: true, email_state: 'digest' }, 'a digest user\'s email waits for the digest')
  t.equal(calls.length, 1, 'the email hook runs once per notify')
  t.same([...calls[0]!.ids].sort(), [a.id, c.id].sort(), 'with the queued ids, not the digest one')
  t.match(calls[0], { tenantId: acme.id, visible: 2 }, 'inside the transaction that stored them')

  const quiet = await notify(input({ users: [alice.user.id] }, { type: 'fx-alerts.quiet' }))
  t.equal(quiet.recipients, 1)
  t.equal(calls.length, 1, 'a type whose defaults are in-app only queues no email and skips the hook')

  t.equal((await get('/api/v1/notifications', carol)).body.items.length, 0, 'carol\'s email-only notification is not listed')
  t.equal((await get('/api/v1/notifications/unread-count', carol)).body.count, 0)
})

t.test('refused input: undeclared types, unsafe links, incomplete text, unknown recipients', async t => {
  const to = { users: [alice.user.id] }
  const cases: Array<[string, NotificationInput, RegExp]> = [
    ['undeclared type', input(to, { type: 'fx-alerts.nope' }), /cannot send "fx-alerts\.nope": declare it in plugin\.json notifications/],
    ['another plugin\'s type', input(to, { type: 'devices.offline' }), /cannot send "devices\.offline"/],
    ['absolute URL', input(to, { link: 'https://evil.example/x' }), /link must be a path/],
    ['javascript:', input(to, { link: 'javascript:alert(1)' }), /link must be a path/],
    ['protocol-relative', input(to, { link: '//evil.example/x' }), /link must be a path/],
    ['backslash', input(to, { link: '/\\evil.example' }), /link must be a path/],
    ['tab', input(to, { link: '/\t/evil.example' }), /link must be a path/],
    ['too long link', input(to, { link: `/${'a'.repeat(1000)}` }), /link is longer than 1000/],
    ['missing Polish', input(to, { title: { en: 'only English' } as never }), /title\.pl must be a non-empty string/],
    ['blank body', input(to, { body: text(' ') }), /body\.en must be a non-empty string/],
    ['extra language', input(to, { title: { en: 'a', pl: 'b', de: 'c' } as never }), /title has unknown language\(s\) de/],
    ['long title', input(to, { title: text('x'.repeat(201)) }), /title\.en is longer than 200/],
    ['bad severity', input(to, { severity: 'fatal' as never }), /severity must be one of info, warning, critical/],
    ['nobody', input({}), /to names nobody/],
    ['unknown role', input({ roles: ['owner'] }), /to\.roles holds "owner"/],
    ['unknown permission', input({ permissions: ['fx-alerts.nuke'] }), /to\.permissions holds "fx-alerts\.nuke"/],
    ['not a user id', input({ users: ['1 or 1=1'] }), /to\.users holds "1 or 1=1"/],
    ['unknown field in to', input({ users: [alice.user.id], groups: ['x'] } as never), /to has unknown field\(s\) groups/],
    ['tenant not a uuid', input(to, { tenantId: 'acme' }), /tenantId must be the tenant's uuid/]
  ]
  const before = (await k.owner('notifications').count({ n: '*' }).first())?.n
  for (const [what, bad, message] of cases) await t.rejects(notify(bad), { name: 'TypeError', message }, what)
  t.equal((await k.owner('notifications').count({ n: '*' }).first())?.n, before, 'nothing stored')
  t.equal((await notify(input(to, { link: '/devices/42?tab=metrics#cpu' }))).recipients, 1, 'a path with a query and a fragment is fine')
})

t.test('inside the caller\'s transaction: a rollback leaves nothing behind', async t => {
  const marker = 'rolled back'
  await t.rejects(k.db.withTenant(acme.id, async trx => {
    const sent = await notify(input({ users: [bob.user.id] }, { title: text(marker) }), trx)
    t.equal(sent.recipients, 1)
    t.equal((await trx('notifications').where({ user_id: bob.user.id }).whereRaw("title->>'en' = ?", [marker])).length, 1, 'visible inside the transaction')
    throw new Error('the change failed')
  }), /the change failed/)
  t.equal((await k.owner('notifications').whereRaw("title->>'en' = ?", [marker])).length, 0, 'gone with the rollback')

  const failed = await post('/api/v1/fx-alerts/raise', admin, { permission: 'fx-alerts.manage', fail: true })
  t.equal(failed.status, 409, 'a plugin route that fails after notifying')
  t.equal((await k.owner('notifications').where({ type: 'fx-alerts.threshold', severity: 'warning' })).length, 0, 'its notification rolled back with it')
  const raised = await post('/api/v1/fx-alerts/raise', admin, { permission: 'fx-alerts.manage', link: '/alerts/1' })
  t.same(raised.body, { recipients: 1 })
  t.match(await k.owner('notifications').where({ type: 'fx-alerts.threshold', severity: 'warning' }).first(), { user_id: admin.user.id, link: '/alerts/1' })
  t.equal((await post('/api/v1/fx-alerts/raise', admin, { permission: 'fx-alerts.manage', link: 'https://evil.example' })).status, 500, 'a bad link is a programming error, not input to echo')

  const otherTenant = k.db.withTenant(globex.id, trx => notify(input({ roles: ['tenant-admin'] }), trx))
  await t.rejects(otherTenant, 'a transaction of another tenant cannot take acme\'s rows (row-level security)')
})

t.test('the in-app list, unread count, read and read-all', async t => {
  const frank = await k.signIn(acme, ['member'])
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    await notify(input({ users: [frank.user.id] }, { title: text(`n${i}`), type: 'fx-alerts.quiet', severity: i === 4 ? 'critical' : 'info' }))
    ids.push((await rowsFor(frank.user.id)).at(-1)!.id)
  }
  const first = await get('/api/v1/notifications?limit=2', frank)
  t.equal(first.status, 200)
  t.same(first.body.items.map((i: { title: string }) => i.title), ['n4', 'n3'], 'newest first')
  t.match(first.body.items[0], { type: 'fx-alerts.quiet', severity: 'critical', body: 'C: at 95%', localized: { title: { en: 'n4', pl: 'n4 (pl)' } }, link: null, readAt: null })
  const seen = [...first.body.items]
  let cursor = first.body.nextCursor
  while (cursor) {
    const next = await get(`/api/v1/notifications?limit=2&cursor=${cursor}`, frank)
    seen.push(...next.body.items)
    cursor = next.body.nextCursor
  }
  t.same(seen.map(i => i.title), ['n4', 'n3', 'n2', 'n1', 'n0'], 'pages cover all five once, in order, though all five may share a millisecond')
  t.equal((await get('/api/v1/notifications?cursor=bm9wZQ', frank)).body.code, 'validation_failed', 'a forged cursor is a 400')
  t.equal((await get('/api/v1/notifications/unread-count', frank)).body.count, 5)

  const read = await post(`/api/v1/notifications/${ids[1]}/read`, frank)
  t.equal(read.status, 200)
  t.equal(read.body.id, ids[1])
  t.ok(read.body.readAt)
  const again = await post(`/api/v1/notifications/${ids[1]}/read`, frank)
  t.equal(again.body.readAt, read.body.readAt, 'reading again keeps the first time')
  t.equal((await get('/api/v1/notifications/unread-count', frank)).body.count, 4)
  const unread = await get('/api/v1/notifications?unread=true', frank)
  t.same(unread.body.items.map((i: { title: string }) => i.title), ['n4', 'n3', 'n2', 'n0'])

  t.same((await post('/api/v1/notifications/read-all', frank)).body, { updated: 4 })
  t.equal((await get('/api/v1/notifications/unread-count', frank)).body.count, 0)
  t.same((await get('/api/v1/notifications?unread=true', frank)).body, { items: [], nextCursor: null })
  t.same((await post('/api/v1/notifications/read-all', frank)).body, { updated: 0 })

  t.equal((await k.request('PATCH', '/api/v1/me', { token: frank.token, body: { language: 'pl' } })).status, 200)
  t.equal((await get('/api/v1/me', frank)).body.user.language, 'pl')
  const polish = await get('/api/v1/notifications?limit=1', frank)
  t.match(polish.body.items[0], { title: 'n4 (pl)', body: 'C: w 95%' }, 'title and body in the user\'s language')
  t.equal((await k.request('PATCH', '/api/v1/me', { token: frank.token, body: { language: 'de' } })).body.code, 'validation_failed')
  t.equal((await k.request('PATCH', '/api/v1/me', { token: frank.token, body: { language: 'en', name: 'x' } })).body.code, 'validation_failed', 'unknown fields are refused')
})

t.test('isolation: nobody reaches another user\'s notifications', async t => {
  await notify(input({ users: [alice.user.id] }, { title: text('for alice only') }))
  const mine = (await get('/api/v1/notifications?limit=1', alice)).body.items[0]
  t.equal(mine.title, 'for alice only')

  t.notOk((await get('/api/v1/notifications?limit=200', bob)).body.items.some((i: { id: string }) => i.id === mine.id), 'a colleague does not list it')
  const bobReads = await post(`/api/v1/notifications/${mine.id}/read`, bob)
  t.equal(bobReads.status, 404, 'a colleague marking it read: 404, as if it did not exist')
  t.equal(bobReads.body.code, 'not_found')
  t.equal((await post(`/api/v1/notifications/${mine.id}/read`, admin)).status, 404, 'a tenant admin is no exception')
  await post('/api/v1/notifications/read-all', bob)
  t.equal((await k.owner('notifications').where({ id: mine.id }).first()).read_at, null, 'a colleague\'s read-all leaves it unread')

  const theirs = await get('/api/v1/notifications?limit=200', stranger)
  t.same(theirs.body.items, [], 'another tenant\'s admin sees nothing')
  t.equal((await get('/api/v1/notifications/unread-count', stranger)).body.count, 0)
  t.equal((await post(`/api/v1/notifications/${mine.id}/read`, stranger)).status, 404)
  t.equal((await k.owner('notifications').where({ id: mine.id }).first()).read_at, null)

  const op = await k.signInOperator()
  t.equal((await k.request('GET', '/api/v1/notifications', { token: op.token })).status, 403, 'operators have no notifications')
  t.equal((await k.request('PATCH', '/api/v1/me', { token: op.token, body: { language: 'pl' } })).status, 403, 'nor a language to set')
  t.equal((await k.request('GET', '/api/v1/notifications')).status, 401)
  t.equal((await post('/api/v1/notifications/not-a-uuid/read', alice)).body.code, 'validation_failed')
})

t.test('preferences: every declared type with effective values; unknown types refused', async t => {
  const grace = await k.signIn(acme, ['member'])
  const initial = await get('/api/v1/notifications/preferences', grace)
  t.equal(initial.status, 200)
  t.same(initial.body, {
    digest: false,
    types: [
      { type: 'fx-alerts.threshold', label: { en: 'Threshold crossed', pl: 'Przekroczony próg' }, plugin: 'fx-alerts', inApp: true, email: true },
      { type: 'fx-alerts.quiet', label: { en: 'Quiet notice', pl: 'Cicha informacja' }, plugin: 'fx-alerts', inApp: true, email: false }
    ]
  }, 'the types\' default channels until the user chooses')
  const put = (body: unknown) => k.request('PUT', '/api/v1/notifications/preferences', { token: grace.token, body })
  const changed = await put({ digest: true, types: [{ type: 'fx-alerts.quiet', inApp: false, email: true }] })
  t.equal(changed.status, 200)
  t.match(changed.body, { digest: true, types: [{ type: 'fx-alerts.threshold', inApp: true, email: true }, { type: 'fx-alerts.quiet', inApp: false, email: true }] })
  t.same((await put({ types: [{ type: 'fx-alerts.quiet', inApp: true, email: true }] })).body.digest, true, 'digest omitted keeps it')
  t.same((await get('/api/v1/notifications/preferences', grace)).body.types[1], { type: 'fx-alerts.quiet', label: { en: 'Quiet notice', pl: 'Cicha informacja' }, plugin: 'fx-alerts', inApp: true, email: true })

  const unknown = await put({ types: [{ type: 'fx-alerts.quiet', inApp: true, email: true }, { type: 'devices.offline', inApp: true, email: false }] })
  t.equal(unknown.status, 400)
  t.equal(unknown.body.code, 'validation_failed')
  t.match(unknown.body.errors, [{ pointer: '/types/1/type' }])
  t.equal((await put({ types: [{ type: 'fx-alerts.quiet', inApp: true }] })).status, 400, 'both channels are required')
  t.equal((await put({ types: [{ type: 'fx-alerts.quiet', inApp: true, email: true, sms: true }] })).status, 400, 'unknown fields are refused')
  t.equal((await put({})).status, 400, 'an empty change is refused')
  const racing = await Promise.all([true, false, true, false].map(email => put({ digest: email, types: [{ type: 'fx-alerts.threshold', inApp: true, email }] })))
  t.ok(racing.every(r => r.status === 200 || (r.status === 409 && r.body.code === 'conflict')), 'saves racing from several tabs: each saved or told to retry, never a 500')
  t.equal((await k.owner('notification_preferences').where({ user_id: grace.user.id, type: 'fx-alerts.threshold' })).length, 1, 'one row per type')
  t.equal((await get('/api/v1/notifications/preferences', stranger)).body.types.length, 2, 'the fixture runs for every tenant')
  t.equal((await k.owner('notification_preferences').where({ user_id: stranger.user.id })).length, 0, 'another user\'s choices are their own')
})

t.test('retention deletes what was read long ago, and nothing unread or still to be emailed', async t => {
  const henry = await k.signIn(acme, ['member'])
  const titles = ['old read', 'old read, email queued', 'old read, digest pending', 'old unread', 'recently read']
  for (const title of titles) await notify(input({ users: [henry.user.id] }, { title: text(title), type: 'fx-alerts.quiet' }))
  const byTitle = (title: string) => k.owner('notifications').where({ user_id: henry.user.id }).whereRaw("title->>'en' = ?", [title])
  const longAgo = new Date(Date.now() - 31 * 86400_000)
  await byTitle('old read').update({ read_at: longAgo, created_at: longAgo })
  await byTitle('old read, email queued').update({ read_at: longAgo, email_state: 'queued' })
  await byTitle('old read, digest pending').update({ read_at: longAgo, email_state: 'digest' })
  await byTitle('old unread').update({ created_at: longAgo })
  await byTitle('recently read').update({ read_at: new Date(Date.now() - 29 * 86400_000) })
  const outcome = await k.runJob('kernel', 'notifications.retention')
  t.equal(outcome.state, 'succeeded')
  const left = (await k.owner('notifications').where({ user_id: henry.user.id })).map(r => r.title.en).sort()
  t.same(left, titles.filter(x => x !== 'old read').sort(), 'only the notification read 31 days ago is gone')
})

t.test('manifest rules: own types only, no kernel channel ids', async t => {
  const [foreign] = tempPlugins([{ id: 'fx-foreign', manifest: { notifications: [{ type: 'devices.offline', label: text('x') }] } }])
  await t.rejects(startTestKernel({ plugins: [foreign!] }), { code: 'manifest_invalid', message: /must start with "fx-foreign\."/ })
  const [squatter] = tempPlugins([{ id: 'fx-squat', manifest: { channels: [{ id: 'notifications', permission: 'fx-squat.read' }] } }])
  await t.rejects(startTestKernel({ plugins: [squatter!] }), { code: 'manifest_invalid', message: /"notifications" is the kernel's channel/ })
})
