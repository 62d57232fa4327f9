// npm run soak [-- --minutes N]: a steady load on a private platform (scripts/chaos-cluster.ts:
// its own PostgreSQL and Redis, two kernel processes) for N minutes (default 10), printing each
// instance's memory and the p99 latencies over the first and the last window (a minute, or a
// quarter of a shorter run), a progress line every minute, and a JSON line at the end.
// Not part of CI. The load, per second: --ingest requests of 10 log events (default 10),
// --reads API list calls (default 10), --publish channel events (default 2) to --sockets
// WebSocket clients (default 20) spread over both instances.
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { api, percentile, rssMiB, startPlatform, tenantAndDevice } from './chaos-cluster.ts'
import type { Instance } from '@monozu/kernel/testing'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, ingest: { type: 'string', default: '10' }, reads: { type: 'string', default: '10' }, publish: { type: 'string', default: '2' }, sockets: { type: 'string', default: '20' } } })
const minutes = Number(values.minutes)
const rates = { ingest: Number(values.ingest), reads: Number(values.reads), publish: Number(values.publish) }
const SOCKETS = Number(values.sockets)
if (!(minutes > 0) || Object.values(rates).some(r => !(r > 0)) || !(SOCKETS >= 0)) {
  console.error('usage: node scripts/soak.ts [--minutes N] [--ingest N] [--reads N] [--publish N] [--sockets N]')
  process.exit(2)
}
const durationMs = minutes * 60_000
const windowMs = Math.min(60_000, durationMs / 4)
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

interface Sample { at: number, ms: number, ok: boolean }
const samples: Record<'ingest' | 'reads' | 'delivery', Sample[]> = { ingest: [], reads: [], delivery: [] }
const MAX_IN_FLIGHT = 200
const skipped: Record<string, number> = {}
const answers: Record<string, number> = {}

const platform = await startPlatform(2, { ACCESS_TOKEN_TTL: '3600' })
const instances = platform.instances as [Instance, Instance]
const bases = instances.map(i => i.url)
let stopped = false
const shutdown = async (code: number) => { stopped = true; await platform.close(); process.exit(code) }
process.on('SIGINT', () => void shutdown(130))

try {
  const t = await tenantAndDevice(bases[0]!, 'soak-1')
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${bases[i % 2]!.replace('http', 'ws')}/api/ws/fx-jobs.events`, ['bearer', t.token])
    ws.on('message', raw => {
      const m = JSON.parse(raw.toString())
      if (m.type === 'event' && m.event === 'soak.tick') samples.delivery.push({ at: Date.now(), ms: Date.now() - m.data.at, ok: true })
    })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })))

  /**
   * Calls `fn` `perSecond` times a second on a fixed schedule (open loop: a slow answer does not
   * slow the load). It always yields to the event loop, even when behind schedule (else the loop
   * would spin without letting a single request progress), and past MAX_IN_FLIGHT calls it counts
   * a tick as `skipped` instead of piling up more.
   */
  const steady = async (kind: string, perSecond: number, fn: (n: number) => Promise<void>) => {
    const pending = new Set<Promise<void>>()
    const start = Date.now()
    for (let n = 0; !stopped && Date.now() - start < durationMs; n++) {
      await sleep(Math.max(0, start + n * 1000 / perSecond - Date.now()))
      if (pending.size >= MAX_IN_FLIGHT) { skipped[kind] = (skipped[kind] ?? 0) + 1; continue }
      const p = fn(n).catch(() => undefined).finally(() => pending.delete(p))
      pending.add(p)
    }
    await Promise.all(pending)
  }
  const timed = async (kind: 'ingest' | 'reads', call: () => ReturnType<typeof api>, okStatus: number) => {
    const at = Date.now()
    try {
      const res = await call()
      answers[`${kind} ${res.status}`] = (answers[`${kind} ${res.status}`] ?? 0) + 1
      samples[kind].push({ at, ms: res.ms, ok: res.status === okStatus })
    } catch (err) {
      answers[`${kind} ${(err as Error).name}`] = (answers[`${kind} ${(err as Error).name}`] ?? 0) + 1
      samples[kind].push({ at, ms: Date.now() - at, ok: false })
    }
  }

  const began = Date.now()
  const windowOf = (from: number, to: number) => {
    const pick = (s: Sample[]) => s.filter(x => x.at >= from && x.at < to)
    const stats = (s: Sample[]) => ({ n: s.length, errors: s.filter(x => !x.ok).length, p50: percentile(s.map(x => x.ms), 50), p99: percentile(s.map(x => x.ms), 99) })
    return {
      rssMiB: Object.fromEntries(instances.map(i => [i.name, rssMiB(i.child.pid)])),
      ingest: stats(pick(samples.ingest)),
      reads: stats(pick(samples.reads)),
      delivery: stats(pick(samples.delivery))
    }
  }
  const show = (label: string, w: ReturnType<typeof windowOf>) =>
    console.log(`${label}: memory ${Object.entries(w.rssMiB).map(([k, v]) => `${k} ${v} MiB`).join(', ')}; p99 ingest ${w.ingest.p99} ms (${w.ingest.n}, ${w.ingest.errors} errors), reads ${w.reads.p99} ms (${w.reads.n}, ${w.reads.errors} errors), socket delivery ${w.delivery.p99} ms (${w.delivery.n})`)

  let start: ReturnType<typeof windowOf> | undefined
  const reporter = (async () => {
    await sleep(windowMs)
    start = windowOf(began, began + windowMs)
    show(`start (first ${Math.round(windowMs / 1000)} s)`, start)
    for (let m = 1; !stopped && Date.now() - began < durationMs - 60_000; m++) {
      await sleep(Math.min(60_000, durationMs - (Date.now() - began)))
      if (Date.now() - began < durationMs - 1000) show(`minute ${m}`, windowOf(Date.now() - 60_000, Date.now()))
    }
  })()
  console.log(`soak: ${minutes} min on two instances, per second ${rates.ingest} ingest requests (10 events each), ${rates.reads} reads, ${rates.publish} events to ${SOCKETS} sockets`)
  await Promise.all([
    steady('ingest', rates.ingest, n => timed('ingest', () => api(bases[n % 2]!, 'POST', '/v1/ingest', { kind: 'log', events: Array.from({ length: 10 }, (_, i) => ({ id: `soak-${n}-${i}`, level: 'info', message: `soak ${n}-${i}` })) }, { 'x-device-key': t.deviceKey }), 202)),
    steady('reads', rates.reads, n => timed('reads', () => api(bases[n % 2]!, 'GET', '/api/v1/devices?limit=20', undefined, t.auth), 200)),
    steady('publish', rates.publish, n => api(bases[n % 2]!, 'POST', '/api/v1/fx-jobs/publish', { event: 'soak.tick', data: { at: Date.now() } }, t.auth).then(() => undefined))
  ])
  stopped = true
  await reporter
  await sleep(500)
  const end = windowOf(began + durationMs - windowMs, began + durationMs + 1)
  show(`end (last ${Math.round(windowMs / 1000)} s)`, end)
  console.log(`answers: ${JSON.stringify(answers)}; ticks skipped at ${MAX_IN_FLIGHT} in flight: ${JSON.stringify(skipped)}`)
  for (const ws of sockets) ws.close()
  console.log(JSON.stringify({ bench: 'soak', minutes, rates, sockets: SOCKETS, date: new Date().toISOString(), start, end, answers, skipped }))
  await shutdown(0)
} catch (err) {
  console.error(err)
  for (const i of instances) console.error(`${i.name} output:\n${i.output().slice(-3000)}`)
  await shutdown(1)
}
