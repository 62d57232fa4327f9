import t from 'tap'
import WebSocket from 'ws'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import type { NotificationInput, Notify } from '../src/notifications/types.ts'
import { alertsFixture } from './helpers/paths.ts'

const ORIGIN = 'https://app.monozu.test'
type Signed = { token: string, user: { id: string } }
interface Client { ws: WebSocket, messages: Array<Record<string, any>>, closed: Promise<number> }

let k: TestKernel
let base: string
let notify: Notify
let acme: Tenant
let globex: Tenant
let alice: Signed
let bob: Signed
let stranger: Signed

t.before(async () => {
  k = await startTestKernel({ plugins: [alertsFixture], config: { allowedOrigins: [ORIGIN], wsRecheckSeconds: 1 } })
  base = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  notify = k.pluginContext('fx-alerts').notify
  acme = await k.createTenant({ slug: 'live-acme' })
  globex = await k.createTenant({ slug: 'live-globex' })
  alice = await k.signIn(acme, ['member'])
  bob = await k.signIn(acme, ['tenant-admin'])
  stranger = await k.signIn(globex, ['tenant-admin'])
})
t.teardown(() => k?.close())
t.comment(`bus: ${process.env.REDIS_URL ? 'Redis' : 'in-process'}`)

function connect (token: string | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/api/ws/notifications`, token ? ['bearer', token] : [], { origin: ORIGIN })
    const messages: Client['messages'] = []
    const closed = new Promise<number>(r => ws.on('close', code => r(code)))
    ws.on('message', raw => messages.push(JSON.parse(raw.toString())))
    ws.on('open', () => resolve({ ws, messages, closed }))
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', c => { body += c })
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body || '{}') })))
    })
    ws.on('error', err => reject(err))
  })
}

const input = (tenant: Tenant, userId: string, title: string): NotificationInput =>
  ({ tenantId: tenant.id, type: 'fx-alerts.quiet', to: { users: [userId] }, title: { en: title, pl: `${title} (pl)` }, body: { en: 'body', pl: 'treść' } })
const titles = (c: Client) => c.messages.filter(m => m.event === 'notification.created').map(m => m.data.title)

/**
 * A marker sent to `who` after the event under test: the bus keeps order, so once the marker
 * has arrived anything meant for this socket would have arrived before it. No sleeping.
 */
async function markerReaches (tenant: Tenant, who: Signed, client: Client, marker: string): Promise<void> {
  await notify(input(tenant, who.user.id, marker))
  await waitFor(`${marker} on the socket`, async () => titles(client).includes(marker))
}

t.test('a notification reaches its recipient\'s sockets and no one else\'s', async t => {
  const aliceTab1 = await connect(alice.token)
  const aliceTab2 = await connect(alice.token)
  const colleague = await connect(bob.token)
  const otherTenant = await connect(stranger.token)
  t.teardown(() => { for (const c of [aliceTab1, aliceTab2, colleague, otherTenant]) c.ws.close() })

  t.equal((await notify({ ...input(acme, alice.user.id, 'for alice'), link: '/devices/1', severity: 'critical' })).recipients, 1)
  for (const tab of [aliceTab1, aliceTab2]) {
    const event = await waitFor('the notification on alice\'s socket', async () => tab.messages.find(m => m.event === 'notification.created'))
    t.match(event, { type: 'event', channel: 'notifications', event: 'notification.created', data: { title: 'for alice', body: 'body', severity: 'critical', link: '/devices/1', readAt: null, type: 'fx-alerts.quiet' } })
    t.equal(event.data.id, (await k.owner('notifications').where({ user_id: alice.user.id }).first()).id, 'the stored item')
    t.notOk('userId' in event, 'the addressee is not echoed to the client')
  }

  await markerReaches(acme, bob, colleague, 'bob marker')
  t.same(titles(colleague), ['bob marker'], 'a colleague of the same tenant never got alice\'s notification')
  await markerReaches(globex, stranger, otherTenant, 'globex marker')
  t.same(titles(otherTenant), ['globex marker'], 'another tenant never got it')
  t.same(titles(aliceTab1), ['for alice'], 'alice got only hers')

  const id = aliceTab1.messages[0]!.data.id
  t.equal((await k.request('POST', `/api/v1/notifications/${id}/read`, { token: alice.token })).status, 200)
  for (const tab of [aliceTab1, aliceTab2]) {
    const read = await waitFor('notification.read on alice\'s socket', async () => tab.messages.find(m => m.event === 'notification.read'))
    t.match(read.data, { ids: [id], all: false, unread: 0 })
  }
  await k.request('POST', '/api/v1/notifications/read-all', { token: bob.token })
  await markerReaches(acme, bob, colleague, 'bob marker 2')
  t.notOk(colleague.messages.some(m => m.event === 'notification.read' && m.data.ids.includes(id)), 'alice\'s read is not announced to bob')
  t.ok(colleague.messages.some(m => m.event === 'notification.read' && m.data.all === true), 'bob\'s own read-all is')
})

t.test('published after the caller\'s commit, never for a rollback', async t => {
  const tab = await connect(alice.token)
  t.teardown(() => tab.ws.close())
  await t.rejects(k.db.withTenant(acme.id, async trx => {
    await notify(input(acme, alice.user.id, 'rolled back'), trx)
    throw new Error('the change failed')
  }))
  await k.db.withTenant(acme.id, async trx => {
    await trx.transaction(async savepoint => { await notify(input(acme, alice.user.id, 'savepoint rolled back'), savepoint); await savepoint.rollback() })
    await notify(input(acme, alice.user.id, 'committed'), trx)
  })
  await waitFor('the committed notification', async () => titles(tab).includes('committed'))
  await markerReaches(acme, alice, tab, 'alice marker')
  t.same(titles(tab), ['committed', 'alice marker'], 'nothing of the rolled-back transaction or savepoint went out')
})

t.test('every signed-in tenant user may open the channel; others may not', async t => {
  const member = await k.signIn(acme, ['member'])
  const socket = await connect(member.token)
  t.equal(socket.ws.protocol, 'bearer')
  t.equal((await k.request('PATCH', `/api/v1/users/${member.user.id}`, { token: bob.token, body: { disabled: true } })).status, 200)
  t.equal(await socket.closed, 4003, 'a user disabled meanwhile loses the socket at the next re-check')
  const op = await k.signInOperator()
  for (const [what, token, status] of [['no token', undefined, 401], ['operator (no tenant)', op.token, 403]] as const) {
    const err = await connect(token).then(() => undefined, (e: { status?: number }) => e)
    t.equal(err?.status, status, what)
  }
})
