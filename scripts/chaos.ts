// npm run chaos: failure scenarios against a private platform (scripts/chaos-cluster.ts: its own
// PostgreSQL cluster, its own Redis, two real kernel processes; the shared services are never
// touched). About 3 minutes; ends with "N passed, N failed" and exits non-zero on a failure.
//   a. PostgreSQL restarted under ingest and API load: nothing acknowledged is lost, no 500s,
//      and both instances serve again without being restarted.
//   b. Redis lost (SIGKILL) and back: events published on one instance reach sockets on the
//      other again, both ways.
//   c. One of two instances SIGKILLed under WebSocket load: its clients reconnect to the other
//      and receive events there.
// Figures (recovery times, counts) are printed as comments; no assertion is on a time budget
// tighter than "within a minute": the machine is shared.
import WebSocket from 'ws'
import { api, startPlatform, tenantAndDevice, type Platform } from './chaos-cluster.ts'
import type { Instance } from '@monozu/kernel/testing'

let passed = 0
let failed = 0
let seq = 0
function check (ok: boolean, name: string, detail?: unknown): void {
  seq++
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'ok' : 'not ok'} ${seq} - ${name}`)
  if (!ok && detail !== undefined) console.log(`  # ${JSON.stringify(detail).slice(0, 2000)}`)
}
const note = (text: string) => console.log(`# ${text}`)
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const alive = (i: Instance) => i.child.exitCode === null && i.child.signalCode === null

/** Polls `fn` until it returns true; the milliseconds it took, or null after `ms`. */
async function within (ms: number, fn: () => Promise<boolean>): Promise<number | null> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    try { if (await fn()) return Date.now() - started } catch { /* not yet */ }
    await sleep(100)
  }
  return null
}

