// The database goes away under an appliance: ingest (and every other route) answers 503 with
// Retry-After within seconds (never a hang, never a 500), and takes events again once it is back.
import t from 'tap'
import pg from 'pg'
import { testDatabase, waitFor, type TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, startDevicesKernel } from '@monozu/plugin-devices/testing'

const needsPostgres = { skip: testDatabase() !== 'postgres' && 'needs PostgreSQL (DATABASE_URL): the embedded database cannot go away' }

/** Takes the kernel's database away as a failover would: no new connections, the open ones cut. */
async function databaseOutage (t: { teardown: (fn: () => unknown) => void }, k: TestKernel) {
  const url = new URL(k.kernel.config.databaseUrl as string)
  const database = url.pathname.slice(1)
  url.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: url.href })
  await admin.connect()
  t.teardown(() => admin.end())
  await admin.query(`alter database "${database}" allow_connections false`)
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database])
  return { end: () => admin.query(`alter database "${database}" allow_connections true`) }
}

const sender = (k: TestKernel, deviceKey: string) => (id: string) => k.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': deviceKey }, body: JSON.stringify({ kind: 'telemetry', events: [{ id, metrics: { 'cpu.percent': 1 } }] }) })

t.test('an unreachable database: 503 with Retry-After, then 202 again', needsPostgres, async t => {
  const k: TestKernel = await startDevicesKernel()
  t.teardown(() => k.close())
  const d = await enrolledDevice(k)
  const send = sender(k, d.deviceKey)
  t.equal((await send('before')).status, 202)

  const outage = await databaseOutage(t, k)
  // The first request meets the cut connections; later ones must open new ones, and once the
  // cached license state is older than its 2 s lifetime, the request reads it again.
  for (const [n, wait] of [[1, 0], [2, 0], [3, 2500]] as const) {
    await new Promise(resolve => setTimeout(resolve, wait))
    const began = Date.now()
    const down = await send('during')
    const took = Date.now() - began
    t.equal(down.status, 503, `request ${n}: 503 while the database is away (${down.body?.code}: ${down.body?.detail})`)
    t.equal(down.body.code, 'service_unavailable')
    t.match(down.headers['retry-after'], /^\d+$/, 'with Retry-After')
    t.ok(took < 10_000, `answered within seconds (${took} ms), not left hanging`)
  }

  const list = await k.request('GET', '/api/v1/devices', { token: d.admin })
  t.equal(list.status, 503, 'a user\'s API call gets 503 too, not a 500')
  t.equal(list.headers['retry-after'], '5')

  await outage.end()
  let back = await send('during')
  for (let i = 0; i < 50 && back.status !== 202; i++) {
    await new Promise(resolve => setTimeout(resolve, 200))
    back = await send('during')
  }
  t.equal(back.status, 202, 'the same event is taken once the database is back')
  t.same(back.body, { accepted: 1, duplicates: 0, rejected: [] }, 'it was not stored during the outage')
})

t.test('a device contact whose write meets an outage is written once the database is back, with its own time', needsPostgres, async t => {
  const k: TestKernel = await startDevicesKernel()
  t.teardown(() => k.close())
  const d = await enrolledDevice(k)
  const sentAt = Date.now()
  t.equal((await sender(k, d.deviceKey)('last-words')).status, 202)
  // Contacts are written once a second: the outage begins before that write, which then fails.
  const outage = await databaseOutage(t, k)
  await new Promise(resolve => setTimeout(resolve, 3000))
  await outage.end()
  const device = await waitFor('the device\'s last contact', async () => {
    const res = await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })
    return res.status === 200 && res.body.lastSeenAt !== null && res.body
  })
  const seenAt = Date.parse(device.lastSeenAt)
  t.ok(seenAt >= sentAt - 1000 && seenAt <= sentAt + 1000, `dated when the request came (${seenAt - sentAt} ms after sending), not when the write was retried 3 s later`)
})
