import t from 'tap'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { nextAttemptAt, RETRY_DELAYS_MS, MAX_ATTEMPTS } from '../src/webhooks/schedule.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'
import { verifies, webhookReceiver } from './helpers/webhook-receiver.ts'

// A module that publishes two event types, so endpoints have something to subscribe to.
const [fxhook] = tempPlugins([{
  id: 'fxhook',
  source: `import { definePlugin } from '@monozu/kernel'
export default definePlugin({
  start (ctx, app) {
    app.post('/api/v1/fxhook/publish', { config: { permission: 'fxhook.read' } }, async request => {
      const { type, payload, subject, fail } = request.body as { type: string, payload: unknown, subject?: string, fail?: boolean }
      return request.withTenant(async trx => {
        const event = await ctx.events.publish(trx, type, payload, subject ? { subject } : {})
        if (fail) throw new Error('the change failed after publishing')
        return event
      })
    })
  }
})
`,
  manifest: {
    events: {
      publishes: [
        { type: 'fxhook.thing_happened', description: 'A thing happened', schema: { type: 'object' } },
        { type: 'fxhook.other_thing', description: 'Another thing', schema: { type: 'object' } }
      ]
    }
  }
}])

let k: TestKernel
let rx: Awaited<ReturnType<typeof webhookReceiver>>
let acme: Tenant
let globex: Tenant
let acmeAdmin: string
let acmeMember: string
let globexAdmin: string

t.before(async () => {
  // The kernel's clock stands still until a test moves it: retries fall due when the test says.
  k = await startTestKernel({ plugins: [fxhook as string], config: { outboundAllowPrivate: true }, clock: 'manual' })
  rx = await webhookReceiver()
  acme = await k.createTenant({ slug: 'wh-acme' })
  globex = await k.createTenant({ slug: 'wh-globex' })
  acmeAdmin = (await k.signIn(acme, ['tenant-admin'])).token
  acmeMember = (await k.signIn(acme, ['member'])).token
  globexAdmin = (await k.signIn(globex, ['tenant-admin'])).token
})
t.teardown(async () => { await k?.close(); await rx?.close() })

