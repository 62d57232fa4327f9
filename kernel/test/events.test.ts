import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { eventsPublisher, eventsSubscriber } from './helpers/paths.ts'

let k: TestKernel
let acme: Tenant
let globex: Tenant
let acmeAdmin: { token: string }
let globexAdmin: { token: string }
let op: { token: string }
const log: string[] = []

t.before(async () => {
  // A long poll: deliveries happen on the publisher's poke or when the test asks (deliverEvents).
  k = await startTestKernel({
    plugins: [eventsPublisher, eventsSubscriber],
    config: { adminPanelEnabled: true, eventsPollMs: 60_000 },
    log: { level: 'warn', stream: { write: line => log.push(line) } }
  })
  acme = await k.createTenant({ slug: 'events-acme' })
  globex = await k.createTenant({ slug: 'events-globex' })
  for (const tenant of [acme, globex]) await k.grantLicense(tenant, ['events-sub'])
  acmeAdmin = await k.signIn(acme, ['tenant-admin'])
  globexAdmin = await k.signIn(globex, ['tenant-admin'])
  op = await k.signInOperator()
})
t.teardown(() => k?.close())

type Item = { n: number, subject?: string, note?: string }
const publish = async (token: string, items: Item[], rollback = false, many = false) =>
  k.request('POST', '/api/v1/fx-events-pub/publish', { token, body: { items, ...(rollback ? { rollback } : {}), ...(many ? { many } : {}) } })
const published = async (token: string, items: Item[]): Promise<string[]> => {
  const res = await publish(token, items)
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.ids
}
interface Seen { event_id: string, handler: string, n: number, subject: string | null, attempt: number, worker: string, scope: string }
const seen = (tenant: Tenant, handler?: string): Promise<Seen[]> => k.db.withTenant(tenant.id, trx => trx('fx_events_seen').modify(q => { if (handler) q.where({ handler }) }).orderBy('seq').select('*'))
const count = async (table: string, where: Record<string, unknown> = {}) => Number((await k.owner(table).where(where).count('* as n').first())?.n)
const delivery = (eventId: string, handler: string) => k.owner('event_deliveries').where({ event_id: eventId, handler }).first()
const pub = () => k.pluginContext('fx-events-pub').events

t.test('a subscription nobody publishes is a warning; handle takes declared names once', async t => {
  t.ok(log.some(line => line.includes('no installed plugin publishes') && line.includes('fx-nowhere.never')), 'the kernel started and logged the unpublished subscription')
  t.throws(() => k.pluginContext('fx-events-sub').events.handle('undeclared', () => {}), /no event handler "undeclared" declared/, 'handle of an undeclared name throws')
  t.throws(() => k.pluginContext('fx-events-sub').events.handle('record', () => {}), /registered twice/)
})

t.test('publish checks type and payload before it writes', async t => {
  await k.db.withTenant(acme.id, async trx => {
    await t.rejects(pub().publish(trx, 'fx-events-pub.nope', {}), /cannot publish "fx-events-pub.nope": declare it/, 'an undeclared type')
    await t.rejects(pub().publish(trx, 'fx-events-sub.thing', {}), /cannot publish/, 'nor another plugin\'s type')
    await t.rejects(pub().publish(trx, 'fx-events-pub.thing_changed', { n: -1 }), { name: 'TypeError', message: 'events.publish("fx-events-pub.thing_changed"): payload/n must be >= 0' })
    await t.rejects(pub().publish(trx, 'fx-events-pub.thing_changed', { n: 1, extra: true }), { name: 'TypeError', message: /payload must NOT have additional properties/ })
    await t.rejects(pub().publish(trx, 'fx-events-pub.thing_changed', { n: 1 }, { subject: '' }), { name: 'TypeError', message: /subject/ })
  })
  await t.rejects(k.owner.transaction(trx => pub().publish(trx, 'fx-events-pub.thing_changed', { n: 1 })), { name: 'TypeError', message: /needs a tenant transaction/ }, 'outside a tenant scope nothing is written')
  t.equal(await count('event_outbox'), 0, 'nothing was written')
})

t.test('a rolled-back publish leaves no event and no delivery', async t => {
  const res = await publish(acmeAdmin.token, [{ n: 1, subject: 'rb' }], true)
  t.equal(res.status, 409)
  t.equal(await count('event_outbox'), 0)
  t.equal(await count('event_deliveries'), 0)
  await k.deliverEvents()
  t.equal((await seen(acme)).length, 0, 'no handler ever saw it')
})

