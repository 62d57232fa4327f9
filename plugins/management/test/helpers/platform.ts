import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateLicenseKeyPair } from '@monozu/licensing'

const script = fileURLToPath(new URL('./process.ts', import.meta.url))

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
  })
}

/** A TCP relay in front of the cloud: `down()` makes the cloud unreachable (connection refused) without losing its database. */
export async function relay (target: number): Promise<{ port: number, down (): Promise<void>, up (): Promise<void> }> {
  const port = await freePort()
  let server: Server | null = null
  const sockets = new Set<Socket>()
  const up = () => new Promise<void>((resolve, reject) => {
    server = createServer(client => {
      const upstream = createConnection(target, '127.0.0.1')
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => { client.destroy(); upstream.destroy() }) }
      client.pipe(upstream).pipe(client)
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const down = () => new Promise<void>(resolve => { for (const s of sockets) s.destroy(); if (!server) return resolve(); server.close(() => resolve()); server = null })
  await up()
  return { port, up, down }
}

export interface Deployment { url: string, start (): Promise<void>, stop (): Promise<void> }

function deployment (which: 'cloud' | 'management', env: Record<string, string>): Deployment {
  let child: ChildProcess | null = null
  const port = Number(which === 'cloud' ? env.PORT : env.MANAGEMENT_PORT)
  return {
    url: `http://127.0.0.1:${port}`,
    start () {
      return new Promise((resolve, reject) => {
        child = spawn(process.execPath, [script, which], { env: { ...process.env, ...env, DATABASE_URL: which === 'cloud' ? (env.DATABASE_URL ?? '') : '', REDIS_URL: '' }, stdio: ['pipe', 'pipe', 'pipe'] })
        let out = ''
        const timer = setTimeout(() => reject(new Error(`${which} did not start in 600 s: ${out}`)), 600_000)
        child.stdout!.on('data', d => { out += d; if (out.includes('READY ')) { clearTimeout(timer); resolve() } })
        child.stderr!.on('data', d => { out += d })
        child.once('exit', code => { clearTimeout(timer); reject(new Error(`${which} exited ${code}: ${out.slice(-2000)}`)) })
      })
    },
    stop () {
      const c = child
      child = null
      if (!c || c.exitCode !== null) return Promise.resolve()
      return new Promise(resolve => {
        c.removeAllListeners('exit')
        const kill = setTimeout(() => c.kill('SIGKILL'), 15_000)
        c.once('exit', () => { clearTimeout(kill); resolve() })
        c.kill('SIGTERM')
      })
    }
  }
}

export const STAFF_PASSWORD = 'staff-demo-password-1'

/**
 * The cloud and management as two processes on two databases (management always on its own
 * embedded PGlite; the cloud on PostgreSQL when DATABASE_URL is set), wired like start:platform.
 */
export async function startPlatform (plugin: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'monozu-platform-'))
  const [cloudPort, mgmtPort] = [await freePort(), await freePort()]
  const token = randomBytes(24).toString('hex')
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  const keys = await generateLicenseKeyPair()
  const cloudDb = process.env.DATABASE_URL ? await freshPg(process.env.DATABASE_URL) : null
  const cloudRelay = await relay(cloudPort)
  const common = { MONOZU_MEMORY_DB: '1', INTERNAL_TOKENS: token, LICENSE_WEBHOOK_SECRET: secret, MONOZU_DEMO_PASSWORD: STAFF_PASSWORD, OUTBOUND_ALLOW_PRIVATE: 'true', JOB_POLL_MS: '100' }
  const cloud = deployment('cloud', { ...common, DATA_DIR: join(dir, 'cloud'), PORT: String(cloudPort), LICENSE_PUBLIC_KEY: JSON.stringify({ keys: [keys.publicJwk] }), MANAGEMENT_URL: `http://127.0.0.1:${mgmtPort}`, ...(cloudDb ? { DATABASE_URL: cloudDb.url } : {}) })
  const management = deployment('management', {
    ...common,
    DATA_DIR: join(dir, 'platform'),
    MANAGEMENT_PORT: String(mgmtPort),
    PLUGIN_MANAGEMENT_CONFIG: JSON.stringify({ cloudUrl: `http://127.0.0.1:${cloudRelay.port}`, internalToken: token, webhookSecret: secret, signingKey: JSON.stringify(keys.privateJwk), deliveryBaseMs: 200, deliveryMaxMs: 1000, exportDir: join(dir, 'exports'), ...plugin })
  })
  await Promise.all([cloud.start(), management.start()])
  const signIn = async () => {
    const login = await fetch(`${management.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'staff@monozu.example', password: STAFF_PASSWORD }) })
    if (!login.ok) throw new Error(`staff sign-in failed: ${login.status} ${await login.text()}`)
    return (await login.json() as { accessToken: string }).accessToken
  }
  let staffToken = await signIn()
  async function call (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    const text = await res.text()
    let json: any = null
    try { json = JSON.parse(text) } catch { json = text }
    return { status: res.status, body: json }
  }
  return {
    cloud, management, cloudRelay, token, secret, keys, dir,
    get staffToken () { return staffToken },
    /** Staff API on management. */
    async mgmt (method: string, path: string, body?: unknown) {
      const res = await call(management.url, method, `/api/v1/management${path}`, body, { authorization: `Bearer ${staffToken}` })
      // A long run (the burst on a loaded machine) outlives the 10-minute access token: sign in again, as the UI refreshes.
      if (res.status !== 401 || res.body?.code !== 'token_expired') return res
      staffToken = await signIn()
      return call(management.url, method, `/api/v1/management${path}`, body, { authorization: `Bearer ${staffToken}` })
    },
    /** The cloud's internal API. */
    internal: (method: string, path: string, body?: unknown, t = token) => call(cloud.url, method, path, body, { 'x-internal-token': t }),
    raw: call,
    async close () {
      await cloudRelay.down()
      await Promise.all([cloud.stop(), management.stop()])
      await cloudDb?.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

async function freshPg (adminUrl: string) {
  const { default: pg } = await import('pg')
  const name = `mgmt_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop () {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`).catch(() => {})
      await c.end()
    }
  }
}

export async function until<T> (what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 150))
  }
}