/** Publishes a domain event the way a plugin does: ctx.events.publish in the tenant's transaction. */
async function publish (tenant: Tenant, type: string, payload: Record<string, unknown>, subject: string | null = null): Promise<string> {
  const token = tenant.id === acme.id ? acmeAdmin : globexAdmin
  const res = await k.request('POST', '/api/v1/fxhook/publish', { token, body: { type, payload, ...(subject ? { subject } : {}) } })
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

async function register (token: string, body: Record<string, unknown>) {
  const res = await k.request('POST', '/api/v1/webhooks', { token, body })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { id: string, secret: string, url: string }
}

const deliveries = async (token: string, webhookId: string) => (await k.request('GET', `/api/v1/webhooks/${webhookId}/deliveries`, { token })).body.items as any[]
const deliveryOf = (webhookId: string, eventId: string) => waitFor(`a delivery of ${eventId}`, async () => (await deliveries(acmeAdmin, webhookId)).find(d => d.eventId === eventId))
const settledDelivery = (webhookId: string, deliveryId: string, attempts: number) => waitFor(`delivery ${deliveryId} to have ${attempts} attempt(s)`, async () => {
  const d = (await k.request('GET', `/api/v1/webhooks/${webhookId}/deliveries/${deliveryId}`, { token: acmeAdmin })).body
  return d.attempts >= attempts ? d : undefined
})

t.test('the retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 6 h (±10%), never past 24 hours', async t => {
  const start = new Date('2026-01-01T00:00:00Z')
  t.equal(MAX_ATTEMPTS, 8)
  t.equal(nextAttemptAt(1, start, start, 0.5)!.getTime() - start.getTime(), 5000, 'after the first failure: 5 s')
  t.equal(nextAttemptAt(2, start, start, 0)!.getTime() - start.getTime(), 270_000, '5 min less 10% at the lowest jitter')
  t.equal(nextAttemptAt(2, start, start, 0.999999)!.getTime() - start.getTime(), 330_000 - 1, '5 min plus just under 10% at the highest')
  let now = start
  for (let done = 1; done < MAX_ATTEMPTS; done++) now = nextAttemptAt(done, start, now, 0.5)!
  t.ok(now.getTime() - start.getTime() <= 24 * 3600_000, 'the last attempt falls within 24 hours')
  t.equal(nextAttemptAt(MAX_ATTEMPTS, start, now, 0.5), null, 'no attempt after the eighth')
  const late = new Date(start.getTime() + 20 * 3600_000)
  t.equal(nextAttemptAt(7, start, late, 0.999)!.getTime(), start.getTime() + 24 * 3600_000, 'a retry that would pass 24 hours is pulled back to the deadline')
  t.equal(nextAttemptAt(3, start, new Date(start.getTime() + 24 * 3600_000), 0.5), null, 'after 24 hours nothing more')
  t.equal(RETRY_DELAYS_MS.length, 7)
})

t.test('registering shows the secret once; nothing shows it again', async t => {
  const res = await k.request('POST', '/api/v1/webhooks', { token: acmeAdmin, body: { url: rx.url('/once'), eventTypes: ['fxhook.thing_happened'], description: 'ops' } })
  t.equal(res.status, 201)
  t.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'whsec_ + base64 of 32 bytes')
  t.match(res.body, { url: rx.url('/once'), eventTypes: ['fxhook.thing_happened'], description: 'ops', enabled: true })
  const { id, secret } = res.body
  const one = await k.request('GET', `/api/v1/webhooks/${id}`, { token: acmeAdmin })
  const list = await k.request('GET', '/api/v1/webhooks', { token: acmeAdmin })
  for (const r of [one, list]) {
    t.equal(r.status, 200)
    t.notOk(r.raw.body.includes(secret.slice(6)), 'the secret is not in the answer')
    t.notOk(r.raw.body.includes('"secret"'), 'no secret field at all')
  }
  t.ok(list.body.items.some((w: { id: string }) => w.id === id))
  const row = await k.owner('tenant_webhooks').where({ id }).first()
  t.notOk(row.secret_sealed.includes(secret.slice(6)), 'stored sealed, not in clear')
  const audit = await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.created', target: `webhook:${id}` }).first()
  t.ok(audit, 'audited')
  t.notOk(String(audit.details).includes('/once'), 'the audit keeps the origin only (a URL path may hold a token)')
})