t.test('each subscribing handler gets each event once, in its tenant, in order, and the outbox empties', async t => {
  const items: Item[] = Array.from({ length: 60 }, (_, i) => ({ n: i, ...(i % 3 === 2 ? {} : { subject: `dev-${i % 3}` }) }))
  await published(acmeAdmin.token, items)
  await published(globexAdmin.token, [{ n: 1000, subject: 'dev-0' }])
  await k.deliverEvents()
  for (const handler of ['record', 'tally']) {
    const rows = await seen(acme, handler)
    t.equal(rows.length, 60, `${handler}: every event once`)
    for (const subject of ['dev-0', 'dev-1']) {
      t.same(rows.filter(r => r.subject === subject).map(r => r.n), items.filter(i => i.subject === subject).map(i => i.n), `${handler}: ${subject} in publish order`)
    }
    t.ok(rows.every(r => r.scope === acme.id && r.attempt === 1), `${handler}: inside the event's tenant scope, first attempt`)
  }
  const theirs = await seen(globex)
  t.same(theirs.map(r => r.n), [1000, 1000], 'globex handlers saw only globex\'s event')
  t.ok(theirs.every(r => r.scope === globex.id))
  t.equal(await count('event_outbox'), 0, 'delivered events left the outbox')
  t.equal(await count('event_deliveries'), 0)
  t.equal(await k.deliverEvents(), 0, 'nothing is delivered twice')
})

t.test('publishMany writes a batch in one statement, in order per subject, all or nothing', async t => {
  await t.rejects(k.db.withTenant(acme.id, trx => pub().publishMany(trx, 'fx-events-pub.thing_changed', [{ payload: { n: 1 } }, { payload: { n: -1 } }])),
    { name: 'TypeError', message: 'events.publish("fx-events-pub.thing_changed")[1]: payload/n must be >= 0' }, 'a bad item is named by its index')
  t.equal(await count('event_outbox'), 0, 'and nothing of the batch was written')
  const rolledBack = await publish(acmeAdmin.token, [{ n: 1, subject: 'rb' }, { n: 2, subject: 'rb' }], true, true)
  t.equal(rolledBack.status, 409)
  t.equal(await count('event_outbox'), 0, 'a rolled-back batch leaves no event')
  t.equal(await count('event_deliveries'), 0, 'and no delivery')
  const items: Item[] = Array.from({ length: 90 }, (_, i) => ({ n: 5000 + i, ...(i % 4 === 3 ? {} : { subject: `batch-${i % 4}` }) }))
  const res = await publish(acmeAdmin.token, items, false, true)
  t.equal(res.status, 200)
  t.equal((res.body as { ids: string[] }).ids.length, 90, 'one id per item')
  t.equal(new Set((res.body as { ids: string[] }).ids).size, 90, 'distinct ids')
  await k.deliverEvents()
  for (const handler of ['record', 'tally']) {
    const rows = (await seen(acme, handler)).filter(r => r.n >= 5000)
    t.equal(rows.length, 90, `${handler}: every event of the batch once`)
    for (const subject of ['batch-0', 'batch-1', 'batch-2']) {
      t.same(rows.filter(r => r.subject === subject).map(r => r.n), items.filter(i => i.subject === subject).map(i => i.n), `${handler}: ${subject} in array order`)
    }
    t.ok(rows.every(r => r.scope === acme.id), `${handler}: inside the publisher's tenant`)
  }
  t.equal(await count('event_outbox'), 0, 'delivered batch left the outbox')
})

t.test('a failing handler retries with backoff, holds back its subject, then is dead-lettered', async t => {
  const [bad, later, free] = await published(acmeAdmin.token, [{ n: 1, subject: 'poison', note: 'fail' }, { n: 2, subject: 'poison' }, { n: 3, subject: 'other' }])
  await k.deliverEvents()
  const first = await delivery(bad!, 'record')
  t.match(first, { state: 'pending', attempts: 1, last_error: 'record refuses event 1 (attempt 1)' })
  t.ok(new Date(first.available_at).getTime() > Date.now(), 'backing off')
  t.ok(await delivery(later!, 'record'), 'the later event of the subject waits behind it')
  t.notOk(await delivery(free!, 'record'), 'another subject is not held up')
  t.notOk(await delivery(bad!, 'tally'), 'another handler of the same event is not held up')
  await k.deliverEvents({ retries: true })
  t.match(await delivery(bad!, 'record'), { state: 'pending', attempts: 2 })
  await k.deliverEvents({ retries: true })
  t.match(await delivery(bad!, 'record'), { state: 'dead', attempts: 3, last_error: 'record refuses event 1 (attempt 3)' }, 'dead after maxAttempts (3)')
  t.notOk(await delivery(later!, 'record'), 'once dead, the subject moves on')
  const record = await seen(acme, 'record')
  t.same(record.filter(r => r.subject === 'poison').map(r => r.n), [2])
})

