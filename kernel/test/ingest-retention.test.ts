import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import { PAGE_WINDOW } from '../src/db/batches.ts'
import { rowsOf } from '../src/db/database.ts'
import { SEEN_HOURS } from '../src/ingest/retention.ts'
import { fixture } from './helpers/paths.ts'

let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: [fixture('fx-ingest')] }) })
t.teardown(() => k?.close())

t.test('the retention job forgets event ids past the window, over many page windows, and keeps the rest', async t => {
  const owner = k.kernel.conn.owner
  const [a, b] = [await k.createTenant(), await k.createTenant()]
  const devices = [randomUUID(), randomUUID()]
  const old = new Date(Date.now() - (SEEN_HOURS + 24) * 3600_000)
  const recent = new Date(Date.now() - (SEEN_HOURS - 1) * 3600_000)
  // Old and recent rows side by side in the same pages, for two tenants: the pass must pick rows, not pages.
  const rows = Array.from({ length: 18_000 }, (_, i) => ({
    tenant_id: i % 2 ? a.id : b.id, device_id: devices[i % 2], event_id: i % 3 === 2 ? `recent-${i}` : `old-${i}`, received_at: i % 3 === 2 ? recent : old
  }))
  for (let i = 0; i < rows.length; i += 1000) await owner('ingest_seen').insert(rows.slice(i, i + 1000))
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const ev = (eventId: string) => ({ deviceId: devices[1] as string, kind: 'fx.sample', eventId, ts: new Date().toISOString(), data: { n: 1 } })
  t.same(await ingest.commit(a.id, [ev('now-1')]), [true], 'an id seen just now')

  const count = async (prefix: string) => Number((await owner('ingest_seen').whereLike('event_id', `${prefix}%`).count({ n: '*' }).first())?.n)
  const [pages] = rowsOf<{ n: number }>(await owner.raw("select (pg_relation_size('ingest_seen') / current_setting('block_size')::int)::int as n"))
  t.ok((pages?.n ?? 0) > 2 * PAGE_WINDOW, `the table spans several page windows (${pages?.n} pages)`)

  // The hourly schedule may run the job first (at minute 17): the outcome is the same either way.
  const { id } = await k.kernel.services.jobs.forPlugin('kernel').enqueue('ingest.retention')
  await waitFor('the ingest retention job', async () => owner('jobs').where({ id, state: 'succeeded' }).first(), 60_000)

  t.equal(await count('old-'), 0, `every id older than ${SEEN_HOURS} hours is gone`)
  t.equal(await count('recent-'), 6000, 'ids inside the window stay, in both tenants')
  t.equal(await count('now-'), 1)
  t.same(await ingest.commit(a.id, [ev('now-1')]), [false], 'a recent id is still a duplicate')
  t.same(await ingest.commit(a.id, [ev('recent-5')]), [false], 'an id near the end of the window is still a duplicate')
  t.same(await ingest.commit(a.id, [ev('old-1')]), [true], 'an expired id is taken as new again')
})
