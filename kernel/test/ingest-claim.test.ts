import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { claimEvents } from '../src/ingest/inbox.ts'

// How the dispatcher takes a consumer's batch from the inbox (migration 009), called directly on
// rows of a kind no plugin consumes, so no dispatcher takes them first.
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

t.test('a claim that rolls back leaves its rows; a concurrent claim skips them', async t => {
  if (k.kernel.db.dialect === 'pglite') { t.pass('PGlite runs one transaction at a time: nothing concurrent to test'); return }
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
