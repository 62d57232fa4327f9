import t from 'tap'
import { startTestKernel, waitFor, type TestKernel } from '../src/testing/internal.ts'
import { ManualClock } from '../src/testing/clock.ts'
import { systemClock } from '../src/clock/clock.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { jobsFixture, tickerFixture } from './helpers/paths.ts'

t.test('a manual clock stands still and runs its timers in order as it advances', async t => {
  const start = Date.UTC(2030, 0, 1)
  const clock = new ManualClock(start)
  const ran: string[] = []
  clock.after(300, () => { ran.push(`late@${clock.nowMs() - start}`) })
  clock.after(100, async () => { ran.push(`early@${clock.nowMs() - start}`); clock.after(50, () => { ran.push(`chained@${clock.nowMs() - start}`) }) })
  const cancel = clock.after(200, () => { ran.push('cancelled') })
  cancel()
  clock.every(100, () => { ran.push(`every@${clock.nowMs() - start}`) })
  t.equal(clock.nowMs(), start)
  await clock.advance(99)
  t.same(ran, [], 'nothing before its time')
  await clock.advance(251)
  t.same(ran, ['early@100', 'every@100', 'chained@150', 'late@300'], 'each at its due time, a periodic one once per advance, a timer set while advancing included')
  t.equal(clock.nowMs(), start + 350)
  await clock.advance(50)
  t.same(ran.slice(4), ['every@400'], 'the periodic timer keeps its phase')
  await clock.set(new Date(start))
  t.equal(clock.nowMs(), start, 'set goes back, running nothing')
  await t.rejects(clock.advance(-1), RangeError)
  clock.after(10, () => { throw new Error('boom') })
  await t.rejects(clock.advance(20), /boom/, 'a failing timer fails the advance')
  t.equal(clock.nowMs(), start + 20, 'after moving the time all the way')
})

t.test('the system clock is the real time and its timers do not hold the process', async t => {
  t.ok(Math.abs(systemClock.nowMs() - Date.now()) < 1000)
  t.ok(systemClock.now() instanceof Date)
  const fired = await new Promise<boolean>(resolve => { systemClock.after(1, () => resolve(true)) })
  t.ok(fired)
})

t.test('a kernel on a manual clock', async t => {
  const k: TestKernel = await startTestKernel({ plugins: [jobsFixture, tickerFixture], clock: 'manual' })
  t.teardown(() => k.close())
  const tenant: Tenant = await k.createTenant()
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const owner = k.kernel.conn.owner
  const jobRow = (id: string) => owner('jobs').where({ id }).first('state', 'attempts', 'last_error', 'run_at')
  const enqueue = async (body: Record<string, unknown>) => {
    const res = await k.request('POST', '/api/v1/fx-jobs/enqueue', { token: admin.token, body })
    if (res.status !== 200) throw new Error(`enqueue: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.jobs[0] as { id: string }
  }

  t.test('plugins and the kit read the same time, which moves only when told', async t => {
    const before = k.clock.now()
    await k.request('GET', '/api/v1/me', { token: admin.token })
    t.same(k.clock.now(), before, 'standing still')
    t.same(k.pluginContext('fx-jobs').clock.now(), before, 'ctx.clock is the kernel\'s clock')
    await k.clock.advance(1500)
    t.equal(k.clock.now().getTime(), before.getTime() + 1500)
  })

  t.test('a job due in an hour runs after the clock passes it, not before', async t => {
    const job = await enqueue({ name: 'record', delaySeconds: 3600 })
    t.equal(new Date((await jobRow(job.id)).run_at).getTime(), k.clock.now().getTime() + 3600_000, 'due by the kernel clock')
    await k.clock.advance(3599_000)
    // advance() returns after a claim that began once the time had moved: the job was not due.
    t.match(await jobRow(job.id), { state: 'pending', attempts: 0 }, 'not run a second early')
    await k.clock.advance(1000)
    const done = await waitFor('the job to finish', async () => { const r = await jobRow(job.id); return r.state === 'succeeded' ? r : undefined })
    t.equal(Number(done.attempts), 1)
    const runs = await k.kernel.db.withTenant(tenant.id, trx => trx('fx_job_runs').where({ job_id: job.id }))
    t.equal(runs.length, 1, 'it ran once')
  })

  t.test('a failed job retries when the clock passes its backoff', async t => {
    const job = await enqueue({ name: 'flaky', payload: { succeedOn: 2 } })
    await waitFor('the first attempt to fail', async () => { const r = await jobRow(job.id); return r.state === 'pending' && Number(r.attempts) === 1 ? r : undefined })
    await k.clock.advance(0)
    t.match(await jobRow(job.id), { state: 'pending', attempts: 1, last_error: /attempt 1 fails/ }, 'waits for its backoff on the kernel clock')
    await k.clock.advance(1000)
    const done = await waitFor('the retry to succeed', async () => { const r = await jobRow(job.id); return r.state === 'succeeded' ? r : undefined })
    t.equal(Number(done.attempts), 2)
  })

  t.test('a schedule ticks by the kernel clock', async t => {
    const ticks = () => k.kernel.db.withTenant(tenant.id, trx => trx('fx_ticks').select('tick'))
    const base = new Date(Math.ceil(k.clock.now().getTime() / 1000) * 1000 + 60_000)
    await k.clock.set(base)
    const first = await waitFor('the tick at the set time', async () => { const r = await ticks(); return r.some(x => x.tick === base.toISOString()) ? r : undefined })
    await k.clock.advance(0)
    t.equal((await ticks()).length, first.length, 'no new tick while the clock stands')
    await k.clock.advance(1000)
    const next = new Date(base.getTime() + 1000).toISOString()
    t.ok(await waitFor('the next second\'s tick', async () => (await ticks()).some(x => x.tick === next)), 'one tick per second of kernel time')
  })
})

t.test('the kit refuses to move a system clock', async t => {
  const k = await startTestKernel()
  t.teardown(() => k.close())
  t.ok(Math.abs(k.clock.now().getTime() - Date.now()) < 5000, 'the default is the real time')
  await t.rejects(k.clock.advance(1000), /system clock/)
  await t.rejects(k.clock.set(new Date(0)), /system clock/)
})
