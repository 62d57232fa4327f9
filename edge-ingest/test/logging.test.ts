import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, startDevicesKernel } from '@monozu/plugin-devices/testing'

// The log as an operator reads it: the kernel logs at info, as in production.
const lines: Array<Record<string, unknown>> = []
const sink = { write (chunk: string) { for (const l of chunk.split('\n')) if (l) lines.push(JSON.parse(l)) } }
let k: TestKernel
t.before(async () => { k = await startDevicesKernel({ log: { level: 'info', stream: sink } }) })
t.teardown(() => k?.close())

const urlOf = (line: Record<string, unknown>) => (line.req as { url?: string } | undefined)?.url
const ingest = (key: string, body: unknown) => k.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': key }, body: JSON.stringify(body) })

t.test('ingest requests write no request lines at the default level; other routes do', async t => {
  const d = await enrolledDevice(k)
  lines.length = 0
  t.equal((await ingest(d.deviceKey, { kind: 'telemetry', events: [{ metrics: { 'cpu.percent': 1 } }] })).status, 202)
  t.equal((await ingest(d.deviceKey, { kind: 'telemetry', events: [{ metrics: 'not an object' }] })).status, 202)
  t.equal((await ingest('mzd_forged', { kind: 'telemetry', events: [{}] })).status, 401)
  t.equal((await k.request('GET', '/api/v1/devices', { token: d.member })).status, 200)
  const ingestIds = new Set(lines.filter(l => urlOf(l) === '/v1/ingest').map(l => l.reqId))
  t.equal(ingestIds.size, 0, 'no "incoming request" line for any ingest request, the 401 included')
  t.notOk(lines.some(l => l.msg === 'ingest events rejected'), 'rejected events are info: not logged by default')
  const other = lines.filter(l => urlOf(l) === '/api/v1/devices')
  t.equal(other.length, 1, 'the same log shows other routes\' request lines (the capture works)')
  t.ok(lines.some(l => l.msg === 'request completed' && l.reqId === other[0]!.reqId), 'with their completion line')
  t.notOk(JSON.stringify(lines).includes(d.deviceKey), 'no device key in the log')
})
