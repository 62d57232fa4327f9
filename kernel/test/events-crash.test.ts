import t from 'tap'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '@monozu/kernel/testing'
import { eventsCluster, type Seen } from './helpers/events-cluster.ts'

// A kernel process on an embedded data dir, or on PostgreSQL when DATABASE_URL is set.
t.test('SIGKILL between the commit and the delivery: after a restart the event arrives, once in effect', async t => {
  const blockFile = join(mkdtempSync(join(tmpdir(), 'monozu-block-')), 'began')
  const c = await eventsCluster(fn => t.teardown(fn))
  const A = await c.start('A', { FX_EVENTS_BLOCK_FILE: blockFile })
  const published = await A.call('POST', '/api/v1/fx-events-pub/publish', { items: [{ n: 1, subject: 'crash', note: 'block' }] })
  t.equal(published.status, 200, 'committed')
  const [id] = published.body.ids as string[]
  // The handler has begun (its transaction is open) and never finishes: the process dies there.
  await waitFor('the handler to start on A', async () => existsSync(blockFile) || undefined)
  A.child.kill('SIGKILL')
  await A.exited
  const B = await c.start('B')
  const seen = async () => (await B.call('GET', '/api/v1/fx-events-sub/seen')).body.items as Seen[]
  await waitFor('both handlers to see the event on B', async () => (await seen()).filter(s => s.event_id === id).length >= 2 || undefined)
  // A later event of the same subject is delivered after it: when it has arrived, the first was acknowledged.
  const next = await B.call('POST', '/api/v1/fx-events-pub/publish', { items: [{ n: 2, subject: 'crash' }] })
  const second = (next.body.ids as string[])[0]
  await waitFor('the second event', async () => (await seen()).filter(s => s.event_id === second).length >= 2 || undefined)
  const rows = await seen()
  for (const handler of ['record', 'tally']) {
    t.same(rows.filter(r => r.handler === handler).map(r => [r.n, r.worker]), [[1, 'B'], [2, 'B']], `${handler}: the event once, written by the restarted instance, then the next`)
  }
})
