import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitFor } from '@monozu/kernel/testing'

// `npm start` as a new user runs it: scripts/start.ts with every plugin on the embedded database,
// the seeded demo tenants and the demo fleet, then stopped by a signal.
const start = fileURLToPath(new URL('../start.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))

interface Started { child: ChildProcess, base: string, dataDir: string, output: () => string, exited: Promise<number | null> }

async function npmStart (t: { teardown: (fn: () => Promise<void>) => void }, env: Record<string, string> = {}, command?: (port: number) => string[]): Promise<Started> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-start-'))
  // The embedded default, whatever the suite's own database: DATABASE_URL and PLUGINS_DIRS unset.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env }
  delete childEnv.DATABASE_URL
  delete childEnv.PLUGINS_DIRS
  delete childEnv.MONOZU_DEMO_PASSWORD
  const [file, ...args] = command?.(port) ?? [process.execPath, start, '--port', String(port)]
  const child = spawn(file!, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
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

const json = async (res: Response) => ({ status: res.status, body: await res.json() as any })
const login = async (base: string, email: string, password: string) => json(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }))
const get = async (base: string, path: string, token: string) => json(await fetch(base + path, { headers: { authorization: `Bearer ${token}` } }))

t.test('npm start: every plugin, the demo tenants, the UI and a live demo fleet; SIGTERM stops it all', async t => {
  const s = await npmStart(t)
  const password = /Password: (\S+)/.exec(s.output())?.[1] ?? ''
  t.equal(readFileSync(join(s.dataDir, 'demo-password'), 'utf8').trim(), password, 'the printed demo password is the one kept in the data folder')

  const acme = await login(s.base, 'admin@acme.example', password)
  t.equal(acme.status, 200, 'the Acme demo admin signs in')
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
  t.match(s.output(), /"msg":"stopped"/, 'the kernel shut down gracefully')
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
  const kernelPid = Number(/"pid":(\d+)/.exec(s.output())?.[1])
  s.child.kill('SIGKILL')
  await waitFor(`kernel ${kernelPid} to exit`, async () => { try { process.kill(kernelPid, 0); return false } catch { return true } }, 30_000)
    .catch(err => { process.kill(kernelPid, 'SIGKILL'); throw err })
  t.pass('the kernel exited once its wrapper lost its parent')
  await t.rejects(fetch(`${s.base}/api/v1/health`), 'nothing listens any more')
})
