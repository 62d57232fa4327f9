import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitFor } from '@monozu/kernel/testing'
import { parseOptions } from '@monozu/edge-ingest/simulator/options'

// `npm start` as a new user runs it: scripts/start.ts with every plugin on the embedded database,
// the seeded demo tenants and the demo fleet, then stopped by a signal.
const start = fileURLToPath(new URL('../start.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))

interface Started { child: ChildProcess, base: string, dataDir: string, output: () => string, exited: Promise<number | null> }

async function npmStart (t: { teardown: (fn: () => Promise<void>) => void }, env: Record<string, string> = {}, command?: (port: number) => string[], options: { group?: boolean } = {}): Promise<Started> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-start-'))
  // As a umask of 022 or an earlier version leaves it: the start must take group and other bits off.
  chmodSync(dataDir, 0o755)
  writeFileSync(join(dataDir, 'left-over'), 'x', { mode: 0o644 })
  // The embedded default, whatever the suite's own database: DATABASE_URL and PLUGINS_DIRS unset.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env }
  delete childEnv.DATABASE_URL
  delete childEnv.PLUGINS_DIRS
  delete childEnv.MONOZU_DEMO_PASSWORD
  const [file, ...args] = command?.(port) ?? [process.execPath, start, '--port', String(port)]
  // group: its own process group, as npm's is under a supervisor that kills the group.
  const child = spawn(file!, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group === true })
  let output = ''
  child.stdout.on('data', d => { output += d })
  child.stderr.on('data', d => { output += d })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited }
    rmSync(dataDir, { recursive: true, force: true })
  })
  await waitFor('the platform to start or exit', async () => output.includes('Monozu Cloud is running at') || child.exitCode !== null, 60_000)
  if (!output.includes('Monozu Cloud is running at')) throw new Error(`did not start:\n${output}`)
  return { child, base: `http://127.0.0.1:${port}`, dataDir, output: () => output, exited }
}

/** Paths under `dir` that its group or other users may read, write or enter. */
function openToOthers (dir: string): string[] {
  const stat = lstatSync(dir)
  const here = stat.mode & 0o077 ? [`${dir} ${(stat.mode & 0o777).toString(8)}`] : []
  return stat.isDirectory() ? [...here, ...readdirSync(dir).flatMap(name => openToOthers(join(dir, name)))] : here
}
const serverPid = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number }).pid
const running = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

const json = async (res: Response) => ({ status: res.status, body: await res.json() as any })
const login = async (base: string, email: string, password: string) => json(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }))
const get = async (base: string, path: string, token: string) => json(await fetch(base + path, { headers: { authorization: `Bearer ${token}` } }))

t.test('npm start: every plugin, the demo tenants, the UI and a live demo fleet; SIGTERM stops it all', async t => {
  const s = await npmStart(t)
  const password = /Password: (\S+)/.exec(s.output())?.[1] ?? ''
  t.equal(readFileSync(join(s.dataDir, 'demo-password'), 'utf8').trim(), password, 'the printed demo password is the one kept in the data folder')

  t.match(s.output(), /Operator console: sign in as operator@monozu\.example/, 'the embedded demo turns the operator console on and says so')
  t.match(s.output(), /^\d\d:\d\d:\d\d INFO  kernel +Monozu Cloud is ready url=http/m, 'readable log lines, not JSON')
  t.same(JSON.parse(readFileSync(join(s.dataDir, 'server.json'), 'utf8')).url, s.base, 'the data dir names the running server for npm run simulate')
  t.match(parseOptions([], { DATA_DIR: s.dataDir }), { url: s.base }, 'which finds it there without PORT or --url')
  t.match(parseOptions([], { DATA_DIR: s.dataDir, PORT: '9' }), { url: 'http://127.0.0.1:9' }, 'PORT, as npm start reads it, wins')

  const acme = await login(s.base, 'admin@acme.example', password)
  t.equal(acme.status, 200, 'the Acme demo admin signs in')
  t.same(openToOthers(s.dataDir), [], 'nothing in the data dir is open to group or others, the folder that was 755 included')
  t.notMatch(s.output(), /incoming request|request completed/, 'per-request lines stay off the console')
  t.match(readFileSync(join(s.dataDir, 'logs', 'requests.log'), 'utf8'), /"url":"\/api\/v1\/auth\/login"/, 'and go to logs/requests.log')
  const features = (await get(s.base, '/api/v1/me/features', acme.body.accessToken)).body.features.map((f: { id: string }) => f.id)
  for (const id of ['cmdb', 'devices', 'overview']) t.ok(features.includes(id), `the demo tenant has ${id}`)
  const shell = await fetch(s.base + '/')
  t.equal(shell.status, 200)
  t.match(shell.headers.get('content-type'), /text\/html/, 'the UI is served at /')

  await waitFor('the demo fleet to start', async () => s.output().includes('[simulator] starting a demo fleet of 5 devices'), 30_000)
  let devices: Array<{ id: string, status: string, site: string }> = []
  await waitFor('five demo devices online', async () => {
    devices = (await get(s.base, '/api/v1/devices', acme.body.accessToken)).body.items
    return devices.length === 5 && devices.every(d => d.status === 'online')
  }, 30_000)
  t.pass('five enrolled demo devices are online')
  t.ok(devices.every(d => d.site === 'Demo lab'), 'at the demo site')
  // The fleet sends a batch per device every 10 s.
  let series: unknown[] = []
  await waitFor('the fleet\'s telemetry', async () => {
    series = (await get(s.base, `/api/v1/devices/${devices[0]!.id}/metrics?step=60`, acme.body.accessToken)).body.series
    return series.length > 0
  }, 40_000)
  t.pass(`its telemetry is stored (${series.length} series)`)

  const globex = await login(s.base, 'admin@globex.example', password)
  t.same((await get(s.base, '/api/v1/devices', globex.body.accessToken)).body.items, [], 'the other demo tenant sees none of them')

  s.child.kill('SIGTERM')
  t.equal(await s.exited, 0, 'SIGTERM: exit code 0')
  t.match(s.output(), /\[simulator\] summary: devices 5 .*rejected 0/, 'the fleet printed its summary under its prefix, nothing rejected')
  t.match(s.output(), /INFO  kernel +stopped/, 'the kernel shut down gracefully')
  t.notOk(existsSync(join(s.dataDir, 'server.json')), 'the server record is gone with the server')
  t.notOk(existsSync(join(s.dataDir, 'pglite.lock')), 'so is the database lock')
  await t.rejects(fetch(`${s.base}/api/v1/health`), 'nothing listens any more')
})

