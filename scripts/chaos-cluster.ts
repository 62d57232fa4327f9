// A private platform for the chaos and soak scripts: its own PostgreSQL cluster (initdb into a
// temp folder, a free port), its own redis-server and real kernel processes, so they can be
// stopped, killed and restarted without touching the machine's shared services.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, globSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort, startInstance, waitFor, type Instance } from '@monozu/kernel/testing'

const root = resolve(import.meta.dirname, '..')
export const PASSWORD = 'chaos-demo-password'

/** Runs `cmd` as the postgres user when we are root (initdb and postgres refuse root). */
function asPostgres (cmd: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
}

export class Postgres {
  readonly dir: string
  readonly port: number
  readonly bin: string
  private constructor (dir: string, port: number, bin: string) { this.dir = dir; this.port = port; this.bin = bin }

  get url (): string { return `postgres://postgres@127.0.0.1:${this.port}/postgres` }

  static async create (): Promise<Postgres> {
    const bin = globSync('/usr/lib/postgresql/*/bin').sort((a, b) => Number(b.split('/')[3]) - Number(a.split('/')[3]))[0]
    if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql/*/bin')
    const dir = mkdtempSync(join(tmpdir(), 'monozu-chaos-pg-'))
    chmodSync(dir, 0o777) // the postgres user writes its cluster and socket here
    const pg = new Postgres(dir, await freePort(), bin)
    pg.run('initdb', ['-D', pg.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
    await pg.start()
    return pg
  }

  private get data (): string { return join(this.dir, 'data') }

  private run (tool: string, args: string[]): void {
    const [cmd, argv] = asPostgres(join(this.bin, tool), args)
    const r = spawnSync(cmd, argv, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr || r.stdout}`)
  }

  async start (): Promise<void> {
    this.run('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-w', '-t', '60', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start'])
  }

  /** `-m fast`: every connection is cut, as in a failover or a restart for an upgrade. */
  async stop (): Promise<void> { this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']) }

  async destroy (): Promise<void> {
    try { this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']) } catch { /* not running */ }
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export class RedisServer {
  readonly port: number
  private child: ChildProcess | null = null
  private constructor (port: number) { this.port = port }

  get url (): string { return `redis://127.0.0.1:${this.port}` }

  static async create (): Promise<RedisServer> {
    const redis = new RedisServer(await freePort())
    await redis.start()
    return redis
  }

  async start (): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    await waitFor('redis-server to answer', async () => spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 15_000)
  }

  /** SIGKILL: the bus loses its server with no goodbye. */
  async kill (): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    const exited = new Promise(r => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }

  async destroy (): Promise<void> { await this.kill() }
}

export interface Platform {
  pg: Postgres
  redis: RedisServer
  instances: Instance[]
  dataDir: string
  start (name: string, extra?: Record<string, string>): Promise<Instance>
  close (): Promise<void>
}

/** PostgreSQL, Redis and `count` kernel processes on them sharing one data dir (plus the kernel's fx-jobs fixture plugin). */
export async function startPlatform (count: number, extra: Record<string, string> = {}): Promise<Platform> {
  const [pg, redis] = await Promise.all([Postgres.create(), RedisServer.create()])
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-chaos-data-'))
  const instances: Instance[] = []
  const env = {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    MONOZU_DEMO_PASSWORD: PASSWORD,
    DEMO_SIMULATOR: 'off',
    // fx-jobs: a test fixture with a publish route and a channel, for cross-instance events.
    PLUGINS_DIRS: join(root, 'kernel/test/fixtures/plugins/fx-jobs'),
    PLUGINS_ALLOW_UNSIGNED: 'true',
    ...extra
  }
  const platform: Platform = {
    pg,
    redis,
    instances,
    dataDir,
    async start (name, more = {}) {
      const instance = await startInstance(name, { ...env, ...more }, { startMs: 300_000 })
      instances.push(instance)
      return instance
    },
    async close () {
      for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL')
      await Promise.all(instances.map(i => i.exited))
      await Promise.allSettled([redis.destroy(), pg.destroy()])
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  try {
    // The first instance migrates and seeds alone; the others then start at once.
    await platform.start('A')
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => platform.start(String.fromCharCode(66 + i))))
  } catch (err) {
    await platform.close()
    throw err
  }
  return platform
}

export async function api (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: any, ms: number }> {
  const started = performance.now()
  const res = await fetch(base + path, { signal: AbortSignal.timeout(15_000), method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  let parsed: unknown = null
  try { parsed = text ? JSON.parse(text) : null } catch { parsed = text }
  return { status: res.status, body: parsed, ms: performance.now() - started }
}

/** Signs in the demo admin and enrolls one device: a bearer header and a device key. */
export async function tenantAndDevice (base: string, hostname: string): Promise<{ auth: Record<string, string>, token: string, deviceId: string, deviceKey: string }> {
  const login = await api(base, 'POST', '/api/v1/auth/login', { email: 'admin@acme.example', password: PASSWORD })
  if (login.status !== 200) throw new Error(`demo sign-in: ${login.status} ${JSON.stringify(login.body)}`)
  const auth = { authorization: `Bearer ${login.body.accessToken}` }
  const enroll = await api(base, 'POST', '/api/v1/devices/enrollment-tokens', {}, auth)
  const device = await api(base, 'POST', '/api/v1/devices/register', { hostname, os: 'Linux', agentVersion: '1.0', hardwareId: `${hostname}-hw` }, { 'x-enrollment-token': enroll.body.token })
  if (device.status !== 201) throw new Error(`device registration: ${device.status} ${JSON.stringify(device.body)}`)
  return { auth, token: login.body.accessToken, deviceId: device.body.deviceId, deviceKey: device.body.deviceKey }
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB (pid: number | undefined): number {
  if (!pid) return 0
  const r = spawnSync('sh', ['-c', `grep VmRSS /proc/${pid}/status`], { encoding: 'utf8' })
  return Math.round(Number(/(\d+)/.exec(r.stdout)?.[1] ?? 0) / 1024)
}

export function percentile (values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]! * 100) / 100
}
