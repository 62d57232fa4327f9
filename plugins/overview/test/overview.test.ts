import t from 'tap'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'

const plugin = fileURLToPath(new URL('..', import.meta.url))
// fx-namer: a plugin whose subject names fail (test/fixtures), to show they fail alone.
const brokenNamer = fileURLToPath(new URL('./fixtures/fx-namer', import.meta.url))
let k: TestKernel

const warnings: string[] = []
t.before(async () => { k = await startTestKernel({ plugins: [plugin, brokenNamer], log: { level: 'warn', stream: { write: line => warnings.push(line) } } }) })
t.teardown(() => k?.close())

async function listen (): Promise<string> {
  const address = k.app.server.address()
  if (address && typeof address === 'object') return `ws://127.0.0.1:${address.port}`
  return (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
}

/** The next `summary` event on the tenant's overview channel, seen through `token`'s socket. */
async function pushedSummary (token: string, tenantId: string): Promise<Record<string, any>> {
  const ws = new WebSocket(`${await listen()}/api/ws/overview.activity`, ['bearer', token])
  try {
    const got = new Promise<Record<string, any>>(resolve => ws.on('message', raw => {
      const message = JSON.parse(raw.toString())
      if (message.event === 'summary') resolve(message)
    }))
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
    await k.runJob('overview', 'publish-summary', null, { tenantId })
    return await got
  } finally { ws.close() }
}

t.test('the summary counts the caller\'s tenant only', async t => {
  const acme = await k.createTenant({ name: 'Acme Overview' })
  const globex = await k.createTenant({ name: 'Globex Overview' })
  const admin = await k.signIn(acme, ['tenant-admin'])
  await k.createUser(acme)
  for (let i = 0; i < 3; i++) await k.createUser(globex)
  const res = await k.request('GET', '/api/v1/overview/summary', { token: admin.token })
  t.equal(res.status, 200)
  t.match(res.body, { tenant: { name: 'Acme Overview' }, users: 2, jobs: { pending: 0, running: 0, dead: 0 } })
  const member = await k.signIn(acme, ['member'])
  t.equal((await k.request('GET', '/api/v1/overview/summary', { token: member.token })).status, 200, 'members may read it')
  const features = await k.request('GET', '/api/v1/me/features', { token: member.token })
  t.match(features.body.features.find((f: { id: string }) => f.id === 'overview'), { ui: { remote: 'overview', remoteEntry: '/ui/overview/remoteEntry.js', exposes: './Module', widgets: null }, nav: [{ path: '/overview' }] })
})

t.test('a member, who may not read the audit log, gets no activity from the summary or its channel', async t => {
  const tenant = await k.createTenant()
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const member = await k.signIn(tenant, ['member'])
  t.equal((await k.request('GET', '/api/v1/audit', { token: member.token })).status, 403, 'the audit log itself is closed to members')
  t.ok((await k.request('GET', '/api/v1/audit', { token: admin.token })).body.items.length > 0, 'there is activity to leak')

  const res = await k.request('GET', '/api/v1/overview/summary', { token: member.token })
  t.equal(res.status, 200)
  t.notOk('recentActivity' in res.body, 'no activity in the member\'s summary')
  t.notMatch(JSON.stringify(res.body), admin.user.id, 'no actor id anywhere in it')
  t.notMatch(JSON.stringify(res.body), 'auth.login', 'no audit action anywhere in it')

  const pushed = await pushedSummary(member.token, tenant.id)
  t.match(pushed.data, { users: 2 }, 'the member\'s socket gets the counts')
  t.notOk('recentActivity' in pushed.data, 'and no activity')
})

t.test('activity names actors and subjects from the caller\'s tenant, never another tenant\'s', async t => {
  const acme = await k.createTenant({ name: 'Acme Names' })
  const globex = await k.createTenant({ name: 'Globex Names' })
  const { user: anna, password } = await k.createUser(acme, { name: 'Anna Nowak', roles: ['tenant-admin'] })
  const { user: stranger } = await k.createUser(globex, { name: 'Grzegorz Globex' })
  const token = await k.login(anna.email, password, acme.slug)
  const { user: jan } = await k.createUser(acme, { name: 'Jan Kowalski' })
  const deviceId = '7d1c2a9e-0b7e-4b4f-9a51-3f9c3c1f0a11'
  const audit = k.audit
  await audit.record({ tenantId: acme.id, actor: `user:${anna.id}`, action: 'user.updated', target: `user:${jan.id}`, details: { roles: ['member'] } })
  await audit.record({ tenantId: acme.id, actor: `device:${deviceId}`, action: 'devices.device.enroll', target: deviceId, details: { hostname: 'edge-03', hardwareId: 'hw-3' } })
  await audit.record({ tenantId: acme.id, actor: anna.id, action: 'devices.device.revoke', target: deviceId })
  await audit.record({ tenantId: acme.id, actor: anna.id, action: 'devices.key.rotate', target: deviceId, details: { name: 'edge-03' } })
  // An id from another tenant written into this tenant's log (a forged or stale entry) stays unnamed.
  await audit.record({ tenantId: acme.id, actor: stranger.id, action: 'devices.command.create', target: `user:${stranger.id}` })
  await audit.record({ tenantId: globex.id, actor: `user:${stranger.id}`, action: 'auth.login', target: stranger.email })

  const res = await k.request('GET', '/api/v1/overview/summary', { token })
  t.equal(res.status, 200)
  const activity = res.body.recentActivity as Array<Record<string, any>>
  // Entries written in one millisecond have no order between them: find each by its action.
  const entry = (action: string) => activity.find(a => a.action === action)
  t.match(entry('devices.command.create'), { action: 'devices.command.create', actor: { kind: 'user', id: stranger.id, name: null }, subject: { kind: 'user', id: stranger.id, name: null } })
  t.match(entry('devices.device.enroll'), { action: 'devices.device.enroll', actor: { kind: 'device', id: deviceId, name: 'edge-03' } })
  t.match(entry('devices.device.revoke'), { actor: { kind: 'user', id: anna.id, name: 'Anna Nowak' }, subject: { kind: 'unknown', id: deviceId, name: null } }, 'a bare target id that is no user stays unknown')
  t.match(entry('devices.key.rotate'), { subject: { kind: 'unknown', id: deviceId, name: 'edge-03' } }, 'a name the entry recorded names its subject')
  t.match(entry('user.updated'), { action: 'user.updated', actor: { kind: 'user', id: anna.id, name: 'Anna Nowak' }, subject: { kind: 'user', id: jan.id, name: 'Jan Kowalski' } })
  t.ok(activity.some(a => a.action === 'auth.login' && a.actor.name === 'Anna Nowak' && a.subject === null), 'Anna\'s sign-in names her, not the email she typed')
  t.notMatch(JSON.stringify(res.body), 'Grzegorz', 'another tenant\'s user name never appears')
  t.notMatch(JSON.stringify(res.body), 'Globex', 'nor its tenant or entries')
})

t.test('a plugin whose names fail leaves the recorded names, and the rest of the activity stands', async t => {
  const tenant = await k.createTenant()
  const { user: anna, password } = await k.createUser(tenant, { name: 'Anna Nowak', roles: ['tenant-admin'] })
  const token = await k.login(anna.email, password, tenant.slug)
  const target = '0b9d7a52-5d8e-4a4e-9f0e-7d3f5c1b2a90'
  await k.audit.record({ tenantId: tenant.id, actor: `user:${anna.id}`, action: 'fx-namer.thing.created', target, details: { name: 'thing-1' } })
  const res = await k.request('GET', '/api/v1/overview/summary', { token })
  t.equal(res.status, 200)
  const activity = res.body.recentActivity as Array<Record<string, any>>
  t.match(activity.find(a => a.action === 'fx-namer.thing.created'), { actor: { name: 'Anna Nowak' }, subject: { id: target, name: 'thing-1' } })
  t.ok(activity.some(a => a.action === 'auth.login' && a.actor.name === 'Anna Nowak'), 'the other entries are still named')
  t.ok(warnings.some(w => /naming audit subjects failed/.test(w) && /"plugin":"fx-namer"/.test(w)), 'the failure is logged with the plugin')
})
