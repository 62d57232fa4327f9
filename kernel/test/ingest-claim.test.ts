import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, testDatabase, type TestKernel } from '../src/testing/internal.ts'
import { claimEvents, dueWork, startOfInbox, type DueCursor } from '../src/ingest/inbox.ts'

// How the dispatcher finds due work and takes a consumer's batch from the inbox (migrations 009,
// 010), called directly on rows of a kind no plugin consumes, so no dispatcher takes them first.
const KIND = 'fx.unconsumed'
const device = randomUUID()
let k: TestKernel
t.before(async () => { k = await startTestKernel() })
t.teardown(() => k?.close())

let n = 0
/** Inbox rows, oldest first, holding `counts[i]` events each; events are numbered across calls. */
async function fill (tenantId: string, counts: number[], extra: Record<string, unknown> = {}): Promise<number[][]> {
  const rows = counts.map(count => Array.from({ length: count }, () => n++))
  for (const list of rows) {
    const events = JSON.stringify(list.map(i => ({ d: device, e: `ev-${i}`, x: { n: i } })))
    await k.kernel.conn.owner('ingest_inbox').insert({ tenant_id: tenantId, kind: KIND, events, count: list.length, ...extra })
  }
  return rows
}
const claim = (tenantId: string, limit: number, retries = false, as = tenantId) =>
  k.kernel.db.withTenant(as, async trx => (await claimEvents(trx, tenantId, KIND, limit, retries)).events.map(e => e.data.n as number))
const left = async (tenantId: string) => Number(((await k.kernel.conn.owner('ingest_inbox').where({ tenant_id: tenantId, kind: KIND }).count({ n: '*' }).first()) as { n: number | string }).n)

t.test('a batch takes rows oldest first until they hold the limit, at least one row', async t => {
  const tenant = await k.createTenant()
  const rows = await fill(tenant.id, [1, 1, 1, 1, 1, 4, 4, 4, 30])
  t.same(await claim(tenant.id, 3), rows.slice(0, 3).flat(), 'three rows of one event for a limit of 3')
  t.same(await claim(tenant.id, 4), rows.slice(3, 6).flat(), 'the row that reaches the limit is taken whole (6 events for 4)')
  t.same(await claim(tenant.id, 5), rows.slice(6, 8).flat())
  t.same(await claim(tenant.id, 10), rows[8], 'a row larger than the limit comes alone')
  t.same(await claim(tenant.id, 10), [], 'then nothing is left')
  t.equal(await left(tenant.id), 0)
})

t.test('a tenant transaction claims only its own rows, whatever tenant id it passes', async t => {
  const [mine, theirs] = [await k.createTenant(), await k.createTenant()]
  const own = await fill(mine.id, [2, 2])
  await fill(theirs.id, [3, 3])
  t.same(await claim(theirs.id, 100, false, mine.id), [], 'another tenant\'s id in my transaction: row-level security hides their rows')
  t.equal(await left(theirs.id), 2, 'and they stay in the inbox')
  t.same(await claim(mine.id, 100), own.flat(), 'my own rows, all of them')
  t.equal(await left(theirs.id), 2)
})

t.test('retries are claimed apart, one row at a time, and only once due', async t => {
  const tenant = await k.createTenant()
  const past = new Date(Date.now() - 60_000)
  const due = await fill(tenant.id, [1, 1], { attempts: 2, available_at: past })
  await fill(tenant.id, [1], { attempts: 3, available_at: new Date(Date.now() + 3_600_000) })
  await fill(tenant.id, [1], { attempts: 10, available_at: past, failed_at: past })
  const fresh = await fill(tenant.id, [1])
  t.same(await claim(tenant.id, 100), fresh.flat(), 'a fresh batch leaves the retries alone')
  t.same(await claim(tenant.id, 100, true), due[0], 'one due retry')
  t.same(await claim(tenant.id, 100, true), due[1], 'then the next')
  t.same(await claim(tenant.id, 100, true), [], 'not one that is still backing off, nor a parked one')
  t.equal(await left(tenant.id), 2)
})

