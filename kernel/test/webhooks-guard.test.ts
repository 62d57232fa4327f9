import t from 'tap'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { AUTO_DISABLE_AFTER } from '../src/webhooks/worker.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'
import { webhookReceiver } from './helpers/webhook-receiver.ts'

// The production default: OUTBOUND_ALLOW_PRIVATE off.
const [fxguard] = tempPlugins([{
  id: 'fxguard',
  source: `import { definePlugin } from '@monozu/kernel'
export default definePlugin({
  start (ctx, app) {
    app.post('/api/v1/fxguard/alarm', { config: { permission: 'fxguard.read' } }, async request =>
      request.withTenant(trx => ctx.events.publish(trx, 'fxguard.alarm', request.body)))
  }
})
`,
  manifest: { events: { publishes: [{ type: 'fxguard.alarm', description: 'An alarm', schema: { type: 'object' } }] } }
}])

let k: TestKernel
let rx: Awaited<ReturnType<typeof webhookReceiver>>
let acme: Tenant
let admin: string

t.before(async () => {
  k = await startTestKernel({ plugins: [fxguard as string] })
  rx = await webhookReceiver()
  acme = await k.createTenant({ slug: 'whg-acme' })
  admin = (await k.signIn(acme, ['tenant-admin'])).token
})
t.teardown(async () => { await k?.close(); await rx?.close() })

async function publish (payload: Record<string, unknown>): Promise<string> {
  const res = await k.request('POST', '/api/v1/fxguard/alarm', { token: admin, body: payload })
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

const finished = (webhookId: string, eventId: string) => waitFor(`the delivery of ${eventId} to finish`, async () => {
  const items = (await k.request('GET', `/api/v1/webhooks/${webhookId}/deliveries`, { token: admin })).body.items as any[]
  return items.find(d => d.eventId === eventId && d.status !== 'pending')
})

t.test('plain http is refused at registration unless private addresses are allowed', async t => {
  const res = await k.request('POST', '/api/v1/webhooks', { token: admin, body: { url: rx.url('/plain'), eventTypes: ['*'] } })
  t.equal(res.status, 400)
  t.equal(res.body.code, 'validation_failed')
  t.match(res.body.detail, /must be an https URL/)
  t.match(res.body.errors, [{ in: 'body', pointer: '/url' }])
})

t.test('a webhook to loopback is refused after resolution: logged, not retried, nothing reaches it', async t => {
  for (const host of [`127.0.0.1:${rx.port}`, `localhost:${rx.port}`, '169.254.169.254', '[::1]']) {
    const created = await k.request('POST', '/api/v1/webhooks', { token: admin, body: { url: `https://${host}/hook`, eventTypes: ['fxguard.alarm'] } })
    t.equal(created.status, 201, `https://${host} can be registered (addresses are checked when sending)`)
    const eventId = await publish({ host })
    const d = await finished(created.body.id, eventId)
    t.match(d, { status: 'failed', attempts: 1, responseCode: null, nextAttemptAt: null }, `${host}: failed at the first attempt, no retry`)
    t.match(d.error, /^refused: the URL resolves to a loopback, private, link-local or metadata address/)
    await k.request('DELETE', `/api/v1/webhooks/${created.body.id}`, { token: admin })
  }
  t.equal(rx.connections(), 0, 'no connection reached the local receiver')
  t.same(rx.hits, [])
})

t.test(`an endpoint that fails ${AUTO_DISABLE_AFTER} deliveries in a row is switched off`, async t => {
  const created = await k.request('POST', '/api/v1/webhooks', { token: admin, body: { url: `https://127.0.0.1:${rx.port}/dead`, eventTypes: ['*'] } })
  const id = created.body.id as string
  await k.owner('tenant_webhooks').where({ id }).update({ consecutive_failures: AUTO_DISABLE_AFTER - 1 })
  const eventId = await publish({ n: 1 })
  await finished(id, eventId)
  const endpoint = await waitFor('the switch-off', async () => {
    const e = (await k.request('GET', `/api/v1/webhooks/${id}`, { token: admin })).body
    return e.enabled ? undefined : e
  })
  t.match(endpoint, { enabled: false, consecutiveFailures: AUTO_DISABLE_AFTER, disabledReason: `switched off after ${AUTO_DISABLE_AFTER} deliveries in a row failed` })
  const audit = await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.disabled', target: `webhook:${id}` }).first()
  t.equal(audit?.actor, 'system:webhooks', 'audited as the system')
  await publish({ n: 2 })
  t.equal((await k.request('GET', `/api/v1/webhooks/${id}/deliveries`, { token: admin })).body.items.length, 1, 'a switched-off endpoint gets no new deliveries')

  const on = await k.request('PATCH', `/api/v1/webhooks/${id}`, { token: admin, body: { enabled: true } })
  t.match(on.body, { enabled: true, disabledReason: null, consecutiveFailures: 0 }, 'switched on by hand, the count starts over')
})
