import t from 'tap'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'

const plugin = fileURLToPath(new URL('..', import.meta.url))
let k: TestKernel

t.before(async () => { k = await startTestKernel({ plugins: [plugin] }) })
t.teardown(() => k?.close())

t.test('the summary shows the caller\'s tenant only', async t => {
  const acme = await k.createTenant({ name: 'Acme Overview' })
  const globex = await k.createTenant({ name: 'Globex Overview' })
  const admin = await k.signIn(acme, ['tenant-admin'])
  await k.createUser(acme)
  for (let i = 0; i < 3; i++) await k.createUser(globex)
  const res = await k.request('GET', '/api/v1/overview/summary', { token: admin.token })
  t.equal(res.status, 200)
  t.match(res.body, { tenant: { name: 'Acme Overview' }, users: 2, jobs: { pending: 0, running: 0, dead: 0 } })
  t.ok(res.body.recentActivity.some((a: { action: string }) => a.action === 'auth.login'), 'the sign-in is recent activity')
  const member = await k.signIn(acme, ['member'])
  t.equal((await k.request('GET', '/api/v1/overview/summary', { token: member.token })).status, 200, 'members may read it')
  const features = await k.request('GET', '/api/v1/me/features', { token: member.token })
  t.match(features.body.features, [{ id: 'overview', ui: { remote: 'overview', remoteEntry: '/ui/overview/remoteEntry.js', exposes: './Module' }, nav: [{ path: '/overview' }] }])
})

t.test('open pages receive summaries live', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['member'])
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const ws = new WebSocket(`${url}/api/ws/overview.activity`, ['bearer', token])
  const got = new Promise<Record<string, any>>(resolve => ws.on('message', raw => resolve(JSON.parse(raw.toString()))))
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
  await k.kernel.services.jobs.forPlugin('overview').enqueue('publish-summary', null, { tenantId: tenant.id })
  const message = await got
  t.match(message, { type: 'event', channel: 'overview.activity', event: 'summary', data: { users: 1 } })
  ws.close()
})