t.test('retries are taken in the order they fell due, oldest row first among equals', async t => {
  const tenant = await k.createTenant()
  const [tenSecondsAgo, aMinuteAgo] = [new Date(Date.now() - 10_000), new Date(Date.now() - 60_000)]
  const older = await fill(tenant.id, [1], { attempts: 1, available_at: tenSecondsAgo })
  const sooner = await fill(tenant.id, [1], { attempts: 4, available_at: aMinuteAgo })
  const newer = await fill(tenant.id, [1], { attempts: 2, available_at: tenSecondsAgo })
  t.same(await claim(tenant.id, 1, true), sooner[0], 'the row due 60 s ago, though stored after another')
  t.same(await claim(tenant.id, 1, true), older[0], 'then of two due at the same time the older row')
  t.same(await claim(tenant.id, 1, true), newer[0])
})

const due = (kinds: string[], limit: number, after?: DueCursor) => dueWork(k.kernel.conn.owner, kinds, limit, after)

t.test('due work: tenants and kinds with fresh events or due retries, not parked or backing-off rows', async t => {
  const [fresh, retrying, waiting, parked] = [await k.createTenant(), await k.createTenant(), await k.createTenant(), await k.createTenant()]
  const past = new Date(Date.now() - 60_000)
  await fill(fresh.id, [1])
  await fill(retrying.id, [1], { attempts: 1, available_at: past })
  await fill(waiting.id, [1], { attempts: 1, available_at: new Date(Date.now() + 3_600_000) })
  await fill(parked.id, [1], { attempts: 10, available_at: past, failed_at: past })
  const mine = new Set([fresh.id, retrying.id, waiting.id, parked.id])
  const { work } = await due([KIND, 'fx.other'], 1000)
  t.same(work.filter(w => mine.has(w.tenantId)).sort((a, b) => Number(a.retries) - Number(b.retries)), [
    { tenantId: fresh.id, kind: KIND, retries: false },
    { tenantId: retrying.id, kind: KIND, retries: true }
  ], 'the fresh rows and the due retry; neither the retry backing off nor the parked row')
  t.same((await due(['fx.other'], 1000)).work.filter(w => mine.has(w.tenantId)), [], 'nothing for a kind not asked for')
  t.same(await due([], 1000), { work: [], next: startOfInbox }, 'no kinds, nothing to search')
})

t.test('due work beyond one search\'s limit gets its turn: the cursor goes on where the last stopped', async t => {
  const tenants = [await k.createTenant(), await k.createTenant(), await k.createTenant()]
  for (const tenant of tenants) await fill(tenant.id, [1])
  const seen = new Set<string>()
  let after: DueCursor = startOfInbox
  let searches = 0
  do {
    const result = await due([KIND], 2, after)
    t.ok(result.work.filter(w => !w.retries).length <= 2, 'at most the limit of fresh pairs')
    for (const w of result.work) if (!w.retries) seen.add(w.tenantId)
    after = result.next
    searches++
  } while ((after.fresh !== null || after.retries !== null) && searches < 100)
  t.ok(searches > 1 && searches < 100, `the cursor moved on and came back to the start (${searches} searches)`)
  t.ok(tenants.every(tenant => seen.has(tenant.id)), 'every tenant with due events was listed')
  t.equal((await due([KIND], 2)).work.filter(w => !w.retries).length, 2, 'from the start again: the first two')
})

t.test('a claim that rolls back leaves its rows; a concurrent claim skips them', { skip: testDatabase() !== 'postgres' && 'needs PostgreSQL (DATABASE_URL): PGlite runs one transaction at a time, so nothing is concurrent' }, async t => {
  const tenant = await k.createTenant()
  const rows = await fill(tenant.id, [1, 1, 1, 1, 1, 1])
  let beside: number[] = []
  await t.rejects(k.kernel.db.withTenant(tenant.id, async trx => {
    t.same((await claimEvents(trx, tenant.id, KIND, 3, false)).events.map(e => e.data.n), rows.slice(0, 3).flat(), 'the first transaction takes the oldest three')
    beside = await claim(tenant.id, 3)
    throw new Error('the consumer failed')
  }), /the consumer failed/)
  t.same(beside, rows.slice(3, 6).flat(), 'meanwhile another took the next three instead of waiting')
  t.same(await claim(tenant.id, 100), rows.slice(0, 3).flat(), 'the rolled-back three are back, in order')
  t.equal(await left(tenant.id), 0)
})