async function postgresRestart (p: Platform, A: Instance, B: Instance, t: { auth: Record<string, string>, deviceId: string, deviceKey: string }): Promise<void> {
  note('a. PostgreSQL restarted under ingest and API load')
  const bases = [A.url, B.url]
  const statuses: Record<string, number> = {}
  const unexpected: unknown[] = []
  const acked: string[] = []
  let stop = false
  let request = 0
  const count = (key: string) => { statuses[key] = (statuses[key] ?? 0) + 1 }
  const ingest = async () => {
    while (!stop) {
      const r = request++
      const events = Array.from({ length: 10 }, (_, i) => ({ id: `pg-${r}-${i}`, level: 'info', message: `chaos pg-${r}-${i}` }))
      try {
        const res = await api(bases[r % 2]!, 'POST', '/v1/ingest', { kind: 'log', events }, { 'x-device-key': t.deviceKey })
        count(`ingest ${res.status}`)
        if (![202, 503].includes(res.status)) unexpected.push(res.body)
        if (res.status === 202) acked.push(...events.map(e => e.message))
      } catch (err) { count(`ingest ${(err as Error).name}`) }
      await sleep(20)
    }
  }
  const reads = async (w: number) => {
    while (!stop) {
      try {
        const res = await api(bases[w % 2]!, 'GET', '/api/v1/devices?limit=5', undefined, t.auth)
        count(`api ${res.status}`)
        if (![200, 503].includes(res.status)) unexpected.push(res.body)
      } catch (err) { count(`api ${(err as Error).name}`) }
      await sleep(20)
    }
  }
  const loops = [...[0, 1, 2].map(() => ingest()), ...[0, 1].map(w => reads(w))]
  await sleep(5000)
  const ackedBefore = acked.length
  const pids = [A.child.pid, B.child.pid]
  const down = Date.now()
  await p.pg.stop()
  await sleep(3000)
  await p.pg.start()
  note(`PostgreSQL was down ${Date.now() - down} ms`)
  for (const [name, base] of [['A', A.url], ['B', B.url]] as const) {
    const apiBack = await within(60_000, async () => (await api(base, 'GET', '/api/v1/devices?limit=1', undefined, t.auth)).status === 200)
    const ingestBack = await within(60_000, async () => (await api(base, 'POST', '/v1/ingest', { kind: 'log', events: [{ level: 'info', message: `probe ${name}` }] }, { 'x-device-key': t.deviceKey })).status === 202)
    check(apiBack !== null && ingestBack !== null, `instance ${name} serves the API and ingest again after the restart (API in ${apiBack} ms, ingest in ${ingestBack} ms)`)
  }
  await sleep(5000)
  stop = true
  await Promise.all(loops)
  note(`statuses under load: ${JSON.stringify(statuses)}`)
  check(ackedBefore > 0 && acked.length > ackedBefore, `ingest acknowledged before (${ackedBefore}) and after (${acked.length - ackedBefore}) the restart`)
  const errors = Object.entries(statuses).filter(([k]) => !/ (200|202|503)$/.test(k))
  check(errors.length === 0, 'every answer was 200/202 or 503 (no 500, no dropped connection)', { errors, unexpected: unexpected.slice(0, 3) })
  // What the instances logged about them (at LOG_LEVEL warn only warnings and errors are there).
  if (errors.length) for (const i of [A, B]) for (const line of i.output().split('\n').filter(l => l.includes('"level":50')).slice(0, 3)) note(`${i.name}: ${line.slice(0, 1500)}`)
  check([A, B].every(alive) && A.child.pid === pids[0] && B.child.pid === pids[1], 'neither instance exited or was restarted')

  // Every acknowledged event reaches the devices plugin (dispatch runs on both instances).
  const stored = async () => {
    const messages: string[] = []
    let cursor = ''
    do {
      const page = await api(A.url, 'GET', `/api/v1/devices/${t.deviceId}/logs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, undefined, t.auth)
      if (page.status !== 200) throw new Error(`logs: ${page.status}`)
      messages.push(...page.body.items.map((i: { message: string }) => i.message))
      cursor = page.body.nextCursor ?? ''
    } while (cursor)
    return messages
  }
  let messages: string[] = []
  const want = new Set(acked)
  await within(90_000, async () => {
    messages = await stored()
    return acked.every(m => messages.includes(m))
  })
  const have = new Set(messages)
  const lost = [...want].filter(m => !have.has(m))
  const chaosLines = messages.filter(m => m.startsWith('chaos '))
  check(lost.length === 0, `every acknowledged event is stored: ${acked.length} acknowledged, ${chaosLines.length} stored, ${lost.length} lost`, lost.slice(0, 20))
  check(new Set(chaosLines).size === chaosLines.length, 'no event stored twice')
}

/** A socket on `base` for fx-jobs.events that records what it gets. */
function listen (base: string, token: string): Promise<{ ws: WebSocket, got: Array<{ event: string, data: any, at: number }> }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws/fx-jobs.events`, ['bearer', token])
  const got: Array<{ event: string, data: any, at: number }> = []
  ws.on('message', raw => {
    const m = JSON.parse(raw.toString())
    if (m.type === 'event') got.push({ event: m.event, data: m.data, at: Date.now() })
  })
  return new Promise((resolve, reject) => { ws.once('open', () => resolve({ ws, got })); ws.once('error', reject) })
}

const publish = (base: string, auth: Record<string, string>, event: string, data: unknown) =>
  api(base, 'POST', '/api/v1/fx-jobs/publish', { event, data }, auth)

async function redisLost (p: Platform, A: Instance, B: Instance, t: { auth: Record<string, string>, token: string }): Promise<void> {
  note('b. Redis lost and back')
  const onB = await listen(B.url, t.token)
  const onA = await listen(A.url, t.token)
  await publish(A.url, t.auth, 'redis.before', {})
  check(await within(10_000, async () => onB.got.some(e => e.event === 'redis.before')) !== null, 'before: an event published on A reaches a socket on B')
  await p.redis.kill()
  const during = await publish(A.url, t.auth, 'redis.during', {}).catch(err => ({ status: (err as Error).name, body: null }))
  note(`publish while Redis is down: ${during.status} ${JSON.stringify(during.body)}`)
  await sleep(3000)
  await p.redis.start()
  let n = 0
  const resumedAB = await within(60_000, async () => {
    await publish(A.url, t.auth, 'redis.after', { n: n++ })
    return onB.got.some(e => e.event === 'redis.after')
  })
  check(resumedAB !== null, `after: events from A reach B again (${resumedAB} ms after Redis came back)`)
  const resumedBA = await within(60_000, async () => {
    await publish(B.url, t.auth, 'redis.back', { n: n++ })
    return onA.got.some(e => e.event === 'redis.back')
  })
  check(resumedBA !== null, `after: events from B reach A again (${resumedBA} ms)`)
  check(onA.ws.readyState === WebSocket.OPEN && onB.ws.readyState === WebSocket.OPEN, 'the sockets stayed open through the outage')
  check([A, B].every(alive), 'neither instance exited')
  onA.ws.close()
  onB.ws.close()
}

async function instanceKilled (A: Instance, B: Instance, t: { auth: Record<string, string>, token: string }): Promise<void> {
  const CLIENTS = 40
  note(`c. one of two instances SIGKILLed under WebSocket load (${CLIENTS} clients)`)
  // Each client knows both instances, as behind a load balancer, and reconnects to the next one.
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({ i, on: i % 2, ws: null as WebSocket | null, got: [] as Array<{ n: number, at: number }>, closedAt: 0, reopenedAt: 0 }))
  const bases = [A.url, B.url]
  const connect = (c: typeof clients[number]) => new Promise<void>(resolve => {
    const ws = new WebSocket(`${bases[c.on]!.replace('http', 'ws')}/api/ws/fx-jobs.events`, ['bearer', t.token])
    c.ws = ws
    ws.on('message', raw => {
      const m = JSON.parse(raw.toString())
      if (m.type === 'event' && m.event === 'ws.tick') c.got.push({ n: m.data.n, at: Date.now() })
    })
    ws.once('open', () => { if (c.closedAt) c.reopenedAt = Date.now(); resolve() })
    ws.once('close', () => {
      if (!c.closedAt) c.closedAt = Date.now()
      c.on = 1 - c.on
      setTimeout(() => void connect(c), 100)
      resolve()
    })
    ws.once('error', () => { /* close follows */ })
  })
  await Promise.all(clients.map(connect))
  let tick = 0
  let stop = false
  const ticks = (async () => {
    while (!stop) {
      await publish(B.url, t.auth, 'ws.tick', { n: tick++, at: Date.now() }).catch(() => undefined)
      await sleep(200)
    }
  })()
  const warm = await within(30_000, async () => clients.every(c => c.got.length > 0))
  check(warm !== null, `all ${CLIENTS} clients receive events before the kill`)
  const killedAt = Date.now()
  A.child.kill('SIGKILL')
  await A.exited
  const firstAfter = tick
  const moved = await within(60_000, async () => clients.every(c => c.ws?.readyState === WebSocket.OPEN && c.on === 1 && c.got.some(g => g.n >= firstAfter + 1)))
  stop = true
  await ticks
  const victims = clients.filter(c => c.closedAt)
  const reconnect = victims.map(c => c.reopenedAt - killedAt).filter(ms => ms > 0).sort((a, b) => a - b)
  note(`${victims.length} clients were on the killed instance; reconnected in ${reconnect[0]}-${reconnect.at(-1)} ms after the kill`)
  check(victims.length === CLIENTS / 2, `the ${CLIENTS / 2} clients of the killed instance saw their sockets close`)
  check(moved !== null, `every client is connected to the survivor and receives its events (${moved} ms after the kill)`)
  const health = await api(B.url, 'GET', '/api/v1/health')
  check(health.status === 200 && health.body.status === 'ok', 'the survivor is healthy')
  for (const c of clients) { c.ws?.removeAllListeners('close'); c.ws?.close() }
}

const started = Date.now()
let platform: Platform | undefined
try {
  platform = await startPlatform(2, { JOB_POLL_MS: '100' })
  const [A, B] = platform.instances as [Instance, Instance]
  note(`platform up in ${Date.now() - started} ms: PostgreSQL :${platform.pg.port}, Redis :${platform.redis.port}, A ${A.url}, B ${B.url}`)
  const tenant = await tenantAndDevice(A.url, 'chaos-1')
  await postgresRestart(platform, A, B, tenant)
  await redisLost(platform, A, B, tenant)
  await instanceKilled(A, B, tenant)
} catch (err) {
  check(false, `the chaos run finished: ${(err as Error).message}`, (err as Error).stack)
  for (const i of platform?.instances ?? []) console.log(`# ${i.name} output:\n${i.output().slice(-3000).replace(/^/gm, '# ')}`)
} finally {
  await platform?.close()
}
note(`chaos done in ${Math.round((Date.now() - started) / 1000)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
