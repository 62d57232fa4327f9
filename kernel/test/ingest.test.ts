import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, testDatabase, type TestKernel, waitFor } from '../src/testing/internal.ts'
import { fixture } from './helpers/paths.ts'

let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: [fixture('fx-ingest')] }) })
t.teardown(() => k?.close())

const device = randomUUID()
const store = (token: string, events: Array<{ eventId: string | null, data: Record<string, unknown>, deviceId?: string }>) =>
  k.request('POST', '/api/v1/fx-ingest/store', { token, body: { events: events.map(e => ({ deviceId: device, ...e })) } })
const samples = async (token: string) => (await k.request('GET', '/api/v1/fx-ingest/samples', { token })).body as number[]

t.test('stored events reach the declaring plugin once; ids are de-duplicated per device', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const first = await store(token, [{ eventId: 'a', data: { n: 1 } }, { eventId: 'b', data: { n: 2 } }, { eventId: 'a', data: { n: 99 } }, { eventId: null, data: { n: 3 } }])
  t.same(first.body.stored, [true, true, false, true], 'a repeated id in one call is a duplicate; events without id never are')
  t.ok(first.body.kinds.includes('fx.sample'), 'the catalogue lists every declared kind')
  t.equal(first.body.enabled, true)
  t.same((await store(token, [{ eventId: 'b', data: { n: 2 } }, { eventId: 'c', data: { n: 4 } }])).body.stored, [false, true], 'an id seen before is a duplicate')
  t.same((await store(token, [{ eventId: 'b', data: { n: 5 }, deviceId: randomUUID() }])).body.stored, [true], 'the same id from another device is new')
  t.same(await waitFor('five samples', async () => { const s = await samples(token); return s.length >= 5 && s }), [1, 2, 3, 4, 5])
  const other = await k.createTenant()
  const otherAdmin = await k.signIn(other, ['tenant-admin'])
  t.same(await samples(otherAdmin.token), [], 'another tenant sees none of them')
  t.same((await store(otherAdmin.token, [{ eventId: 'a', data: { n: 7 } }])).body.stored, [true], 'ids are per tenant too')
})

t.test('ingest_seen\'s key compares event ids byte by byte (collation "C", migration 011)', async t => {
  const owner = k.kernel.conn.owner
  const collation = async (sql: string) => ((await owner.raw(sql)).rows[0] as { collname: string }).collname
  t.equal(await collation("select c.collname from pg_attribute a join pg_collation c on c.oid = a.attcollation where a.attrelid = 'ingest_seen'::regclass and a.attname = 'event_id'"), 'C', 'the column')
  // indcollation counts from 0: event_id is the key's third column, after tenant_id and device_id.
  t.equal(await collation("select c.collname from pg_index i join pg_collation c on c.oid = i.indcollation[2] where i.indexrelid = 'ingest_seen_pkey'::regclass"), 'C', 'and the key\'s index, rebuilt with it')
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  t.same((await store(token, [{ eventId: 'é', data: { n: 1 } }, { eventId: 'e\u0301', data: { n: 2 } }, { eventId: 'E', data: { n: 3 } }, { eventId: 'e', data: { n: 4 } }])).body.stored,
    [true, true, true, true], 'ids that differ in any byte are different events, as before')
  t.same((await store(token, [{ eventId: 'e\u0301', data: { n: 5 } }])).body.stored, [false], 'and the same bytes are a duplicate')
})

