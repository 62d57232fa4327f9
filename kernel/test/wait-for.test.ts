import t from 'tap'
import { waitFor } from '@monozu/kernel/testing'

// The test kit's poller, which plugin tests rely on to wait for jobs and consumers.
t.test('waitFor returns the first truthy value check gives', async t => {
  let calls = 0
  const value = await waitFor('the third call', async () => ++calls >= 3 && { calls })
  t.same(value, { calls: 3 }, 'polled until check answered, then stopped')
})

t.test('waitFor throws, naming what it waited for, once the time is up', async t => {
  let calls = 0
  await t.rejects(waitFor('a value that never comes', async () => { calls++; return null }, 200), { message: 'timed out waiting for a value that never comes' })
  t.ok(calls > 1, `it kept polling (${calls} calls)`)
})

t.test('an error in check ends the wait with that error', async t => {
  await t.rejects(waitFor('anything', async () => { throw new Error('the route answered 500') }), { message: 'the route answered 500' })
})