t.test('a batch handler: a failing batch is halved until the failing event alone is charged', async t => {
  const ours = (rows: Seen[]) => rows.filter(r => r.n > 7000 && r.n < 8000)
  const ids = await published(acmeAdmin.token, [
    { n: 7001, subject: 'bx' }, { n: 7002, subject: 'by' }, { n: 7003, subject: 'bx', note: 'fail-tally' }, { n: 7004, subject: 'bx' }, { n: 7005, subject: 'by' }
  ])
  await k.deliverEvents()
  t.same(ours(await seen(acme, 'tally')).map(r => r.n), [7001, 7002, 7005], 'the events around the failing one are delivered, each once')
  t.match(await delivery(ids[2]!, 'tally'), { state: 'pending', attempts: 1, last_error: 'tally refuses event 7003 (attempt 1)' }, 'only the failing event is charged')
  t.match(await delivery(ids[3]!, 'tally'), { state: 'pending', attempts: 0 }, 'its subject waits behind it, uncharged')
  t.equal(ours(await seen(acme, 'record')).length, 5, 'the per-event handler of the same events is not held up')
  // The cause is fixed (the payload that made the handler throw); the retry then goes through.
  await k.owner('event_outbox').where({ id: ids[2] }).update({ payload: JSON.stringify({ n: 7003 }) })
  await k.deliverEvents({ retries: true })
  const tally = ours(await seen(acme, 'tally'))
  t.same(tally.filter(r => r.subject === 'bx').map(r => r.n), [7001, 7003, 7004], 'then the subject goes on in publish order')
  t.equal(tally.length, 5, 'nothing delivered twice')
})