t.test('a failing batch is split: the good events go through, the bad one is retried, then parked', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  await store(token, [1, 2, 3, 4, 5].map(n => ({ eventId: `p${n}`, data: n === 3 ? { n, fail: true } : { n } })))
  t.same(await waitFor('four samples', async () => { const s = await samples(token); return s.length >= 4 && s }), [1, 2, 4, 5], 'one bad event does not hold up the others')
  const inbox = () => k.kernel.conn.owner('ingest_inbox').where({ tenant_id: tenant.id }).select('*')
  const [poison] = await waitFor('the poison event to fail once', async () => { const rows = await inbox(); return rows.length === 1 && rows[0].attempts >= 1 && rows })
  t.match(poison, { kind: 'fx.sample', count: 1, last_error: 'poison event', failed_at: null })
  // The tenth failure parks it (backoff shortened here: the schedule itself is minutes long).
  await k.kernel.conn.owner('ingest_inbox').where({ seq: poison.seq }).update({ attempts: 9, available_at: new Date(Date.now() - 1000) })
  const [parked] = await waitFor('the poison event to be parked', async () => { const rows = await inbox(); return rows[0]?.failed_at && rows })
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
  waitFor(`${n} received events`, async () => {
    const rows = (await k.request('GET', '/api/v1/fx-ingest/received', { token })).body as Array<{ n: number, kind: string, eventId: string | null, data: string, ts: string, receivedAt: string }>
    return rows.length >= n && rows
  })

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

t.test('commitTenants stores several tenants in one transaction, each part under its own tenant', async t => {
  const [a, b, c] = [await k.createTenant(), await k.createTenant(), await k.createTenant()]
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const ev = (eventId: string, n: number) => ({ deviceId: device, kind: 'fx.sample', eventId, data: { n } })
  const ids = async (tenantId: string) => (await k.kernel.db.withTenant(tenantId, trx => trx('ingest_seen').select('tenant_id', 'event_id').orderBy('event_id')))
    .map(r => `${r.tenant_id === tenantId ? 'own' : 'other'}:${r.event_id}`)

  t.same(await ingest.commitTenants([
    { tenantId: a.id, events: [ev('m1', 1), ev('m2', 2)] },
    { tenantId: b.id, events: [] },
    { tenantId: c.id, events: [ev('m1', 3), ev('m1', 4)] }
  ]), [[true, true], [], [true, false]], 'answers per tenant: the same id is new in each tenant, a repeat within one is a duplicate')
  t.same(await ids(a.id), ['own:m1', 'own:m2'], 'tenant A sees its ids, stored under its own tenant')
  t.same(await ids(c.id), ['own:m1'], 'tenant C sees only its own')
  t.same(await ids(b.id), [], 'an empty part stores nothing')

  t.same(await ingest.commitTenants([
    { tenantId: a.id, events: [ev('m2', 5), ev('m3', 6)] },
    { tenantId: c.id, events: [ev('m3', 7)] }
  ]), [[false, true], [true]], 'an id seen before (m2 in A) is a duplicate, and the rest of both parts is stored')
  t.same(await ids(c.id), ['own:m1', 'own:m3'], 'C\'s part was stored once, under C')

  // The database refuses C's part (text may not hold a NUL byte): A's part goes with it.
  await t.rejects(ingest.commitTenants([{ tenantId: a.id, events: [ev('m4', 8)] }, { tenantId: c.id, events: [ev('bad\u0000id', 9)] }]), 'a part the database refuses fails the commit')
  t.same(await ingest.commit(a.id, [ev('m4', 8)]), [true], 'all or nothing: A\'s event of the failed commit was not kept, so its retry is new')

  await t.rejects(ingest.commitTenants([{ tenantId: a.id, events: [ev('x1', 1)] }, { tenantId: a.id, events: [ev('x2', 1)] }]), /one entry per tenant/, 'a tenant given twice is refused')
  await t.rejects(ingest.commitTenants([{ tenantId: a.id, events: [ev('x1', 1)] }, { tenantId: 'not-a-uuid', events: [ev('x2', 1)] }]), /uuid/, 'a tenant that is not a uuid is refused')
  await t.rejects(ingest.commitTenants([{ tenantId: a.id, events: [ev('x1', 1)] }, { tenantId: c.id, events: [{ ...ev('x2', 1), kind: 'no.such.kind' }] }]), /not declared/, 'an undeclared kind in any part is refused')
  t.same(await ids(a.id), ['own:m1', 'own:m2', 'own:m3', 'own:m4'], 'none of the refused calls stored anything')
})

t.test('commitTenants with one event per tenant (single-row parts, migration 013) stores and delivers each under its own tenant', async t => {
  const parts = [await k.createTenant(), await k.createTenant(), await k.createTenant()]
  const tokens = await Promise.all(parts.map(async p => (await k.signIn(p, ['tenant-admin'])).token))
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const ev = (eventId: string | null, n: number) => ({ deviceId: device, kind: 'fx.sample', eventId, data: { n } })
  const rows = (tenantId: string, table: string) => k.kernel.db.withTenant(tenantId, trx => trx(table).count({ n: '*' }).first()).then(r => Number((r as { n: number | string }).n))

  t.same(await ingest.commitTenants([
    { tenantId: parts[0]!.id, events: [ev('s1', 1)] },
    { tenantId: parts[1]!.id, events: [ev(null, 2)] },
    { tenantId: parts[2]!.id, events: [ev('s1', 3), ev('s2', 4)] }
  ]), [[true], [true], [true, true]], 'one-event parts, one without an id, beside a larger part')
  t.same([await rows(parts[0]!.id, 'ingest_seen'), await rows(parts[1]!.id, 'ingest_seen'), await rows(parts[2]!.id, 'ingest_seen')], [1, 0, 2], 'an event without an id leaves no id behind')
  t.same(await ingest.commitTenants([
    { tenantId: parts[0]!.id, events: [ev('s1', 5)] },
    { tenantId: parts[1]!.id, events: [ev('s1', 6)] }
  ]), [[false], [true]], 'an id seen before in a one-event part is a duplicate there and new in another tenant')
  for (const [i, expected] of [[0, [1]], [1, [2, 6]], [2, [3, 4]]] as const) {
    t.same(await waitFor(`tenant ${i}'s samples`, async () => { const s = await samples(tokens[i]!); return s.length >= expected.length && s }), expected, `tenant ${i} gets its own events once`)
  }
})

t.test('a consumer gets each event\'s time in UTC, or the time the inbox received it when the sender gave none', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const before = Date.now()
  t.same(await ingest.commit(tenant.id, [
    { deviceId: device, kind: 'fx.sample', eventId: 'time-1', ts: '2026-01-02T03:04:05+01:00', data: { n: 1 } },
    { deviceId: device, kind: 'fx.sample', eventId: 'time-2', data: { n: 2 } },
    { deviceId: device, kind: 'fx.sample', eventId: 'time-3', data: { n: 3 } },
    // What a plugin in plain JavaScript may send.
    { deviceId: device, kind: 'fx.sample', eventId: 'time-4', ts: null as unknown as string, data: { n: 4 } }
  ]), [true, true, true, true])
  const after = Date.now()
  const [timed, untimed, also, nulled] = await received(token, 4)
  t.equal(timed!.ts, '2026-01-02T02:04:05.000Z', 'the sender\'s time, in UTC')
  t.match(untimed!.receivedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'the received time as ISO 8601 UTC')
  t.ok(Math.abs(Date.parse(untimed!.receivedAt) - (before + after) / 2) < 60_000, `received at the commit (${untimed!.receivedAt})`)
  t.equal(untimed!.ts, untimed!.receivedAt, 'no time sent: the inbox\'s')
  t.same([timed!.receivedAt, also!.ts, also!.receivedAt], [untimed!.receivedAt, untimed!.receivedAt, untimed!.receivedAt], 'one commit, one received time')
  t.equal(nulled!.ts, untimed!.receivedAt, 'ts: null is no time either')
})