t.test('an event arrives signed the Standard Webhooks way and verifies with the secret', async t => {
  const hook = await register(acmeAdmin, { url: rx.url('/signed'), eventTypes: ['fxhook.thing_happened'] })
  const other = await register(acmeAdmin, { url: rx.url('/other-only'), eventTypes: ['fxhook.other_thing'] })
  const eventId = await publish(acme, 'fxhook.thing_happened', { state: 'offline', previous: 'online' }, 'device-1')
  const hit = await waitFor('the signed POST', async () => rx.at('/signed')[0])
  t.equal(hit.headers['content-type'], 'application/json')
  t.ok(verifies(hit, hook.secret), 'the signature verifies with the endpoint secret (independent HMAC)')
  t.notOk(verifies(hit, `whsec_${Buffer.alloc(32, 7).toString('base64')}`), 'and not with another secret')
  t.ok(Math.abs(Number(hit.headers['webhook-timestamp']) - Date.now() / 1000) < 300, 'the timestamp is current (within the 5-minute tolerance receivers apply)')
  const body = JSON.parse(hit.body)
  t.same(body.data, { state: 'offline', previous: 'online', tenantId: acme.id, subject: 'device-1', eventId })
  t.equal(body.type, 'fxhook.thing_happened')
  t.match(body.timestamp, /^\d{4}-\d{2}-\d{2}T/)
  const d = await waitFor('the delivery to succeed', async () => (await deliveries(acmeAdmin, hook.id)).find(x => x.eventId === eventId && x.status === 'succeeded'))
  t.equal(hit.headers['webhook-id'], d.id, 'webhook-id is the delivery id')
  t.match(d, { eventType: 'fxhook.thing_happened', attempts: 1, responseCode: 200, error: null, nextAttemptAt: null })
  t.type(d.durationMs, 'number')
  const detail = (await k.request('GET', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}`, { token: acmeAdmin })).body
  t.same(detail.payload, body, 'the detail shows the body that was sent')
  t.match(detail.attemptLog, [{ attempt: 1, responseCode: 200, response: 'thanks', error: null }])
  t.same(rx.at('/other-only'), [], 'an endpoint of another type received nothing')
  t.same(await deliveries(acmeAdmin, other.id), [], 'and has no delivery')
})

t.test('an event whose transaction rolls back queues no delivery', async t => {
  const hook = await register(acmeAdmin, { url: rx.url('/rollback'), eventTypes: ['fxhook.thing_happened'] })
  const res = await k.request('POST', '/api/v1/fxhook/publish', { token: acmeAdmin, body: { type: 'fxhook.thing_happened', payload: { n: 0 }, fail: true } })
  t.equal(res.status, 500)
  await publish(acme, 'fxhook.thing_happened', { n: 1 })
  await waitFor('the committed event', async () => rx.at('/rollback')[0])
  t.equal((await deliveries(acmeAdmin, hook.id)).length, 1, 'only the committed event has a delivery')
  t.same(rx.at('/rollback').map(h => JSON.parse(h.body).data.n), [1])
})

t.test('a failing endpoint is retried when its backoff has passed on the kernel clock, not before', async t => {
  rx.status.set('/flaky', 500)
  const hook = await register(acmeAdmin, { url: rx.url('/flaky'), eventTypes: ['*'] })
  const witness = await register(acmeAdmin, { url: rx.url('/witness'), eventTypes: ['fxhook.thing_happened'] })
  /** A ping queued now is claimed by a look that began after this call: any retry due by then goes in the same claim. */
  const oneLookLater = async () => {
    const before = rx.at('/witness').length
    await k.request('POST', `/api/v1/webhooks/${witness.id}/test`, { token: acmeAdmin })
    await waitFor('the witness ping', async () => rx.at('/witness').length > before)
  }
  const eventId = await publish(acme, 'fxhook.other_thing', { n: 1 })
  const first = await deliveryOf(hook.id, eventId)
  let d = await settledDelivery(hook.id, first.id, 1)
  t.match(d, { status: 'pending', attempts: 1, responseCode: 500, error: 'the endpoint answered 500' })
  const wait = new Date(d.nextAttemptAt).getTime() - new Date(d.lastAttemptAt).getTime()
  t.ok(wait >= 4500 && wait <= 5500, `the first retry waits about 5 s (${wait} ms)`)

  await k.clock.advance(wait - 1)
  await oneLookLater()
  t.equal(rx.at('/flaky').length, 1, 'a millisecond early: no retry yet')
  await k.clock.advance(1)
  d = await settledDelivery(hook.id, d.id, 2)
  t.match(d, { status: 'pending', attempts: 2, responseCode: 500 })
  const second = new Date(d.nextAttemptAt).getTime() - new Date(d.lastAttemptAt).getTime()
  t.ok(second >= 270_000 && second <= 330_000, `the second waits about 5 minutes (${second} ms)`)
  t.equal(d.attemptLog.length, 2)
  t.match(d.attemptLog, [{ attempt: 1, responseCode: 500, response: 'broken' }, { attempt: 2, responseCode: 500 }])

  rx.status.set('/flaky', 204)
  await k.clock.advance(second)
  d = await settledDelivery(hook.id, d.id, 3)
  t.match(d, { status: 'succeeded', attempts: 3, responseCode: 204, error: null, nextAttemptAt: null })
  const ids = new Set(rx.at('/flaky').map(h => h.headers['webhook-id']))
  t.same([...ids], [d.id], 'every attempt carried the same webhook-id')
  t.equal(rx.at('/flaky').length, 3)
})

t.test('after the last attempt a delivery fails; redelivery sends it again', async t => {
  rx.status.set('/down', 503)
  const hook = await register(acmeAdmin, { url: rx.url('/down'), eventTypes: ['fxhook.thing_happened'] })
  const eventId = await publish(acme, 'fxhook.thing_happened', { n: 2 })
  let d = await settledDelivery(hook.id, (await deliveryOf(hook.id, eventId)).id, 1)
  // The seven retries are spent: the next failure is the last.
  await k.owner('tenant_webhook_deliveries').where({ id: d.id }).update({ round_attempts: MAX_ATTEMPTS - 1, next_attempt_at: new Date(k.clock.now().getTime() - 1000) })
  d = await settledDelivery(hook.id, d.id, 2)
  t.match(d, { status: 'failed', responseCode: 503, nextAttemptAt: null })
  t.equal((await k.request('GET', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin })).body.consecutiveFailures, 1, 'the endpoint counts the failure')

  rx.status.set('/down', 200)
  const redo = await k.request('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { token: acmeAdmin })
  t.equal(redo.status, 202)
  t.match(redo.body, { id: d.id, status: 'pending' })
  d = await settledDelivery(hook.id, d.id, 3)
  t.match(d, { status: 'succeeded', attempts: 3, responseCode: 200 })
  const hits = rx.at('/down')
  t.equal(hits.length, 3)
  t.equal(hits[2]!.headers['webhook-id'], d.id, 'redelivery keeps the webhook-id, so receivers can deduplicate')
  t.ok(verifies(hits[2]!, hook.secret))
  t.equal((await k.request('GET', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin })).body.consecutiveFailures, 0, 'a success resets the count')
  t.ok(await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.redelivered', target: `webhook:${hook.id}` }).first(), 'audited')
})

t.test('a test ping, the event-type list and secret rotation', async t => {
  const types = await k.request('GET', '/api/v1/webhooks/event-types', { token: acmeAdmin })
  t.equal(types.status, 200)
  t.same(types.body.items, [
    { type: 'fxhook.other_thing', description: 'Another thing', plugin: 'fxhook' },
    { type: 'fxhook.thing_happened', description: 'A thing happened', plugin: 'fxhook' }
  ])
  const hook = await register(acmeAdmin, { url: rx.url('/ping'), eventTypes: ['fxhook.thing_happened'] })
  const ping = await k.request('POST', `/api/v1/webhooks/${hook.id}/test`, { token: acmeAdmin })
  t.equal(ping.status, 202)
  const hit = await waitFor('the ping', async () => rx.at('/ping')[0])
  t.equal(JSON.parse(hit.body).type, 'webhook.test')
  t.ok(verifies(hit, hook.secret))

  const rotated = await k.request('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { token: acmeAdmin })
  t.equal(rotated.status, 200)
  t.match(rotated.body.secret, /^whsec_/)
  t.not(rotated.body.secret, hook.secret)
  t.ok(await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.secret_rotated', target: `webhook:${hook.id}` }).first(), 'audited')
  await publish(acme, 'fxhook.thing_happened', { n: 3 })
  const next = await waitFor('a delivery after rotation', async () => rx.at('/ping')[1])
  t.ok(verifies(next, rotated.body.secret), 'signed with the new secret')
  t.ok(verifies(next, hook.secret), 'and, for the grace day, with the old one')
  t.equal(String(next.headers['webhook-signature']).split(' ').length, 2)
})

t.test('switching an endpoint off fails its waiting deliveries and queues no more', async t => {
  rx.status.set('/off', 500)
  const hook = await register(acmeAdmin, { url: rx.url('/off'), eventTypes: ['*'] })
  const eventId = await publish(acme, 'fxhook.thing_happened', { n: 4 })
  const d = await settledDelivery(hook.id, (await deliveryOf(hook.id, eventId)).id, 1)
  t.equal(d.status, 'pending')
  const off = await k.request('PATCH', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin, body: { enabled: false } })
  t.match(off, { status: 200, body: { enabled: false } })
  const after = (await deliveries(acmeAdmin, hook.id)).find(x => x.id === d.id)
  t.match(after, { status: 'failed', error: 'the endpoint was switched off', nextAttemptAt: null })
  await publish(acme, 'fxhook.thing_happened', { n: 5 })
  t.equal((await deliveries(acmeAdmin, hook.id)).length, 1, 'no new delivery for a switched-off endpoint')
  t.equal((await k.request('POST', `/api/v1/webhooks/${hook.id}/test`, { token: acmeAdmin })).body.code, 'invalid_state')
  t.equal((await k.request('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { token: acmeAdmin })).body.code, 'invalid_state')

  const edit = await k.request('PATCH', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin, body: { url: rx.url('/off-2'), eventTypes: ['fxhook.other_thing'], description: null, enabled: true } })
  t.match(edit.body, { url: rx.url('/off-2'), eventTypes: ['fxhook.other_thing'], description: null, enabled: true })
  t.ok(await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.updated', target: `webhook:${hook.id}` }).first(), 'audited')

  const del = await k.request('DELETE', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin })
  t.equal(del.status, 204)
  t.equal((await k.request('GET', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin })).status, 404)
  t.equal((await k.owner('tenant_webhook_deliveries').where({ webhook_id: hook.id })).length, 0, 'its delivery log went with it')
  t.ok(await k.owner('audit_log').where({ tenant_id: acme.id, action: 'webhook.deleted', target: `webhook:${hook.id}` }).first(), 'audited')
})

t.test('another tenant sees nothing and receives nothing; a member may not manage webhooks', async t => {
  const hook = await register(acmeAdmin, { url: rx.url('/acme-private'), eventTypes: ['*'] })
  const theirs = await register(globexAdmin, { url: rx.url('/globex-all'), eventTypes: ['*'] })
  const eventId = await publish(acme, 'fxhook.thing_happened', { secret: 'acme data' })
  const delivery = await deliveryOf(hook.id, eventId)
  await settledDelivery(hook.id, delivery.id, 1)
  await publish(globex, 'fxhook.other_thing', { mine: true })
  await waitFor('globex\'s own event', async () => rx.at('/globex-all')[0])
  t.equal(rx.at('/globex-all').length, 1, 'globex received only its own event')
  t.notOk(rx.at('/globex-all').some(h => h.body.includes('acme data')))
  t.equal(JSON.parse(rx.at('/globex-all')[0]!.body).data.tenantId, globex.id)
  t.same((await deliveries(globexAdmin, theirs.id)).map(d => d.eventType), ['fxhook.other_thing'])

  const base = `/api/v1/webhooks/${hook.id}`
  const probes: Array<[string, string, unknown?]> = [
    ['GET', base], ['PATCH', base, { enabled: false }], ['DELETE', base], ['POST', `${base}/rotate-secret`], ['POST', `${base}/test`],
    ['GET', `${base}/deliveries`], ['GET', `${base}/deliveries/${delivery.id}`], ['POST', `${base}/deliveries/${delivery.id}/redeliver`]
  ]
  for (const [method, url, body] of probes) {
    const res = await k.request(method as 'GET', url, { token: globexAdmin, ...(body ? { body } : {}) })
    t.equal(res.status, 404, `another tenant's admin: ${method} ${url} is 404`)
    t.equal(res.body.code, 'not_found')
  }
  // Their own endpoint id with our delivery id: still nothing.
  t.equal((await k.request('GET', `/api/v1/webhooks/${theirs.id}/deliveries/${delivery.id}`, { token: globexAdmin })).status, 404)
  t.notOk((await k.request('GET', '/api/v1/webhooks', { token: globexAdmin })).body.items.some((w: { id: string }) => w.id === hook.id))
  t.equal((await k.request('GET', base, { token: acmeAdmin })).body.enabled, true, 'the probes changed nothing')

  for (const [method, url, body] of [...probes, ['GET', '/api/v1/webhooks'], ['GET', '/api/v1/webhooks/event-types'], ['POST', '/api/v1/webhooks', { url: rx.url('/x'), eventTypes: ['*'] }]] as Array<[string, string, unknown?]>) {
    const res = await k.request(method as 'GET', url, { token: acmeMember, ...(body ? { body } : {}) })
    t.equal(res.status, 403, `a member: ${method} ${url} is 403`)
  }
  t.equal((await k.request('GET', '/api/v1/webhooks')).status, 401, 'no token: 401')
})

