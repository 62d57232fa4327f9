import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from './ports.ts'

// .js in the packed kernel (built by scripts/build-sdk.ts), .ts in the repo.
const cli = fileURLToPath(new URL(`../cli${import.meta.url.slice(-3)}`, import.meta.url))

export interface Instance {
  name: string
  url: string
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** A real kernel process (`monozu start`), ready when it prints its URL: for tests across processes (crashes, two instances). */
export async function startInstance (name: string, env: Record<string, string>, options: { startMs?: number } = {}): Promise<Instance> {
  const port = await freePort()
  const clean: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', FX_WORKER_NAME: name, ...env }
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'PLUGINS_DIRS'] as const) if (!(key in env)) delete clean[key]
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port)], { env: clean, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', d => { out += d })
  child.stderr!.on('data', d => { out += d })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  // A busy machine can take a minute to start a kernel with every repo plugin: tests may allow more.
  const deadline = Date.now() + (options.startMs ?? 60_000)
  while (!/Monozu Cloud is (running|ready)/.test(out) || !out.includes(String(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`instance ${name} did not start:\n${out}`)
    }
    await new Promise(r => setTimeout(r, 100))
  }
  return { name, url: `http://127.0.0.1:${port}`, child, output: () => out, exited }
}