t.test('a large batch goes into several inbox rows of about 32 KiB at most, delivered once and in order', async t => {
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const events = Array.from({ length: 1000 }, (_, i) => ({ deviceId: device, kind: 'fx.note', eventId: `big-${i}`, data: { n: 10_000 + i, text: 'x'.repeat(200) } }))
  const rows = await k.kernel.db.withTenant(tenant.id, async trx => {
    await ingest.store(trx, tenant.id, events)
    return trx('ingest_inbox').orderBy('seq').select('count', 'events') as Promise<Array<{ count: number, events: string }>>
  })
  t.ok(rows.length >= 7, `split into ${rows.length} rows`)
  t.ok(rows.every(r => r.events.length <= 33_000), 'none much over 32 KiB')
  t.equal(rows.reduce((n, r) => n + r.count, 0), 1000, 'every event in one of them')
  const got = await received(token, 1000)
  t.same(got.map(r => r.n), events.map(e => e.data.n), 'each delivered once, in order')
})

t.test('a one-round-trip commit that fails leaves nothing, and no scope stays on the pooled connection', { skip: testDatabase() !== 'postgres' && 'needs PostgreSQL (DATABASE_URL): PGlite runs tenant transactions statement by statement, with no one-round-trip commit' }, async t => {
  const autocommit = k.kernel.conn.autocommit
  if (!autocommit) throw new Error('PostgreSQL connections have a one-round-trip commit')
  const tenant = await k.createTenant()
  const commit = (values: unknown[]) => autocommit({ name: 'test_ingest_commit', text: 'select ingest_commit($1, $2, $3, $4, $5, $6, $7)', values })
  const bin = await import('../src/db/dialects/pg-binary.ts')
  // The device spelled twice: the second row repeats the first one's key after it was written.
  const twice = [tenant.id, bin.uuidArray([device, device.toUpperCase()]), bin.int4Array([1, 2]), bin.textArray(['r1', 'r1']), bin.textArray(['fx.sample']), bin.textArray(['[]']), bin.int4Array([0])]
  await t.rejects(commit(twice), { code: '23505' })
  const count = async (table: string) => Number(((await k.kernel.conn.owner(table).where({ tenant_id: tenant.id }).count({ n: '*' }).first()) as { n: number | string }).n)
  t.equal(await count('ingest_seen'), 0, 'the id written before the failure was rolled back')
  t.equal(await count('ingest_inbox'), 0)
  const who = { name: 'test_whoami', text: "select current_user as role, coalesce(current_setting('monozu.tenant_id', true), '') as scope", values: [] }
  const runtime = (await autocommit(who))[0] as { role: string, scope: string }
  t.not(runtime.role, 'monozu_app', 'a plain statement runs as the runtime login')
  await commit([tenant.id, bin.uuidArray([device]), bin.int4Array([1]), bin.textArray(['r2']), bin.textArray(['fx.sample']), bin.textArray(['[{"d":"' + device + '","e":"r2","t":"2026-01-01T00:00:00.000Z","x":{"n":1}}]']), bin.int4Array([1])])
  t.equal(await count('ingest_seen'), 1, 'a good commit stores')
  // The pool has few connections: every one of them is checked after the commits above.
  for (let i = 0; i < 8; i++) t.same(await autocommit(who), [runtime], `no role or tenant scope left on the pooled connection (${i + 1})`)
})