t.test('bad input is a problem+json with a code and a pointer', async t => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['not a URL', { url: 'hooks here', eventTypes: ['*'] }, '/url'],
    ['another scheme', { url: 'ftp://example.com/x', eventTypes: ['*'] }, '/url'],
    ['credentials', { url: 'https://user:pw@example.com/x', eventTypes: ['*'] }, '/url'],
    ['a fragment', { url: 'https://example.com/x#y', eventTypes: ['*'] }, '/url'],
    ['an unknown event type', { url: 'https://example.com/x', eventTypes: ['fxhook.thing_happened', 'devices.nope'] }, '/eventTypes/1'],
    ['"*" with others', { url: 'https://example.com/x', eventTypes: ['*', 'fxhook.thing_happened'] }, '/eventTypes/0']
  ]
  for (const [what, body, pointer] of cases) {
    const res = await k.request('POST', '/api/v1/webhooks', { token: acmeAdmin, body })
    t.equal(res.status, 400, what)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.equal(res.body.code, 'validation_failed', what)
    t.match(res.body.errors, [{ in: 'body', pointer }], `${what}: points at ${pointer}`)
  }
  for (const body of [{ url: 'https://example.com/x' }, { url: 'https://example.com/x', eventTypes: [] }, { url: 'https://example.com/x', eventTypes: ['*'], secret: 'mine' }]) {
    const res = await k.request('POST', '/api/v1/webhooks', { token: acmeAdmin, body })
    t.equal(res.body.code, 'validation_failed', `schema: ${JSON.stringify(body)}`)
  }
  const hook = await register(acmeAdmin, { url: 'https://example.com/hook', eventTypes: ['*'], enabled: false })
  t.equal((await k.request('PATCH', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin, body: {} })).body.code, 'validation_failed', 'an empty change')
  t.equal((await k.request('PATCH', `/api/v1/webhooks/${hook.id}`, { token: acmeAdmin, body: { eventTypes: ['nope.nope'] } })).body.code, 'validation_failed')
  t.equal((await k.request('GET', '/api/v1/webhooks/not-a-uuid', { token: acmeAdmin })).body.code, 'validation_failed')
  t.equal((await k.request('GET', '/api/v1/webhooks?cursor=bogus', { token: acmeAdmin })).body.code, 'validation_failed')
})

