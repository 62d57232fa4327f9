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

// Text an attacker controls, in ids and in data: quotes, backslashes, the array literal's and the
// dollar quote's own delimiters, SQL, a NUL escape and a lone surrogate.
const hostile = `it's "quoted" \\ {a,b} NULL $mz$ $$ $mz1$ '); delete from ingest_seen; --`
const received = async (token: string, n: number) =>
  until(async () => (await k.request('GET', '/api/v1/fx-ingest/received', { token })).body as Array<{ n: number, kind: string, eventId: string | null, data: string }>, rows => rows.length >= n)

t.test('commit stores in a transaction of its own: new ids once per device, kinds apart, values verbatim', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const ts = new Date().toISOString()
  const ev = (kind: string, eventId: string | null, data: Record<string, unknown>, deviceId: string = device) => ({ deviceId, kind, eventId, ts, data })

  t.same(await ingest.commit(tenant.id, [ev('fx.sample', 'c1', { n: 1 }), ev('fx.note', hostile, { n: 2, text: hostile })]), [true, true], 'a batch of new events')
  const odd = `ünïcødé ✓ \u0000 \ud800 ${hostile}`
  t.same(await ingest.commit(tenant.id, [
    ev('fx.sample', 'c1', { n: 100 }),
    ev('fx.note', 'c3', { n: 3, text: odd }),
    ev('fx.sample', null, { n: 4 }),
    ev('fx.sample', hostile, { n: 101 }),
    ev('fx.sample', 'c3', { n: 102 }),
    ev('fx.note', 'c3', { n: 5 }, device.toUpperCase())
  ]), [false, true, true, false, false, false], 'seen before (by any kind, in any case of the device id) or earlier in the call: duplicates; no id: never')
  t.same(await ingest.commit(tenant.id, [ev('fx.sample', 'c1', { n: 103 }), ev('fx.sample', hostile, { n: 104 })]), [false, false], 'a batch of duplicates only stores nothing')

  const rows = await received(token, 4)
  t.same(rows.map(r => [r.n, r.kind, r.eventId]), [[1, 'fx.sample', 'c1'], [2, 'fx.note', hostile], [3, 'fx.note', 'c3'], [4, 'fx.sample', null]], 'each event reached its kind\'s consumer once')
  t.same(JSON.parse(rows[1]!.data), { n: 2, text: hostile }, 'hostile text comes back byte for byte')
  t.same(JSON.parse(rows[2]!.data), { n: 3, text: odd }, 'so do a NUL and a lone surrogate, in a batch that held duplicates')
  const seen = await k.kernel.conn.owner('ingest_seen').count({ n: '*' }).first()
  t.ok(Number((seen as { n: number | string }).n) >= 3, 'the hostile id did not delete the seen ids')

  const other = await k.createTenant()
  const otherAdmin = await k.signIn(other, ['tenant-admin'])
  t.same(await ingest.commit(other.id, [ev('fx.sample', 'c1', { n: 7 })]), [true], 'ids are per tenant')
  t.same((await received(otherAdmin.token, 1)).map(r => r.n), [7], 'and the other tenant gets only its own event')

  await t.rejects(ingest.commit(tenant.id, [ev('no.such.kind', 'x', {})]), /not declared/, 'an undeclared kind is refused')
  await t.rejects(ingest.commit(tenant.id, [ev('fx.sample', 'x'.repeat(129), { n: 1 })]), /1-128/, 'an id over 128 characters is refused before the database')
  await t.rejects(ingest.commit('not-a-uuid', [ev('fx.sample', 'x', { n: 1 })]), /uuid/, 'a tenant that is not a uuid is refused')
  if (k.dialect === 'postgres') await t.rejects(ingest.commit(tenant.id, [ev('fx.sample', 'y', { n: 1 }, "x'; drop table ingest_seen; --")]), /device id must be a uuid/, 'a device id that is not a uuid never reaches the SQL')
})

t.test('a one-round-trip transaction that fails leaves nothing and rolls back its connection', async t => {
  const script = k.kernel.conn.scopedScript
  if (!script) { t.pass('PGlite runs tenant transactions statement by statement: nothing to test here'); return }
  const tenant = await k.createTenant()
  await t.rejects(script(tenant.id, "insert into ingest_inbox (tenant_id, kind, events, count) values (nullif(current_setting('monozu.tenant_id', true), '')::uuid, 'fx.sample', '[]', 0); select 1 / 0"), { code: '22012' })
  for (let i = 0; i < 5; i++) t.same(await script(tenant.id, 'select 1 as one'), [{ one: 1 }], `the connection is usable again (${i + 1})`)
  const inbox = await k.kernel.conn.owner('ingest_inbox').where({ tenant_id: tenant.id }).count({ n: '*' }).first()
  t.equal(Number((inbox as { n: number | string }).n), 0, 'the statement before the failure was rolled back')
  await t.rejects(script('not-a-uuid', 'select 1'), /uuid/, 'the scope must be a uuid, whatever the caller checked')
  const other = await k.createTenant()
  const seenCount = 'select count(*)::int as n from ingest_seen'
  await script(other.id, `insert into ingest_seen (tenant_id, device_id, event_id) values ('${other.id}', '${device}', 'rls-probe')`)
  t.same(await script(other.id, seenCount), [{ n: 1 }], 'the scope sees its own row')
  t.same(await script(tenant.id, seenCount), [{ n: 0 }], 'another tenant\'s rows are invisible inside the scope')
  await t.rejects(script(tenant.id, `insert into ingest_seen (tenant_id, device_id, event_id) values ('${other.id}', '${device}', 'forged')`), /row-level security/, 'and cannot be written')
})
