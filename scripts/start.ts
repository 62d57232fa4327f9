// npm start: the platform (kernel CLI `start`, output untouched) and, once it is healthy, a small
// simulated fleet for the Acme demo tenant, so a new user sees live devices. DEMO_SIMULATOR=off
// skips the fleet. The kernel never imports plugin code, hence a wrapper with two children.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { join, resolve } from 'node:path'
import { prefixLines } from './prefix-lines.ts'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const prefix = '[simulator]'

function argValue (name: string): string | undefined {
  const i = args.findIndex(a => a === `--${name}` || a.startsWith(`--${name}=`))
  if (i < 0) return undefined
  const arg = args[i]!
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1]
}

// The demo on the embedded database: readable logs, and the operator console for the demo
// operator. What the user set wins; production (the CLI itself) keeps JSON logs and no console.
const env = { ...process.env }
env.LOG_FORMAT ||= 'pretty'
if (!env.DATABASE_URL) env.ADMIN_PANEL_ENABLED ||= 'true'

// Own process groups: a Ctrl-C in the terminal reaches only this wrapper (and npm, which
// forwards it again), and each child gets exactly one signal from here. Two would make the
// kernel skip its graceful shutdown. The IPC channel is how the kernel learns that this wrapper
// is gone, even when a SIGKILL of npm's group gave it no chance to pass anything on.
const kernel = spawn(process.execPath, [join(root, 'kernel', 'src', 'cli.ts'), 'start', ...args], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true })
let simulator: ChildProcess | null = null
const kernelExit = new Promise<number>(done => kernel.on('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 1))))

let lastSignal = 0
function forward (signal: NodeJS.Signals): void {
  // The terminal and npm both deliver a Ctrl-C: pass on one per press.
  if (Date.now() - lastSignal < 1500) return
  lastSignal = Date.now()
  for (const child of [kernel, simulator]) if (child && child.exitCode === null && child.signalCode === null) child.kill(signal)
}
process.on('SIGINT', () => forward('SIGINT'))
process.on('SIGTERM', () => forward('SIGTERM'))
process.on('SIGHUP', () => forward('SIGTERM'))
// `npm start` runs this under `sh -c`: a SIGTERM to npm ends the shell without passing it on, and
// the platform would keep running as an orphan. A new parent means ours is gone: shut down.
const parent = process.ppid
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return
  clearInterval(orphanWatch)
  forward('SIGTERM')
}, 1000)
orphanWatch.unref()

const note = (message: string) => console.log(`${prefix} ${message}`)
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Resolves with the health answer once the kernel serves, or null if it exits or never does. */
async function healthy (url: string): Promise<any> {
  const until = Date.now() + 5 * 60_000
  while (kernel.exitCode === null && kernel.signalCode === null && Date.now() < until) {
    try {
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return await res.json()
    } catch { /* not listening yet */ }
    await sleep(500)
  }
  return null
}

async function startSimulator (): Promise<void> {
  if (/^(off|false|0|no)$/i.test(process.env.DEMO_SIMULATOR ?? '')) return
  const port = argValue('port') ?? process.env.PORT ?? '8000'
  if (port === '0') return note('not started: the port is chosen at random (--port 0)')
  const host = process.env.HOST && !['0.0.0.0', '::', ''].includes(process.env.HOST) ? process.env.HOST : '127.0.0.1'
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const health = await healthy(url)
  if (!health) return
  // Checked after the start: the first start is what seeds the demo tenant and its password.
  const dataDir = process.env.DATA_DIR || '.monozu'
  if (!process.env.MONOZU_DEMO_PASSWORD && !existsSync(resolve(root, dataDir, 'demo-password'))) {
    return note('not started: no demo tenant (no MONOZU_DEMO_PASSWORD and no demo password file)')
  }
  const running = new Set((health.plugins ?? []).filter((p: any) => p.state === 'running').map((p: any) => p.id))
  if (!running.has('devices') || !running.has('edge-ingest')) return note('not started: this profile does not run both the devices and edge-ingest plugins')
  if (lastSignal > 0) return
  note('starting a demo fleet of 5 devices for the Acme tenant (DEMO_SIMULATOR=off turns it off)')
  const cli = join(root, 'edge-ingest', 'simulator', 'cli.ts')
  // One request per device every 10 s: the kernel logs every request, and the demo's log should stay readable.
  simulator = spawn(process.execPath, [cli, '--url', url, '--fleet', 'demo', '--site', 'Demo lab', '--devices', '5', '--rate', '5', '--batch-ms', '10000', '--commands', 'ws', '--backup', '--vpn', '--progress', '30', '--quiet'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true })
  prefixLines(simulator.stdout!, process.stdout, prefix)
  prefixLines(simulator.stderr!, process.stderr, prefix)
  simulator.on('exit', code => {
    // Sign-in refused (the demo tenant or its password changed) ends only the fleet.
    if (code && kernel.exitCode === null && kernel.signalCode === null) note(`exited with ${code}; the platform keeps running`)
  })
}

startSimulator().catch(err => note(`not started: ${(err as Error).message}`))

const status = await kernelExit
// The fleet cannot outlive its server; give it a moment to print its summary.
const sim = simulator as ChildProcess | null
if (sim && sim.exitCode === null && sim.signalCode === null) {
  if (lastSignal === 0) sim.kill('SIGTERM')
  await Promise.race([new Promise(r => sim.once('exit', r)), sleep(7000)])
  if (sim.exitCode === null && sim.signalCode === null) sim.kill('SIGKILL')
}
process.exit(status)
