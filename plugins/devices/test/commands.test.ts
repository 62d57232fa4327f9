import t from 'tap'
import WebSocket from 'ws'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, enrollmentToken, register, startDevicesKernel } from './helpers.ts'

let k: TestKernel
// Timeouts and TTLs run on the kernel clock: the test moves it instead of waiting.
t.before(async () => { k = await startDevicesKernel({ clock: 'manual' }) })
t.teardown(() => k?.close())

const asDevice = (key: string) => ({ headers: { 'x-device-key': key } })
const poll = async (key: string) => (await k.request('GET', '/api/v1/devices/self/commands', asDevice(key))).body.items as Array<Record<string, any>>
const queue = (token: string, body: Record<string, unknown>) => k.request('POST', '/api/v1/commands', { token, body })

t.test('one command at a time per device, in order, through its states', async t => {
  const d = await enrolledDevice(k)
  const first = await queue(d.admin, { deviceId: d.deviceId, type: 'run-script', payload: { script: 'uptime' }, timeoutSeconds: 60 })
  t.equal(first.status, 202)
  t.match(first.body, { state: 'queued', type: 'run-script', payload: { script: 'uptime' }, ttlSeconds: 3600, timeoutSeconds: 60 })
  await k.clock.advance(1) // queued a moment later (the clock stands still otherwise)
  const second = await queue(d.admin, { deviceId: d.deviceId, type: 'echo' })
  t.equal((await queue(d.member, { deviceId: d.deviceId, type: 'echo' })).status, 403, 'members cannot send commands')

  let got = await poll(d.deviceKey)
  t.match(got, [{ id: first.body.id, state: 'sent' }])
  t.ok(got[0]!.deadlineAt, 'the timeout runs from delivery')
  got = await poll(d.deviceKey)
  t.match(got, [{ id: first.body.id, state: 'sent' }], 'an unacknowledged command is handed out again, and only it')
  const ack = await k.request('POST', `/api/v1/commands/${first.body.id}/ack`, { ...asDevice(d.deviceKey), body: {} })
  t.equal(ack.body.state, 'acked')
  t.same(await poll(d.deviceKey), [], 'nothing else while one is in flight')
  t.equal((await k.request('POST', `/api/v1/commands/${first.body.id}/ack`, { ...asDevice(d.deviceKey), body: { state: 'running' } })).body.state, 'running')
  t.equal((await k.request('POST', `/api/v1/commands/${first.body.id}/ack`, { ...asDevice(d.deviceKey), body: { state: 'acked' } })).body.state, 'running', 'a late ack changes nothing')
  const result = await k.request('POST', `/api/v1/commands/${first.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 0, output: 'up 3 days', durationMs: 42 } })
  t.match(result.body, { state: 'succeeded', exitCode: 0, output: 'up 3 days', durationMs: 42, outputTruncated: false })
  const repeat = await k.request('POST', `/api/v1/commands/${first.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 1, output: 'other' } })
  t.equal(repeat.status, 200)
  t.match(repeat.body, { state: 'succeeded', exitCode: 0, output: 'up 3 days' }, 'a repeated result is idempotent')
  t.match(await poll(d.deviceKey), [{ id: second.body.id, state: 'sent' }], 'then the next one')
  const failed = await k.request('POST', `/api/v1/commands/${second.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 3 } })
  t.equal(failed.body.state, 'failed')
  const history = await k.request('GET', `/api/v1/commands?deviceId=${d.deviceId}`, { token: d.member })
  t.same(history.body.items.map((c: { id: string }) => c.id), [second.body.id, first.body.id], 'newest first')
  const succeeded = await k.request('GET', '/api/v1/commands?state=succeeded', { token: d.member })
  t.same(succeeded.body.items.map((c: { id: string }) => c.id), [first.body.id])
})

t.test('a stuck command times out and stops blocking; an undelivered one expires', async t => {
  const d = await enrolledDevice(k)
  const stuck = await queue(d.admin, { deviceId: d.deviceId, type: 'reboot', timeoutSeconds: 1 })
  await k.clock.advance(1)
  const next = await queue(d.admin, { deviceId: d.deviceId, type: 'echo' })
  t.match(await poll(d.deviceKey), [{ id: stuck.body.id }])
  await k.request('POST', `/api/v1/commands/${stuck.body.id}/ack`, { ...asDevice(d.deviceKey), body: { state: 'running' } })
  await k.clock.advance(999)
  t.same(await poll(d.deviceKey), [], 'the running command blocks the queue until its timeout')
  t.equal((await k.request('GET', `/api/v1/commands/${stuck.body.id}`, { token: d.member })).body.state, 'running')
  await k.clock.advance(1)
  t.match(await poll(d.deviceKey), [{ id: next.body.id, state: 'sent' }], 'the next command goes once the stuck one times out')
  const timedOut = await k.request('GET', `/api/v1/commands/${stuck.body.id}`, { token: d.member })
  t.match(timedOut.body, { state: 'timed_out', error: /timeout/ })
  const late = await k.request('POST', `/api/v1/commands/${stuck.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 0 } })
  t.equal(late.status, 409)
  t.equal(late.body.code, 'invalid_state')

  const other = await register(k, await enrollmentToken(k, d.admin))
  const expiring = await queue(d.admin, { deviceId: other.deviceId, type: 'echo', ttlSeconds: 1 })
  const stateOf = async (id: string) => (await k.request('GET', `/api/v1/commands/${id}`, { token: d.member })).body.state
  await k.clock.advance(999)
  t.equal((await k.runJob('devices', 'sweep', null, { tenantId: d.tenant.id })).state, 'succeeded')
  t.equal(await stateOf(expiring.body.id), 'queued', 'not expired before its TTL')
  await k.clock.advance(1)
  t.equal((await k.runJob('devices', 'sweep', null, { tenantId: d.tenant.id })).state, 'succeeded')
  t.equal(await stateOf(expiring.body.id), 'expired', 'the sweep job expires it even though the device never asked')
  t.same(await poll(other.deviceKey), [], 'an expired command is never delivered')
})

