import t from 'tap'
import { waitFor } from '@monozu/kernel/testing'
import { eventsCluster, type Seen } from './helpers/events-cluster.ts'

const redisUrl = process.env.REDIS_URL
const skip = !(process.env.DATABASE_URL && redisUrl) && 'needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL); .ci/run sets both'

t.test('two instances on one PostgreSQL database: each handler sees a subject\'s events in publish order', { skip }, async t => {
  const c = await eventsCluster(fn => t.teardown(fn), { REDIS_URL: redisUrl as string })
  const [A, B] = await Promise.all([c.start('A'), c.start('B')])
  const subjects = ['dev-1', 'dev-2', 'dev-3']
  const order = new Map(subjects.map(s => [s, [] as number[]]))
  let n = 0
  // 20 requests of 30 events, alternating between the instances; publish order is request order.
  for (let r = 0; r < 20; r++) {
    const items = Array.from({ length: 30 }, () => { const i = n++; return { n: i, subject: subjects[i % 3] as string } })
    for (const item of items) order.get(item.subject)!.push(item.n)
    const res = await (r % 2 === 0 ? A! : B!).call('POST', '/api/v1/fx-events-pub/publish', { items })
    if (res.status !== 200) t.fail(`publish ${r}: ${res.status}`)
  }
  const seen = async () => (await A!.call('GET', '/api/v1/fx-events-sub/seen')).body.items as Seen[]
  const rows = await waitFor('every event to reach both handlers', async () => { const s = await seen(); return s.length >= 2 * n ? s : undefined }, 60_000)
  t.equal(rows.length, 2 * n, 'no event delivered twice')
  for (const handler of ['record', 'tally']) {
    for (const subject of subjects) {
      t.same(rows.filter(r => r.handler === handler && r.subject === subject).map(r => r.n), order.get(subject), `${handler}, ${subject}: in publish order`)
    }
  }
  const byWorker = new Map<string, number>()
  for (const r of rows) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1)
  t.comment(`deliveries by instance: ${JSON.stringify(Object.fromEntries(byWorker))}`)
})
