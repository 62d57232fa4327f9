import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { fixture } from './helpers/paths.ts'

let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: [fixture('fx-ingest')] }) })
t.teardown(() => k?.close())

const device = randomUUID()
const store = (token: string, events: Array<{ eventId: string | null, data: Record<string, unknown>, deviceId?: string }>) =>
  k.request('POST', '/api/v1/fx-ingest/store', { token, body: { events: events.map(e => ({ deviceId: device, ...e })) } })
const samples = async (token: string) => (await k.request('GET', '/api/v1/fx-ingest/samples', { token })).body as number[]
async function until<T> (read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await read()
    if (done(v) || Date.now() > end) return v
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

t.test('stored events reach the declaring plugin once; ids are de-duplicated per device', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const first = await store(token, [{ eventId: 'a', data: { n: 1 } }, { eventId: 'b', data: { n: 2 } }, { eventId: 'a', data: { n: 99 } }, { eventId: null, data: { n: 3 } }])
  t.same(first.body.stored, [true, true, false, true], 'a repeated id in one call is a duplicate; events without id never are')
  t.ok(first.body.kinds.includes('fx.sample'), 'the catalogue lists every declared kind')
  t.equal(first.body.enabled, true)
  t.same((await store(token, [{ eventId: 'b', data: { n: 2 } }, { eventId: 'c', data: { n: 4 } }])).body.stored, [false, true], 'an id seen before is a duplicate')
  t.same((await store(token, [{ eventId: 'b', data: { n: 5 }, deviceId: randomUUID() }])).body.stored, [true], 'the same id from another device is new')
  t.same(await until(() => samples(token), s => s.length >= 5), [1, 2, 3, 4, 5])
  const other = await k.createTenant()
  const otherAdmin = await k.signIn(other, ['tenant-admin'])
  t.same(await samples(otherAdmin.token), [], 'another tenant sees none of them')
  t.same((await store(otherAdmin.token, [{ eventId: 'a', data: { n: 7 } }])).body.stored, [true], 'ids are per tenant too')
})

t.test('a failing batch is split: the good events go through, the bad one is retried, then parked', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  await store(token, [1, 2, 3, 4, 5].map(n => ({ eventId: `p${n}`, data: n === 3 ? { n, fail: true } : { n } })))
  t.same(await until(() => samples(token), s => s.length >= 4), [1, 2, 4, 5], 'one bad event does not hold up the others')
  const inbox = () => k.kernel.conn.owner('ingest_inbox').where({ tenant_id: tenant.id }).select('*')
  const [poison] = await until(inbox, rows => rows.length === 1 && rows[0].attempts >= 1)
  t.match(poison, { kind: 'fx.sample', count: 1, last_error: 'poison event', failed_at: null })
  // The tenth failure parks it (backoff shortened here: the schedule itself is minutes long).
  await k.kernel.conn.owner('ingest_inbox').where({ seq: poison.seq }).update({ attempts: 9, available_at: new Date(Date.now() - 1000) })
  const [parked] = await until(inbox, rows => rows[0]?.failed_at !== null)
  t.equal(parked.attempts, 10)
  t.ok(parked.failed_at, 'parked for an operator, with its error, instead of retried forever')
  t.same(await samples(token), [1, 2, 4, 5])
})

t.test('events of a switched-off plugin are not enabled', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  await k.kernel.services.features.setFeature(tenant.id, 'fx-ingest', false, { actor: 'test' })
  const op = await k.kernel.registry.get('fx-ingest')!.context!.ingest.enabled(tenant.id, 'fx.sample')
  t.equal(op, false)
  t.equal(await k.kernel.registry.get('fx-ingest')!.context!.ingest.enabled(tenant.id, 'no.such.kind'), false)
  t.equal((await store(token, [])).status, 403, 'and the plugin\'s routes are gated as usual')
})