t.test('idempotency keys, cancel rules, output cap, validation', async t => {
  const d = await enrolledDevice(k)
  const body = { deviceId: d.deviceId, type: 'echo', payload: { text: 'hi' }, idempotencyKey: 'op-42' }
  const a = await queue(d.admin, body)
  const b = await queue(d.admin, body)
  t.equal(b.status, 202)
  t.equal(b.body.id, a.body.id, 'the same key gives the same command')
  const clash = await queue(d.admin, { ...body, payload: { text: 'other' } })
  t.equal(clash.status, 409)
  t.equal(clash.body.code, 'idempotency_conflict')
  t.equal((await k.request('GET', `/api/v1/commands?deviceId=${d.deviceId}`, { token: d.member })).body.items.length, 1)

  const cancelled = await k.request('POST', `/api/v1/commands/${a.body.id}/cancel`, { token: d.admin })
  t.match(cancelled.body, { state: 'cancelled' })
  t.same(await poll(d.deviceKey), [], 'a cancelled command is not delivered')

  const big = await queue(d.admin, { deviceId: d.deviceId, type: 'run-script' })
  await poll(d.deviceKey)
  const ack = await k.request('POST', `/api/v1/commands/${big.body.id}/ack`, { ...asDevice(d.deviceKey), body: { state: 'running' } })
  t.equal(ack.status, 200)
  const noCancel = await k.request('POST', `/api/v1/commands/${big.body.id}/cancel`, { token: d.admin })
  t.equal(noCancel.status, 409, 'a running command cannot be cancelled')
  const output = 'é'.repeat(40 * 1024) // 80 KiB of UTF-8
  const res = await k.request('POST', `/api/v1/commands/${big.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 0, output } })
  t.equal(res.body.outputTruncated, true)
  t.ok(Buffer.byteLength(res.body.output) <= 64 * 1024 && Buffer.byteLength(res.body.output) > 64 * 1024 - 4, 'capped at 64 KiB')
  t.notOk(res.body.output.includes('\uFFFD'), 'no character is cut in half')

  for (const [bad, why] of [
    [{ deviceId: d.deviceId }, 'no type'],
    [{ deviceId: 'nope', type: 'echo' }, 'not a uuid'],
    [{ deviceId: d.deviceId, type: 'Echo Now' }, 'bad type'],
    [{ deviceId: d.deviceId, type: 'echo', timeoutSeconds: 0 }, 'zero timeout'],
    [{ deviceId: d.deviceId, type: 'echo', extra: 1 }, 'unknown field']
  ] as const) {
    const r = await queue(d.admin, bad)
    t.equal(r.status, 400, why)
    t.equal(r.body.code, 'validation_failed', why)
  }
  const huge = await queue(d.admin, { deviceId: d.deviceId, type: 'echo', payload: { blob: 'x'.repeat(70 * 1024) } })
  t.equal(huge.status, 413)
  const badResult = await k.request('POST', `/api/v1/commands/${big.body.id}/result`, { ...asDevice(d.deviceKey), body: { exitCode: 'zero' } })
  t.equal(badResult.status, 400)
})

t.test('another tenant or another device cannot touch a command', async t => {
  const a = await enrolledDevice(k)
  const b = await enrolledDevice(k)
  const sibling = await register(k, await enrollmentToken(k, a.admin))
  const cmd = await queue(a.admin, { deviceId: a.deviceId, type: 'echo' })
  t.equal((await queue(b.admin, { deviceId: a.deviceId, type: 'echo' })).status, 404, 'B cannot queue for A\'s device')
  t.equal((await k.request('GET', `/api/v1/commands/${cmd.body.id}`, { token: b.admin })).status, 404)
  t.equal((await k.request('POST', `/api/v1/commands/${cmd.body.id}/cancel`, { token: b.admin })).status, 404)
  t.same((await k.request('GET', '/api/v1/commands', { token: b.admin })).body.items, [])
  await poll(a.deviceKey)
  for (const key of [b.deviceKey, sibling.deviceKey]) {
    t.equal((await k.request('POST', `/api/v1/commands/${cmd.body.id}/ack`, { ...asDevice(key), body: {} })).status, 404)
    t.equal((await k.request('POST', `/api/v1/commands/${cmd.body.id}/result`, { ...asDevice(key), body: { exitCode: 0 } })).status, 404)
  }
  t.equal((await k.request('POST', `/api/v1/commands/${cmd.body.id}/ack`, { headers: { 'x-device-key': 'mzd_forged' }, body: {} })).status, 401)
  t.equal((await k.request('GET', `/api/v1/commands/${cmd.body.id}`, { token: a.member })).body.state, 'sent', 'unchanged')
})

t.test('commands are pushed over the device socket and users watch them live', async t => {
  const d = await enrolledDevice(k)
  const base = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const watcher = new WebSocket(`${base}/api/ws/devices`, ['bearer', d.member])
  const seen: string[] = []
  watcher.on('message', raw => {
    const m = JSON.parse(raw.toString())
    if (m.event === 'command.state') seen.push(m.data.command.state)
  })
  await new Promise((resolve, reject) => { watcher.on('open', resolve); watcher.on('error', reject) })
  t.rejects(new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/api/ws/device`, { headers: { 'x-device-key': 'mzd_nope' } })
    ws.on('open', resolve); ws.on('error', reject)
  }), 'a socket without a valid key is refused before the upgrade')
  const device = new WebSocket(`${base}/api/ws/device`, { headers: { 'x-device-key': d.deviceKey } })
  const messages: Array<Record<string, any>> = []
  const next = () => waitFor('a frame on the device socket', async () => messages.shift(), 5000)
  device.on('message', raw => messages.push(JSON.parse(raw.toString())))
  await new Promise((resolve, reject) => { device.on('open', resolve); device.on('error', reject) })
  const cmd = await queue(d.admin, { deviceId: d.deviceId, type: 'ping', payload: { host: '10.0.0.1' } })
  const pushed = await next()
  t.match(pushed, { type: 'command', command: { id: cmd.body.id, state: 'sent', payload: { host: '10.0.0.1' } } })
  device.send(JSON.stringify({ type: 'ack', id: cmd.body.id, state: 'running' }))
  t.match(await next(), { type: 'updated', command: { state: 'running' } })
  device.send('not json')
  t.match(await next(), { type: 'error', code: 'bad_request', status: 400 })
  device.send(JSON.stringify({ type: 'result', id: cmd.body.id, exitCode: 0, output: '64 bytes from 10.0.0.1', durationMs: 12 }))
  t.match(await next(), { type: 'updated', command: { state: 'succeeded' } })
  const second = await queue(d.admin, { deviceId: d.deviceId, type: 'echo' })
  t.match(await next(), { type: 'command', command: { id: second.body.id } }, 'the same socket gets the next command')
  device.send(JSON.stringify({ type: 'result', id: second.body.id, exitCode: 0 }))
  t.match(await next(), { type: 'updated', command: { id: second.body.id, state: 'succeeded' } })
  await waitFor('the watcher to see the command succeed', async () => seen.includes('succeeded'), 5000)
  t.same(seen.slice(0, 4), ['queued', 'sent', 'running', 'succeeded'], 'the user saw every state change live')
  const dev = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
  t.equal(dev.body.status, 'online', 'an open socket is contact')
  device.close()
  watcher.close()
})