t.test('DEMO_SIMULATOR=off, and a parent that dies: the platform stops rather than run on as an orphan', async t => {
  // `npm start` runs the wrapper under `sh -c`; a shell that dies passes on no signal.
  const s = await npmStart(t, { DEMO_SIMULATOR: 'off' }, port => ['/bin/sh', '-c', `"${process.execPath}" "${start}" --port ${port} & wait`])
  const health = await json(await fetch(`${s.base}/api/v1/health`))
  t.equal(health.status, 200)
  // The wrapper looks for the kernel's health every 500 ms before it would start a fleet.
  await new Promise(r => setTimeout(r, 2000))
  t.notMatch(s.output(), /\[simulator\]/, 'no demo fleet')
  const kernelPid = serverPid(s.dataDir)
  s.child.kill('SIGKILL')
  await waitFor(`kernel ${kernelPid} to exit`, async () => { try { process.kill(kernelPid, 0); return false } catch { return true } }, 30_000)
    .catch(err => { process.kill(kernelPid, 'SIGKILL'); throw err })
  t.pass('the kernel exited once its wrapper lost its parent')
  await t.rejects(fetch(`${s.base}/api/v1/health`), 'nothing listens any more')
})

t.test('SIGKILL of npm\'s whole process group: the kernel exits; meanwhile a second kernel on its data dir is refused', async t => {
  // A supervisor or container runtime after its grace period: nobody gets to pass a signal on.
  const s = await npmStart(t, { DEMO_SIMULATOR: 'off' }, port => ['/bin/sh', '-c', `"${process.execPath}" "${start}" --port ${port} & wait`], { group: true })
  const kernelPid = serverPid(s.dataDir)
  t.ok(running(kernelPid), 'the kernel runs')

  const cli = join(root, 'kernel', 'src', 'cli.ts')
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: s.dataDir, DEMO_SIMULATOR: 'off' }
  delete env.DATABASE_URL
  const second = spawn(process.execPath, [cli, 'start', '--port', String(await freePort())], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let said = ''
  second.stdout.on('data', d => { said += d })
  second.stderr.on('data', d => { said += d })
  const code = await new Promise<number | null>(resolve => second.on('exit', resolve))
  t.equal(code, 1, 'the second kernel exits with 1')
  t.match(said, new RegExp(`\\[database_locked\\]: the embedded database \\S+ is in use by process ${kernelPid} \\(started 20\\d\\d-`), 'naming the process that holds the database and when it started')
  t.notMatch(said, /Monozu Cloud is running/, 'it never serves')
  t.ok(running(kernelPid), 'the first kernel is untouched')

  process.kill(-s.child.pid!, 'SIGKILL')
  const killedAt = Date.now()
  await waitFor(`kernel ${kernelPid} to exit`, async () => !running(kernelPid), 20_000)
    .catch(err => { process.kill(kernelPid, 'SIGKILL'); throw err })
  t.pass(`the kernel exited ${((Date.now() - killedAt) / 1000).toFixed(1)} s after its wrapper was killed`)
  t.notOk(existsSync(join(s.dataDir, 'pglite.lock')), 'and released the database')
  await t.rejects(fetch(`${s.base}/api/v1/health`), 'nothing listens any more')
})

t.test('npm run monozu -- start (no wrapper, no IPC channel): a parent that dies stops the kernel too', async t => {
  const cli = join(root, 'kernel', 'src', 'cli.ts')
  const s = await npmStart(t, {}, port => ['/bin/sh', '-c', `"${process.execPath}" "${cli}" start --port ${port} & wait`])
  const kernelPid = serverPid(s.dataDir)
  t.match(s.output(), /"msg":"Monozu Cloud is ready"/, 'not on a terminal and not through npm start: JSON log lines')
  s.child.kill('SIGKILL')
  await waitFor(`kernel ${kernelPid} to exit`, async () => !running(kernelPid), 20_000)
    .catch(err => { process.kill(kernelPid, 'SIGKILL'); throw err })
  t.pass('the kernel exited once its parent was gone')
  t.notOk(existsSync(join(s.dataDir, 'pglite.lock')), 'and released the database')
})
