// The appliance simulator as a real process against a real, listening kernel (devices +
// edge-ingest): enrollment once, telemetry stored exactly once through rate limiting, commands
// over the device socket and over polling.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestKernel, waitFor, type TestKernel } from '@monozu/kernel/testing'
import { deviceProfile } from '../simulator/profile.ts'
import { discoverNetwork } from '../simulator/discovery.ts'

const cli = fileURLToPath(new URL('../simulator/cli.ts', import.meta.url))
const plugins = [fileURLToPath(new URL('../../plugins/devices', import.meta.url)), fileURLToPath(new URL('..', import.meta.url))]
const FLEET = 'tst'
const DEVICES = 3

interface Run { code: number | null, summary: any, stdout: string, stderr: string }

function start (args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, MONOZU_DEMO_PASSWORD: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', c => { stdout += c })
  child.stderr.on('data', c => { stderr += c })
  const done = new Promise<Run>(resolve => child.on('exit', code => {
    const last = stdout.trim().split('\n').reverse().find(l => l.startsWith('{'))
    resolve({ code, summary: last ? JSON.parse(last) : null, stdout, stderr })
  }))
  return { child, done }
}
const simulate = (args: string[]) => start(args).done

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

// A device rate limit below what the simulator sends, so it meets 429 + Retry-After and must retry
// (the server wants a burst of at least one full request, hence the small maxEvents).
const k: TestKernel = await startTestKernel({ plugins, pluginConfig: { 'edge-ingest': { deviceRate: 6, deviceBurst: 12, maxEvents: 12 } } })
t.teardown(() => k.close())
const url = await k.kernel.start()
const tenant = await k.createTenant()
await k.grantLicense(tenant, ['devices', 'ingest'])
const { user, password } = await k.createUser(tenant, { roles: ['tenant-admin'] })
const admin = await k.login(user.email, password, tenant.slug)
const dir = mkdtempSync(join(tmpdir(), 'monozu-sim-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const stateFile = join(dir, 'simulator', 'devices.json')
const common = ['--url', url, '--email', user.email, '--password', password, '--tenant', tenant.slug, '--state', stateFile,
  '--fleet', FLEET, '--devices', String(DEVICES), '--max-batch', '10', '--json', '--quiet', '--progress', '0']

const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await k.request(method, path, { token: admin, ...(body !== undefined ? { body } : {}) })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
const devices = async () => (await api('GET', '/api/v1/devices?limit=200')).items as Array<{ id: string, hostname: string, hardwareId: string, status: string }>
const command = async (deviceId: string, type: string, payload: object) => (await api('POST', '/api/v1/commands', { deviceId, type, payload })).id as string
const settled = (id: string, ms?: number) => waitFor(`command ${id} to finish`, async () => {
  const c = await api('GET', `/api/v1/commands/${id}`)
  return ['succeeded', 'failed', 'timed_out', 'expired', 'cancelled'].includes(c.state) ? c : null
}, ms)

/** Events the server stored for the fleet: one cpu.percent sample per telemetry event, plus log lines. */
async function stored (): Promise<number> {
  let total = 0
  for (const d of await devices()) {
    const metrics = await api('GET', `/api/v1/devices/${d.id}/metrics`)
    const cpu = metrics.series.find((s: { name: string }) => s.name === 'cpu.percent')
    total += (cpu?.points ?? []).reduce((sum: number, p: { count: number }) => sum + p.count, 0)
    let cursor: string | null = null
    do {
      const page: { items: unknown[], nextCursor: string | null } = await api('GET', `/api/v1/devices/${d.id}/logs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      total += page.items.length
      cursor = page.nextCursor
    } while (cursor)
  }
  return total
}

const discoveries = Array.from({ length: DEVICES }, (_, i) => discoverNetwork(deviceProfile(FLEET, i)).length).reduce((a, b) => a + b, 0)
let firstIds: string[] = []

t.test('first run: enrolls the fleet, sends through rate limiting without loss, answers a command over the socket', async t => {
  // No --duration: it runs until SIGTERM, however slow the machine is.
  const began = Date.now()
  const running = start([...common, '--rate', '30', '--batch-ms', '250', '--commands', 'ws'])
  t.teardown(() => { running.child.kill('SIGKILL') })
  const listed = await waitFor('the fleet to be online', async () => {
    const list = await devices()
    return list.length === DEVICES && list.every(d => d.status === 'online') ? list : null
  })
  const target = listed.find(d => d.hostname === `${FLEET}-edge-002`)!
  const echo = await settled(await command(target.id, 'echo', { message: 'hello from the test' }))
  // The next command on the same socket must follow the first one's result.
  const ping = await settled(await command(target.id, 'ping', { host: '192.0.2.1', count: 2 }), 5000).catch(() => null)
  await sleep(Math.max(0, 8000 - (Date.now() - began)))
  running.child.kill('SIGTERM')
  const run = await running.done

  t.equal(run.code, 0, `SIGTERM: exit 0 (stderr: ${run.stderr.slice(0, 500)})`)
  const s = run.summary
  t.same(s.devices, { total: DEVICES, registered: DEVICES, reused: 0, connected: 0 }, 'every device registered once; sockets closed at the end')
  t.same(listed.map(d => d.hostname).sort(), [`${FLEET}-edge-001`, `${FLEET}-edge-002`, `${FLEET}-edge-003`])
  t.same(listed.map(d => d.hardwareId).sort(), [0, 1, 2].map(i => `monozu-sim:${FLEET}:${i}`))
  firstIds = listed.map(d => d.id).sort()

  t.equal(echo.state, 'succeeded')
  t.equal(echo.exitCode, 0)
  t.equal(echo.output, 'hello from the test\n')
  t.ok(echo.ackedAt && echo.startedAt && echo.finishedAt, 'acked, running, then a result')
  t.ok(s.commands.succeeded >= 1, 'the simulator counted the command')
  t.test('a second command over the same device socket', async t => {
    t.equal(ping?.state, 'succeeded')
    t.match(ping?.output, /2 packets transmitted, 2 received/)
  })

  t.ok(s.retries > 0, `the rate limit was met and retried (${s.retries} retries)`)
  t.ok(s.events.accepted > 100, `events accepted (${s.events.accepted})`)
  t.equal(s.events.dropped, 0, 'nothing dropped')
  t.equal(s.events.skipped, 0, 'nothing skipped')
  t.equal(s.events.sent, s.events.accepted + s.events.duplicates + s.events.rejected, 'every sent event is accounted for in the answers')
  t.equal(s.events.queued, s.events.sent + s.buffered + s.events.unconfirmed, 'every generated event was sent, is still buffered, or was cut off on the wire by the stop')
  t.same(s.rejectedByCode, { kind_not_enabled: discoveries }, 'discovery is rejected per event (no cmdb here) and tolerated')

  // Each accepted event is stored once: retries with the same ids never doubled anything. A
  // request the stop cut off on the wire (unconfirmed) may or may not have been stored.
  let total = await waitFor('the consumers to store every accepted event', async () => {
    const n = await stored()
    return n >= s.events.accepted ? n : null
  })
  if (s.events.unconfirmed > 0) {
    await sleep(2000)
    total = await stored()
    t.ok(total >= s.events.accepted && total <= s.events.accepted + s.events.unconfirmed, `stored what the server accepted (${s.events.accepted}), plus at most the ${s.events.unconfirmed} unconfirmed: ${total}`)
  } else {
    t.equal(total, s.events.accepted, 'stored exactly what the server accepted')
  }

  const metrics = await api('GET', `/api/v1/devices/${target.id}/metrics`)
  const names = metrics.series.map((x: { name: string }) => x.name)
  for (const name of ['cpu.percent', 'mem.percent', 'disk.percent', 'net.rx_kbps', 'temp.celsius']) t.ok(names.includes(name), `metric ${name}`)
  const cpu = metrics.series.find((x: { name: string }) => x.name === 'cpu.percent').points
  t.ok(cpu.every((p: { min: number, max: number }) => p.min >= 0 && p.max <= 100), 'cpu within 0-100')

  t.equal(statSync(stateFile).mode & 0o777, 0o600, 'the state file holding device keys is private')
})

t.test('second run with the same state file: no registration, commands by polling', async t => {
  const target = (await devices()).find(d => d.hostname === `${FLEET}-edge-001`)!
  const queued = await command(target.id, 'frobnicate', {})
  const script = await command(target.id, 'run-script', { script: 'hostname; exit 3' })
  const run = await simulate([...common, '--rate', '6', '--duration', '4', '--commands', 'poll', '--poll-ms', '300', '--no-discovery'])
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.slice(0, 500)})`)
  t.same(run.summary.devices, { total: DEVICES, registered: 0, reused: DEVICES, connected: 0 }, 'saved keys reused')
  t.same((await devices()).map(d => d.id).sort(), firstIds, 'still the same three devices')
  const tokens = await api('GET', '/api/v1/devices/enrollment-tokens?includeRevoked=true')
  t.equal(tokens.items.length, 1, 'no new enrollment token was needed')

  const unknown = await settled(queued)
  t.equal(unknown.state, 'failed')
  t.equal(unknown.exitCode, 127, 'an unknown command type exits 127')
  const ran = await settled(script)
  t.equal(ran.exitCode, 3, 'run-script honours exit N')
  t.equal(ran.output, `${FLEET}-edge-001\n`)
  // Two, plus the first run's ping if the socket never delivered it.
  t.ok(run.summary.commands.received >= 2, 'the simulator counted the commands')
})

t.test('a lost state file re-registers the same devices, never new ones', async t => {
  rmSync(stateFile)
  const run = await simulate([...common, '--rate', '3', '--duration', '2', '--no-discovery'])
  t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.slice(0, 500)})`)
  t.same(run.summary.devices, { total: DEVICES, registered: 0, reused: DEVICES, connected: 0 }, 'the server matched the hardware ids')
  t.same((await devices()).map(d => d.id).sort(), firstIds, 'the same three devices')
})

t.test('bad options and a wrong password fail clearly', async t => {
  const bad = await simulate(['--devices', 'many'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /--devices must be an integer/)
  const denied = await simulate(common.map(a => a === password ? 'not-the-password' : a))
  t.equal(denied.code, 1)
  t.match(denied.stderr, /sign-in as .* failed: 401 invalid_credentials/)
})
