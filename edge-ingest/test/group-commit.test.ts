import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { IngestEventInput, PluginIngest } from '@monozu/kernel'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { createGroupCommit } from '../src/group-commit.ts'
import { fixture } from '../../kernel/test/helpers/paths.ts'

// The group commit on the kernel's real ingest inbox; the only addition is a record of the
// commits it makes (their sizes and how many ran at once).
let k: TestKernel
t.before(async () => { k = await startTestKernel({ plugins: [fixture('fx-ingest')] }) })
t.teardown(() => k?.close())

function recorded (ingest: PluginIngest) {
  const commits: number[] = []
  let running = 0
  let most = 0
  const wrapped: PluginIngest = {
    ...ingest,
    async commit (tenantId, events) {
      commits.push(events.length)
      most = Math.max(most, ++running)
      try { return await ingest.commit(tenantId, events) } finally { running-- }
    }
  }
  return { wrapped, commits, most: () => most }
}

const device = randomUUID()
const event = (id: string): IngestEventInput => ({ deviceId: device, kind: 'fx.sample', eventId: id, ts: new Date().toISOString(), data: { n: 1 } })
const options = { windowMs: 0, maxBatchEvents: 1000, maxQueuedEvents: 10_000, concurrency: 2 }

t.test('a burst waits for the running commit, then goes as one batch once it stopped growing', async t => {
  const tenant = await k.createTenant()
  const { wrapped, commits, most } = recorded(k.kernel.registry.get('fx-ingest')!.context!.ingest)
  const group = createGroupCommit(wrapped, k.kernel.app.log, options)
  const first = group.submit(tenant.id, [event('a0')])
  // The rest of the burst arrives in the same turn, while the first commit runs.
  const rest = Array.from({ length: 9 }, (_, i) => group.submit(tenant.id, [event(`a${i + 1}`), event('a0')]))
  t.same(await first, [true])
  t.same(await Promise.all(rest), Array.from({ length: 9 }, () => [true, false]), 'each request gets its own answer; the repeated id is a duplicate')
  t.same(commits, [1, 18], 'one commit for the first request, one for the whole burst: not one per request')
  t.ok(most() <= 2, 'never more commits at once than the concurrency')
  await group.close()
})

t.test('with one slot the burst waits for the first commit to end', async t => {
  const tenant = await k.createTenant()
  const { wrapped, commits, most } = recorded(k.kernel.registry.get('fx-ingest')!.context!.ingest)
  const group = createGroupCommit(wrapped, k.kernel.app.log, { ...options, concurrency: 1 })
  const all = [group.submit(tenant.id, [event('b0')]), ...Array.from({ length: 5 }, (_, i) => group.submit(tenant.id, [event(`b${i + 1}`)]))]
  t.same(await Promise.all(all), Array.from({ length: 6 }, () => [true]))
  t.same(commits, [1, 5])
  t.equal(most(), 1)
  await group.close()
})

t.test('tenants do not wait for each other: each tenant\'s first commit starts at once', async t => {
  const [a, b] = [await k.createTenant(), await k.createTenant()]
  const { wrapped, commits, most } = recorded(k.kernel.registry.get('fx-ingest')!.context!.ingest)
  const group = createGroupCommit(wrapped, k.kernel.app.log, options)
  const done = Promise.all([group.submit(a.id, [event('c0')]), group.submit(b.id, [event('c0')])])
  t.equal(most(), 2, 'both commits started in the same turn')
  t.same(await done, [[true], [true]], 'the same id in two tenants is new in each')
  t.same(commits, [1, 1])
  await group.close()
})

t.test('a failed commit answers 503 for its requests and stores none of them', async t => {
  const tenant = await k.createTenant()
  const ingest = k.kernel.registry.get('fx-ingest')!.context!.ingest
  const group = createGroupCommit(ingest, k.kernel.app.log, options)
  // An undeclared kind makes the kernel refuse the whole batch.
  const bad = group.submit(tenant.id, [event('d0'), { ...event('d1'), kind: 'no.such.kind' }])
  await t.rejects(bad, { code: 'service_unavailable', status: 503 })
  t.same(await group.submit(tenant.id, [event('d0'), event('d1')]), [true, true], 'the retry stores both: the failed commit kept nothing')
  await group.close()
  await t.rejects(group.submit(tenant.id, [event('d2')]), { code: 'service_unavailable' }, 'after close, new work is refused')
})
