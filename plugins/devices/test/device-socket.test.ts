import t from 'tap'
import WebSocket from 'ws'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, startDevicesKernel } from './helpers.ts'

const OVERLAP_SECONDS = 2
// The socket's key checks (every 2 s) and the overlap's end run on the kernel clock, moved by the test.
const CHECK_MS = 2000
let k: TestKernel
let base: string
t.before(async () => {
  k = await startDevicesKernel({ clock: 'manual', pluginConfig: { devices: { keyOverlapSeconds: OVERLAP_SECONDS, keyCacheSeconds: 5 } } })
  base = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
})
t.teardown(() => k?.close())

interface DeviceSocket {
  ws: WebSocket
  next (): Promise<Record<string, any>>
  closed: Promise<{ code: number, reason: string }>
  /** Resolves once the server answered a frame sent now: the socket was open when it arrived. */
  answers (): Promise<boolean>
}

/** A real appliance-side socket: frames are queued for next(), the close is recorded. */
async function connect (key: string): Promise<DeviceSocket> {
  const ws = new WebSocket(`${base}/api/ws/device`, { headers: { 'x-device-key': key } })
  const frames: Array<Record<string, any>> = []
  ws.on('message', raw => frames.push(JSON.parse(raw.toString())))
  const closed = new Promise<{ code: number, reason: string }>(resolve => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
  const next = () => waitFor('a frame from the server', async () => frames.shift(), 5000)
  const answers = async () => {
    ws.send('not json')
    return (await Promise.race([next(), closed.then(() => null)]))?.code === 'bad_request'
  }
  return { ws, next, closed, answers }
}

/** The close, or null if the socket is still open after `ms` of real time (a guard against hanging, not a timing). */
const closedWithin = (s: DeviceSocket, ms = 5000) => Promise.race([s.closed, new Promise<null>(resolve => setTimeout(() => resolve(null), ms))])

const noSql = /22P02|select |invalid input syntax|device_commands|\$1/i

t.test('bad frames get problem-like errors with catalogue codes, never SQL; the socket stays usable', async t => {
  const d = await enrolledDevice(k)
  const s = await connect(d.deviceKey)

  // 36 characters of hex and dashes passed the old check and reached PostgreSQL as a uuid.
  for (const id of ['ffffffff-ffff-ffff-ffff-fffffffffff-', '------------------------------------', 'not-a-uuid']) {
    s.ws.send(JSON.stringify({ type: 'ack', id }))
    const frame = await s.next()
    t.match(frame, { type: 'error', code: 'validation_failed', status: 400, title: 'The request is not valid', detail: /id/, instance: '/api/ws/device', requestId: String }, `ack of ${id}`)
    t.match(frame.errors, [{ in: 'message', pointer: '/id' }])
    t.notMatch(frame.detail, noSql, 'no SQL or driver text')
    s.ws.send(JSON.stringify({ type: 'result', id, exitCode: 0 }))
    const result = await s.next()
    t.equal(result.code, 'validation_failed', `result of ${id}`)
    t.notMatch(JSON.stringify(result), noSql)
  }

  for (const [raw, code, why] of [
    ['not json', 'bad_request', 'not JSON (as an unparsable HTTP body)'],
    ['null', 'validation_failed', 'JSON null'],
    ['[1,2]', 'validation_failed', 'an array'],
    ['"ack"', 'validation_failed', 'a string'],
    [JSON.stringify({ type: 'hello', id: '00000000-0000-4000-8000-000000000000' }), 'validation_failed', 'an unknown type'],
    [JSON.stringify({ type: 'ack', id: '00000000-0000-4000-8000-000000000000', state: 'done' }), 'validation_failed', 'a bad ack state'],
    [JSON.stringify({ type: 'result', id: '00000000-0000-4000-8000-000000000000', exitCode: 'zero' }), 'validation_failed', 'a bad exit code']
  ] as const) {
    s.ws.send(raw)
    const frame = await s.next()
    t.match(frame, { type: 'error', code, status: 400, title: String, detail: String }, why)
  }

  s.ws.send(JSON.stringify({ type: 'ack', id: '00000000-0000-4000-8000-000000000000' }))
  t.match(await s.next(), { type: 'error', code: 'not_found', status: 404, title: 'Not found', id: '00000000-0000-4000-8000-000000000000' }, 'an unknown command is 404 as over HTTP, naming the frame\'s id')

  const cmd = await k.request('POST', '/api/v1/commands', { token: d.admin, body: { deviceId: d.deviceId, type: 'echo' } })
  t.match(await s.next(), { type: 'command', command: { id: cmd.body.id } }, 'after all that, the socket still delivers')
  s.ws.send(JSON.stringify({ type: 'result', id: cmd.body.id, exitCode: 0 }))
  t.match(await s.next(), { type: 'updated', command: { id: cmd.body.id, state: 'succeeded' } })
  s.ws.close()
})

t.test('a socket opened with a rotated-out key closes when the overlap ends; one with the new key stays', async t => {
  const d = await enrolledDevice(k)
  const old = await connect(d.deviceKey)
  const rotated = await k.request('POST', `/api/v1/devices/${d.deviceId}/rotate-key`, { token: d.admin })
  t.equal(rotated.status, 201)
  const until = Date.parse(rotated.body.previousKeyValidUntil)
  t.equal(until, k.clock.now().getTime() + OVERLAP_SECONDS * 1000, 'the overlap runs on the kernel clock')
  await k.clock.set(new Date(until - 1)) // the key checks on the way see the overlap's end and set its timer
  t.ok(await old.answers(), 'the old key\'s socket works until the last moment of the overlap')
  await k.clock.set(new Date(until))
  t.match(await closedWithin(old), { code: 4001, reason: /rotated out/ }, 'closed when the overlap ends')

  const fresh = await connect(rotated.body.deviceKey)
  for (let i = 0; i < 3; i++) await k.clock.advance(CHECK_MS)
  t.ok(await fresh.answers(), 'a socket of the new key stays open past the checks')
  t.equal(fresh.ws.readyState, WebSocket.OPEN)
  const cmd = await k.request('POST', '/api/v1/commands', { token: d.admin, body: { deviceId: d.deviceId, type: 'echo' } })
  t.match(await fresh.next(), { type: 'command', command: { id: cmd.body.id } })
  fresh.ws.close()
})

t.test('a key revoked elsewhere (another instance, straight in the database) closes its socket at once', async t => {
  const d = await enrolledDevice(k)
  const s = await connect(d.deviceKey)
  const prefix = d.deviceKey.split('_')[2]
  // The socket answers only once its opening key check is done: the revocation below comes after it.
  t.ok(await s.answers(), 'open, its key checked')
  // What a revocation on another kernel instance leaves behind: only the row changes.
  await k.owner('device_keys').where({ tenant_id: d.tenant.id, prefix }).update({ revoked_at: new Date() })
  t.ok(await s.answers(), 'open until the next check')
  await k.clock.advance(CHECK_MS)
  t.match(await closedWithin(s), { code: 4001, reason: /revoked/ }, 'closed by the next check (every 2 s)')

  const e = await enrolledDevice(k)
  const other = await connect(e.deviceKey)
  t.equal((await k.request('POST', `/api/v1/devices/${e.deviceId}/revoke`, { token: e.admin })).status, 200)
  t.match(await other.closed, { code: 4001 }, 'a revocation on this instance closes it at once')
})