t.test('operators list, retry and discard dead events; audited; nobody else may', async t => {
  const member = await k.signIn(acme, ['member'])
  for (const token of [acmeAdmin.token, member.token]) {
    t.equal((await k.request('GET', '/api/v1/admin/events/dead', { token })).status, 403, 'a tenant user is refused')
    t.equal((await k.request('POST', '/api/v1/admin/events/dead/1/retry', { token })).status, 403)
  }
  t.equal((await k.request('GET', '/api/v1/admin/events/dead')).status, 401, 'anonymous is refused')

  const [gone] = await published(globexAdmin.token, [{ n: 9, note: 'fail' }])
  for (let i = 0; i < 3; i++) await k.deliverEvents({ retries: true })
  const list = await k.request('GET', '/api/v1/admin/events/dead?limit=1', { token: op.token })
  t.equal(list.status, 200)
  t.equal(list.body.items.length, 1)
  t.match(list.body.items[0], { eventId: gone, tenantId: globex.id, plugin: 'fx-events-sub', handler: 'record', type: 'fx-events-pub.thing_changed', payload: { n: 9, note: 'fail' }, attempts: 3, maxAttempts: 3 }, 'newest first')
  const next = await k.request('GET', `/api/v1/admin/events/dead?limit=1&cursor=${list.body.nextCursor}`, { token: op.token })
  t.equal(next.body.items[0].tenantId, acme.id, 'the cursor leads to the older one')
  const acmeOnly = await k.request('GET', `/api/v1/admin/events/dead?tenant=${acme.id}&type=fx-events-pub.thing_changed&plugin=fx-events-sub`, { token: op.token })
  t.same(acmeOnly.body.items.map((i: { tenantId: string }) => i.tenantId), [acme.id], 'filters by tenant, type and plugin')
  t.equal((await k.request('GET', '/api/v1/admin/events/dead?plugin=fx-events-pub', { token: op.token })).body.items.length, 0)
  t.equal((await k.request('GET', '/api/v1/admin/events/dead?bogus=1', { token: op.token })).status, 400, 'unknown filters are refused')
  t.match(await k.request('GET', '/api/v1/admin/events/dead?cursor=nonsense', { token: op.token }), { status: 400, body: { code: 'validation_failed' } })

  const retried = acmeOnly.body.items[0]
  // The operator fixed the cause (here: the payload that made the handler throw).
  await k.owner('event_outbox').where({ id: retried.eventId }).update({ payload: JSON.stringify({ n: 1 }) })
  const res = await k.request('POST', `/api/v1/admin/events/dead/${retried.id}/retry`, { token: op.token })
  t.match(res, { status: 200, body: { id: retried.id, attempts: 0, deadAt: null } })
  await k.deliverEvents()
  const record = await seen(acme, 'record')
  t.match(record.filter(r => r.event_id === retried.eventId), [{ n: 1, attempt: 1 }], 'delivered once after the retry')
  t.match(await k.request('POST', `/api/v1/admin/events/dead/${retried.id}/retry`, { token: op.token }), { status: 404, body: { code: 'not_found' } }, 'delivered: gone')

  const dead = list.body.items[0]
  t.equal((await k.request('POST', `/api/v1/admin/events/dead/${dead.id}/discard`, { token: op.token })).status, 204)
  t.notOk(await delivery(dead.eventId, 'record'), 'the dead delivery is gone')
  t.equal(await count('event_outbox', { id: dead.eventId }), 0, 'and with no delivery left, the event')
  t.match(await k.request('POST', `/api/v1/admin/events/dead/${dead.id}/discard`, { token: op.token }), { status: 404, body: { code: 'not_found' } })
  t.equal((await k.request('POST', '/api/v1/admin/events/dead/abc/discard', { token: op.token })).status, 400)

  // A pending (not dead) delivery cannot be retried or discarded.
  await k.db.withTenant(acme.id, async trx => {
    const { id } = await pub().publish(trx, 'fx-events-pub.thing_changed', { n: 5, note: 'fail' })
    t.ok(id)
  })
  await k.deliverEvents()
  const pending = await k.owner('event_deliveries').where({ state: 'pending', handler: 'record' }).first()
  t.match(await k.request('POST', `/api/v1/admin/events/dead/${pending.seq}/retry`, { token: op.token }), { status: 409, body: { code: 'invalid_state' } })
  await k.owner('event_deliveries').where({ seq: pending.seq }).del()

  const audit = await k.owner('audit_log').whereIn('action', ['events.dead_retried', 'events.dead_discarded']).orderBy('at').select('action', 'tenant_id', 'target', 'actor')
  t.match(audit, [
    { action: 'events.dead_retried', tenant_id: acme.id, target: `event-delivery:${retried.id}`, actor: /^operator:/ },
    { action: 'events.dead_discarded', tenant_id: globex.id, target: `event-delivery:${dead.id}` }
  ])
  const doc = await k.request('GET', '/api/docs/json')
  t.ok(doc.body.paths['/api/v1/admin/events/dead'] && doc.body.paths['/api/v1/admin/events/dead/{id}/retry'] && doc.body.paths['/api/v1/admin/events/dead/{id}/discard'], 'in the OpenAPI document')
})

t.test('a handler whose plugin is off for the tenant waits, then gets the event', async t => {
  const initech = await k.createTenant({ slug: 'events-initech' })
  const admin = await k.signIn(initech, ['tenant-admin'])
  const [id] = await published(admin.token, [{ n: 42, subject: 'x' }])
  await k.deliverEvents({ retries: true })
  await k.deliverEvents()
  t.match(await delivery(id!, 'record'), { state: 'pending', attempts: 0 }, 'waiting, no attempt counted')
  t.equal((await seen(initech)).length, 0)
  await k.grantLicense(initech, ['events-sub'])
  await k.deliverEvents()
  t.same((await seen(initech)).map(r => [r.handler, r.n, r.attempt]), [['record', 42, 1], ['tally', 42, 1]], 'delivered once switched on')
})

// Last: the sink stays registered for the rest of the file.
t.test('kernel modules see each publish inside its transaction (onPublish)', async t => {
  const got: Array<{ event: { id: string, occurredAt: Date }, visible: boolean }> = []
  k.kernel.services.events.onPublish(async (trx, event) => {
    const row = await trx('event_outbox').where({ id: event.id }).first()
    got.push({ event, visible: row !== undefined })
    if (event.subject === 'veto') throw new Error('the sink refuses')
  })
  const [id] = await published(acmeAdmin.token, [{ n: 5, subject: 'hooked' }])
  t.match(got, [{ event: { id, type: 'fx-events-pub.thing_changed', tenantId: acme.id, subject: 'hooked', payload: { n: 5 } }, visible: true }], 'the event as written, in the publishing transaction')
  t.ok(got[0]?.event.occurredAt instanceof Date)
  t.equal((await publish(acmeAdmin.token, [{ n: 6, subject: 'veto' }])).status, 500)
  t.equal(await count('event_outbox', { subject: 'veto' }), 0, 'a throwing sink rolls the publish back')
  await k.deliverEvents()
})