t.test('lists are cursor-paginated', async t => {
  const tenant = await k.createTenant({ slug: 'wh-pages' })
  const admin = (await k.signIn(tenant, ['tenant-admin'])).token
  const made = []
  for (let i = 0; i < 3; i++) made.push(await register(admin, { url: `https://example.com/p${i}`, eventTypes: ['*'] }))
  const first = await k.request('GET', '/api/v1/webhooks?limit=2', { token: admin })
  t.equal(first.body.items.length, 2)
  t.type(first.body.nextCursor, 'string')
  const second = await k.request('GET', `/api/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`, { token: admin })
  t.equal(second.body.items.length, 1)
  t.equal(second.body.nextCursor, null)
  t.same(new Set([...first.body.items, ...second.body.items].map((w: { id: string }) => w.id)), new Set(made.map(m => m.id)))
})

t.test('finished deliveries leave the log after 30 days; waiting ones stay', async t => {
  rx.status.set('/kept', 500)
  const hook = await register(acmeAdmin, { url: rx.url('/kept'), eventTypes: ['fxhook.other_thing'] })
  const eventId = await publish(acme, 'fxhook.other_thing', { n: 9 })
  const waiting = await settledDelivery(hook.id, (await deliveryOf(hook.id, eventId)).id, 1)
  const old = new Date(k.clock.now().getTime() - 31 * 86400_000)
  const done = await k.owner('tenant_webhook_deliveries').where({ tenant_id: acme.id, status: 'succeeded' }).select('id')
  t.ok(done.length > 0)
  await k.owner('tenant_webhook_deliveries').where({ tenant_id: acme.id }).update({ updated_at: old })
  const outcome = await k.runJob('kernel', 'webhooks.retention')
  t.equal(outcome.state, 'succeeded')
  t.equal((await k.owner('tenant_webhook_deliveries').where({ tenant_id: acme.id }).whereIn('status', ['succeeded', 'failed'])).length, 0, 'finished deliveries are gone')
  t.ok(await k.owner('tenant_webhook_deliveries').where({ id: waiting.id, status: 'pending' }).first(), 'a delivery still retrying stays')
})
