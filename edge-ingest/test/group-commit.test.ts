import t from 'tap'
import { createHook } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { IngestEventInput, PluginIngest } from '@monozu/kernel'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { createGroupCommit } from '../src/group-commit.ts'
import { fileURLToPath } from 'node:url'

// The group commit on the kernel's real ingest inbox. The one addition is a gate in front of each
// commit that the test opens, so that "while a commit runs" is a state the test controls, and a
// record of the commits (their sizes, how many ran at once).
let k: TestKernel
// The kernel's fixture plugin with ingest kinds: a plugin folder, not an import of the kernel's tests.
const fxIngest = fileURLToPath(new URL('../../kernel/test/fixtures/plugins/fx-ingest', import.meta.url))
t.before(async () => { k = await startTestKernel({ plugins: [fxIngest] }) })
t.teardown(() => k?.close())

function gated (ingest: PluginIngest, held = true) {
  const commits: number[] = []
  const tenants: number[] = []
  const gates: Array<() => void> = []
  let running = 0
  let most = 0
  const wrapped: PluginIngest = {
    ...ingest,
    async commitTenants (batches) {
      commits.push(batches.reduce((n, b) => n + b.events.length, 0))
      tenants.push(batches.length)
      most = Math.max(most, ++running)
      try {
        if (held) await new Promise<void>(resolve => gates.push(resolve))
        return await ingest.commitTenants(batches)
      } finally { running-- }
    }
  }
  const open = () => { for (const g of gates.splice(0)) g() }
  /** Opens the gates until every answer is in (the database takes its time on PostgreSQL). */
  async function release<T> (answers: Array<Promise<T>>): Promise<T[]> {
    let done = false
    const all = Promise.all(answers).finally(() => { done = true })
    while (!done) { open(); await new Promise(resolve => setTimeout(resolve, 5)) }
    return all
  }
  return { wrapped, commits, tenants, most: () => most, open, release }
}

const turn = () => new Promise(resolve => setImmediate(resolve))
const turns = async (n: number) => { for (let i = 0; i < n; i++) await turn() }
const device = randomUUID()
const event = (id: string): IngestEventInput => ({ deviceId: device, kind: 'fx.sample', eventId: id, ts: new Date().toISOString(), data: { n: 1 } })
const options = { windowMs: 0, maxBatchEvents: 1000, maxQueuedEvents: 10_000, concurrency: 2, parallelMinEvents: 3 }
const ingestOf = () => k.pluginContext('fx-ingest').ingest

/** A new tenant's group commit with its first batch (`<prefix>0`) committing, held at the gate. */
async function oneCommitRunning (prefix: string, opts = options) {
  const tenant = await k.createTenant()
  const g = gated(ingestOf())
  const group = createGroupCommit(g.wrapped, k.app.log, opts)
  const answers = [group.submit(tenant.id, [event(`${prefix}0`)])]
  await turns(2)
  return { tenant, g, group, answers }
}

t.test('the requests of one event-loop turn go as one batch', async t => {
  const tenant = await k.createTenant()
  const g = gated(ingestOf(), false)
  const group = createGroupCommit(g.wrapped, k.app.log, options)
  const all = Array.from({ length: 10 }, (_, i) => group.submit(tenant.id, [event(`a${i}`), event('a0')]))
  t.same(await Promise.all(all), Array.from({ length: 10 }, () => [true, false]), 'each request gets its own answer; the repeated id is a duplicate')
  t.same(g.commits, [20], 'one commit, not one per request')
  await group.close()
})

t.test('beside a running commit, the next batch starts once it stopped growing', async t => {
  const { tenant, g, group, answers } = await oneCommitRunning('b')
  t.same(g.commits, [1], 'the first batch went at the end of its turn')
  answers.push(...[1, 2, 3].map(i => group.submit(tenant.id, [event(`b${i}`)])))
  await turns(3)
  t.same(g.commits, [1, 3], 'a turn without new requests: the next batch starts beside the running one')
  answers.push(...[4, 5].map(i => group.submit(tenant.id, [event(`b${i}`)])))
  await turns(3)
  t.same(g.commits, [1, 3], 'both slots busy: the third batch waits')
  t.same(await g.release(answers), Array.from({ length: 6 }, () => [true]))
  t.same(g.commits, [1, 3, 2])
  t.equal(g.most(), 2, 'never more commits at once than the concurrency')
  await group.close()
})

t.test('a batch too small to pay for a commit of its own waits for the running one, and grows', async t => {
  const { tenant, g, group, answers } = await oneCommitRunning('s')
  answers.push(...[1, 2].map(i => group.submit(tenant.id, [event(`s${i}`)])))
  await turns(3)
  t.same(g.commits, [1], 'two events, under parallelMinEvents (3): no second commit beside the first')
  answers.push(group.submit(tenant.id, [event('s3')]))
  await turns(3)
  t.same(g.commits, [1, 3], 'once it holds three, it starts')
  t.same(await g.release(answers), Array.from({ length: 4 }, () => [true]))
  await group.close()
})

