// The promise behind a 202: kill the ingest process with SIGKILL while appliances send, restart
// it, let the clients retry what was not acknowledged, and count what was stored.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshDatabase, startInstance, type Instance } from '@monozu/kernel/testing'

const EVENTS = 3000
const PER_REQUEST = 10
const CONCURRENCY = 8
const password = 'durability-demo-password'

const dataDir = mkdtempSync(join(tmpdir(), 'monozu-durability-'))
const pg = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null
const env: Record<string, string> = { DATA_DIR: dataDir, MONOZU_DEMO_PASSWORD: password, DEMO_SIMULATOR: 'off', ...(pg ? { DATABASE_URL: pg.url } : {}) }
let instance: Instance | undefined
t.teardown(async () => {
  instance?.child.kill('SIGKILL')
  await instance?.exited
  await pg?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function api (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(15_000), method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

t.test(`every acknowledged event survives SIGKILL and is stored exactly once (${pg ? 'PostgreSQL' : 'PGlite on disk'})`, async t => {
  instance = await startInstance('ingest-1', env)
  const login = await api(instance.url, 'POST', '/api/v1/auth/login', { email: 'admin@acme.example', password })
  t.equal(login.status, 200, 'the demo admin signs in')
  const auth = { authorization: `Bearer ${login.body.accessToken}` }
  const token = await api(instance.url, 'POST', '/api/v1/devices/enrollment-tokens', {}, auth)
  const device = await api(instance.url, 'POST', '/api/v1/devices/register', { hostname: 'durable-1', os: 'Linux', agentVersion: '1.0', hardwareId: 'durable-hw' }, { 'x-enrollment-token': token.body.token })
  t.equal(device.status, 201)
  const key = device.body.deviceKey as string

  const requests = Array.from({ length: EVENTS / PER_REQUEST }, (_, r) => ({
    kind: 'log',
    events: Array.from({ length: PER_REQUEST }, (_, i) => ({ id: `ev-${r * PER_REQUEST + i}`, level: 'info', message: `event ev-${r * PER_REQUEST + i}` }))
  }))
  const acked = new Set<number>()
  let accepted = 0
  let duplicates = 0
  const send = async (base: string, r: number): Promise<boolean> => {
    try {
      const res = await api(base, 'POST', '/v1/ingest', requests[r], { 'x-device-key': key })
      if (res.status !== 202) return false
      acked.add(r)
      accepted += res.body.accepted
      duplicates += res.body.duplicates
      return true
    } catch { return false }
  }

  // Phase 1: concurrent senders; the process is killed once a third has been acknowledged.
  let next = 0
  const live = instance
  const killed = new Promise<void>(resolve => {
    const timer = setInterval(() => {
      if (acked.size >= requests.length / 3) { clearInterval(timer); live.child.kill('SIGKILL'); resolve() }
    }, 1)
  })
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < requests.length && live.child.exitCode === null && live.child.signalCode === null) await send(live.url, next++)
  }))
  await killed
  await live.exited
  const ackedBeforeKill = acked.size
  t.ok(ackedBeforeKill >= requests.length / 3 && ackedBeforeKill < requests.length, `killed mid-run: ${ackedBeforeKill} of ${requests.length} requests acknowledged`)

  // Phase 2: restart on the same data and retry everything not acknowledged.
  instance = await startInstance('ingest-2', env)
  const base = instance.url
  const pending = requests.map((_, r) => r).filter(r => !acked.has(r))
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    const batch = pending.splice(0)
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let r = batch.shift(); r !== undefined; r = batch.shift()) if (!await send(base, r)) pending.push(r)
    }))
  }
  if (pending.length > 0) t.comment(instance.output().slice(-4000))
  t.equal(pending.length, 0, 'every request is acknowledged after retries')
  t.equal(accepted + duplicates, EVENTS, `each event acknowledged once: ${accepted} accepted, ${duplicates} duplicates`)
  // A commit the kill hid (stored, but its 202 never arrived) comes back as duplicates on retry.
  t.ok(duplicates <= CONCURRENCY * PER_REQUEST, 'duplicates come only from requests in flight at the kill')

  // Every event reached its consumer exactly once.
  const relogin = await api(base, 'POST', '/api/v1/auth/login', { email: 'admin@acme.example', password })
  const auth2 = { authorization: `Bearer ${relogin.body.accessToken}` }
  const stored = async () => {
    const messages: string[] = []
    let cursor = ''
    do {
      const page = await api(base, 'GET', `/api/v1/devices/${device.body.deviceId}/logs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, undefined, auth2)
      messages.push(...page.body.items.map((i: { message: string }) => i.message))
      cursor = page.body.nextCursor ?? ''
    } while (cursor)
    return messages
  }
  let messages = await stored()
  const until = Date.now() + 30_000
  while (messages.length < EVENTS && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 250))
    messages = await stored()
  }
  t.equal(messages.length, EVENTS, 'as many stored log lines as events sent')
  t.equal(new Set(messages).size, EVENTS, 'no event stored twice')
  const missing = requests.flatMap(r => r.events.map(e => e.message)).filter(m => !messages.includes(m))
  t.same(missing, [], 'no acknowledged (or retried) event is missing')
})