t.test('a batch waiting for its tenant\'s running commit leaves the event loop idle', async t => {
  const { tenant, g, group, answers } = await oneCommitRunning('i')
  answers.push(group.submit(tenant.id, [event('i1')]))
  // The group commit looks at the end of a turn through setImmediate: count those while the
  // small batch waits. Polling it every turn kept the loop spinning for as long as a commit ran.
  let immediates = 0
  const hook = createHook({ init (_id, type) { if (type === 'Immediate') immediates++ } }).enable()
  await new Promise(resolve => setTimeout(resolve, 100))
  hook.disable()
  t.ok(immediates <= 2, `no polling while nothing can start (${immediates} turns probed in 100 ms)`)
  t.same(g.commits, [1], 'the one-event batch still waits')
  t.same(await g.release(answers), [[true], [true]])
  t.same(g.commits, [1, 1], 'and goes when the running commit ends')
  await group.close()
})

t.test('a full batch starts beside a running commit at once, without waiting for a quiet turn', async t => {
  // Under steady load every turn brings requests, so a batch below the cap never sees a quiet
  // turn while a commit runs; the cap is what lets the second slot work.
  const { tenant, g, group, answers } = await oneCommitRunning('f', { ...options, maxBatchEvents: 4 })
  answers.push(...[1, 2, 3].map(i => group.submit(tenant.id, [event(`f${i}`)])))
  t.same(g.commits, [1], 'three events in a turn that is still bringing requests: they wait')
  answers.push(group.submit(tenant.id, [event('f4')]))
  t.same(g.commits, [1, 4], 'the fourth fills the batch: it starts in the same turn, beside the running commit')
  t.same(await g.release(answers), Array.from({ length: 5 }, () => [true]))
  t.equal(g.most(), 2)
  await group.close()
})

t.test('with one slot the next batch waits for the running commit to end', async t => {
  const { tenant, g, group, answers } = await oneCommitRunning('c', { ...options, concurrency: 1 })
  answers.push(...[1, 2, 3, 4, 5].map(i => group.submit(tenant.id, [event(`c${i}`)])))
  await turns(5)
  t.same(g.commits, [1])
  t.same(await g.release(answers), Array.from({ length: 6 }, () => [true]))
  t.same(g.commits, [1, 5])
  t.equal(g.most(), 1)
  await group.close()
})

t.test('a backlog goes in order, in batches up to maxBatchEvents that never split a request', async t => {
  const { tenant, g, group, answers } = await oneCommitRunning('q', { ...options, concurrency: 1 })
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => event(`${prefix}${i}`))
  const singles = Array.from({ length: 1500 }, (_, i) => group.submit(tenant.id, [event(`q${i + 1}`)]))
  const mid = group.submit(tenant.id, ids('r', 600))
  const large = group.submit(tenant.id, ids('s', 1200))
  const tail = [1, 2, 3].map(i => group.submit(tenant.id, [event(`u${i}`)]))
  const all = [...answers, ...singles, mid, large, ...tail]
  const stored = await g.release(all)
  t.same(g.commits, [1, 1000, 500, 600, 1200, 3], 'full batches first; 600 does not fit beside 500; 1,200 (over the limit) goes alone')
  t.equal(stored.length, all.length, 'every request answered')
  t.ok(stored.every((s, i) => s.length === (all[i] === mid ? 600 : all[i] === large ? 1200 : 1) && s.every(Boolean)), 'each with its own events, all stored')
  await group.close()
})

t.test('tenants share a commit, each answered from its own part', async t => {
  const [a, b] = [await k.createTenant(), await k.createTenant()]
  const g = gated(ingestOf(), false)
  const group = createGroupCommit(g.wrapped, k.app.log, options)
  const answers = [
    group.submit(a.id, [event('d0')]),
    group.submit(b.id, [event('d0'), event('d1')]),
    group.submit(a.id, [event('d1'), event('d0')])
  ]
  t.same(await Promise.all(answers), [[true], [true, true], [true, false]], 'the same id in two tenants is new in each; a repeat within a tenant is a duplicate')
  t.same(g.commits, [5], 'one commit for both tenants')
  t.same(g.tenants, [2], 'holding one part per tenant')
  // ingest_seen, not the inbox: the kernel's consumers may already have taken the inbox rows.
  const ids = async (tenantId: string) => (await k.db.withTenant(tenantId, trx => trx('ingest_seen').select('tenant_id', 'event_id').orderBy('event_id'))).map(r => `${r.tenant_id === tenantId ? 'own' : 'other'}:${r.event_id}`)
  t.same(await ids(a.id), ['own:d0', 'own:d1'], 'tenant A sees its own two ids, stored under its own tenant')
  t.same(await ids(b.id), ['own:d0', 'own:d1'], 'and tenant B its own')
  await group.close()
})

t.test('a failed commit answers 503 for its requests and stores none of them', async t => {
  const tenant = await k.createTenant()
  const group = createGroupCommit(ingestOf(), k.app.log, options)
  // An undeclared kind makes the kernel refuse the whole batch.
  const bad = group.submit(tenant.id, [event('e0'), { ...event('e1'), kind: 'no.such.kind' }])
  await t.rejects(bad, { code: 'service_unavailable', status: 503 })
  t.same(await group.submit(tenant.id, [event('e0'), event('e1')]), [true, true], 'the retry stores both: the failed commit kept nothing')
  await group.close()
  await t.rejects(group.submit(tenant.id, [event('e2')]), { code: 'service_unavailable' }, 'after close, new work is refused')
})
