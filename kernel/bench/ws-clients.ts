/**
 * The WebSocket clients of `npm run bench -- ws`, in their own process (never on a server's
 * event loop), spread over BENCH_WS_CLIENT_THREADS worker threads (default 2).
 *
 * Main thread, over IPC with the bench:
 *   connect { target, url, tokens, origin, count }  opens `count` sockets to `url` (token i % n,
 *     `Sec-WebSocket-Protocol: bearer, <token>`, Origin), at most 64 handshakes in flight per
 *     thread; answers { connected, failed, reasons, ms }.
 *   measure { target, seq, publishUrl, headers }  arms every thread for event data.seq = seq,
 *     takes t0, POSTs the publish, and answers once every open socket of `target` has the
 *     message (or after 15 s) with each socket's latency from t0 in ms (sorted), the publish
 *     answer and its timings.
 *   close  terminates every socket and exits.
 * Times are epoch milliseconds with sub-millisecond resolution (timeOrigin + now()), the same
 * clock in every thread and process on the machine.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'

const now = () => performance.timeOrigin + performance.now()

interface ConnectSpec { target: string, url: string, tokens: string[], origin?: string, count: number, offset: number, stride: number }

if (!isMainThread) {
  // ---- a client thread: holds its share of the sockets, timestamps arrivals ----
  const port = parentPort!
  const sockets = new Map<string, WebSocket[]>()
  const armed = new Map<string, { seq: number, times: Float64Array, got: number, expected: number, done: boolean }>()

  function report (target: string): void {
    const a = armed.get(target)
    if (!a || a.done) return
    a.done = true
    port.postMessage({ cmd: 'received', target, seq: a.seq, times: Array.from(a.times.subarray(0, a.got)), expected: a.expected })
  }

  function open (spec: ConnectSpec, i: number, list: WebSocket[]): Promise<string | null> {
    return new Promise(resolve => {
      const token = spec.tokens[(spec.offset + i * spec.stride) % spec.tokens.length] as string
      const ws = new WebSocket(spec.url, ['bearer', token], { ...(spec.origin ? { origin: spec.origin } : {}), perMessageDeflate: false, handshakeTimeout: 20_000 })
      let settled = false
      ws.on('open', () => { settled = true; list.push(ws); resolve(null) })
      ws.on('unexpected-response', (_req, res) => { settled = true; res.resume(); resolve(`HTTP ${res.statusCode}`) })
      ws.on('error', err => { if (!settled) { settled = true; resolve(err.message) } })
      ws.on('message', (raw: Buffer) => {
        const a = armed.get(spec.target)
        if (!a || a.done) return
        const t = now()
        const msg = JSON.parse(raw.toString('utf8')) as { type?: string, data?: { seq?: number } }
        if (msg.type !== 'event' || msg.data?.seq !== a.seq) return
        a.times[a.got++] = t
        if (a.got === a.expected) report(spec.target)
      })
      ws.on('close', () => {
        const open = sockets.get(spec.target)
        if (!open) return
        const k = open.indexOf(ws)
        if (k >= 0) open.splice(k, 1)
      })
    })
  }

  port.on('message', async (m: { cmd: string, target: string, seq?: number, spec?: ConnectSpec }) => {
    if (m.cmd === 'connect') {
      const spec = m.spec as ConnectSpec
      const list: WebSocket[] = sockets.get(spec.target) ?? []
      sockets.set(spec.target, list)
      const reasons: Record<string, number> = {}
      let next = 0
      let failed = 0
      const lane = async () => {
        while (next < spec.count) {
          const reason = await open(spec, next++, list)
          if (reason) { failed++; reasons[reason] = (reasons[reason] ?? 0) + 1 }
        }
      }
      await Promise.all(Array.from({ length: 64 }, lane))
      port.postMessage({ cmd: 'connected', target: spec.target, connected: list.length, failed, reasons })
    } else if (m.cmd === 'arm') {
      const expected = sockets.get(m.target)?.filter(ws => ws.readyState === WebSocket.OPEN).length ?? 0
      armed.set(m.target, { seq: m.seq as number, times: new Float64Array(expected), got: 0, expected, done: false })
      port.postMessage({ cmd: 'armed', target: m.target, expected })
      if (expected === 0) report(m.target)
    } else if (m.cmd === 'collect') {
      report(m.target)
    } else if (m.cmd === 'close') {
      for (const list of sockets.values()) for (const ws of list) ws.terminate()
      port.postMessage({ cmd: 'closed' })
    }
  })
} else {
  // ---- main thread: coordinates the threads, sends the publish, answers the bench ----
  const THREADS = Math.max(1, Number(process.env.BENCH_WS_CLIENT_THREADS ?? 2))
  const threads = Array.from({ length: THREADS }, () => new Worker(new URL(import.meta.url), { workerData: {} }))
  void workerData

  /** One answer of `cmd` (for `target`) from each thread; after `timeoutMs` a thread is asked to report what it has. */
  function answers<T> (cmd: string, target?: string, timeoutMs = 0): Promise<T[]> {
    return Promise.all(threads.map(w => new Promise<T>(resolve => {
      let timer: NodeJS.Timeout | undefined
      const on = (r: { cmd: string, target?: string }) => {
        if (r.cmd !== cmd || (target !== undefined && r.target !== target)) return
        w.off('message', on)
        clearTimeout(timer)
        resolve(r as T)
      }
      w.on('message', on)
      if (timeoutMs > 0) timer = setTimeout(() => w.postMessage({ cmd: 'collect', target }), timeoutMs)
    })))
  }

  /** Sends `msg` (plus `each(i)`) to every thread and collects one answer of `cmd` from each. */
  function all<T> (msg: Record<string, unknown>, cmd: string, each: (i: number) => Record<string, unknown> = () => ({})): Promise<T[]> {
    const waiting = answers<T>(cmd, msg.target as string | undefined)
    threads.forEach((w, i) => w.postMessage({ ...msg, ...each(i) }))
    return waiting
  }

  const send = (m: Record<string, unknown>) => process.send?.(m)
  process.on('message', async (m: { type: string, target: string, url: string, tokens: string[], origin?: string, count: number, seq: number, publishUrl: string, headers: Record<string, string> }) => {
    try {
      if (m.type === 'connect') {
        const t = performance.now()
        const per = threads.map((_, i) => Math.floor(m.count / THREADS) + (i < m.count % THREADS ? 1 : 0))
        const results = await all<{ connected: number, failed: number, reasons: Record<string, number> }>({ cmd: 'connect', target: m.target }, 'connected',
          i => ({ spec: { target: m.target, url: m.url, tokens: m.tokens, origin: m.origin, count: per[i], offset: i, stride: THREADS } }))
        const reasons: Record<string, number> = {}
        for (const r of results) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] ?? 0) + v
        send({ type: 'connect', target: m.target, connected: results.reduce((n, r) => n + r.connected, 0), failed: results.reduce((n, r) => n + r.failed, 0), reasons, ms: performance.now() - t })
      } else if (m.type === 'measure') {
        const received = answers<{ times: number[], expected: number }>('received', m.target, 15_000)
        const armed = await all<{ expected: number }>({ cmd: 'arm', target: m.target, seq: m.seq }, 'armed')
        const expected = armed.reduce((n, a) => n + a.expected, 0)
        const t0 = now()
        const res = await fetch(m.publishUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...m.headers }, body: JSON.stringify({ event: 'bench', data: { seq: m.seq } }) })
        const answeredAt = now()
        const answer = await res.json() as { startedAt?: number, finishedAt?: number }
        const got = await received
        const latencies = got.flatMap(g => g.times.map(t => t - t0)).sort((a, b) => a - b)
        send({
          type: 'measure', target: m.target, seq: m.seq, status: res.status, expected, latencies,
          loopStartMs: answer.startedAt !== undefined ? answer.startedAt - t0 : null,
          loopEndMs: answer.finishedAt !== undefined ? answer.finishedAt - t0 : null,
          answeredMs: answeredAt - t0
        })
      } else if (m.type === 'close') {
        await all({ cmd: 'close' }, 'closed')
        send({ type: 'close' })
        await Promise.all(threads.map(w => w.terminate()))
        process.exit(0)
      }
    } catch (err) {
      send({ type: m.type, error: (err as Error).message })
    }
  })
  const stop = () => { void Promise.all(threads.map(w => w.terminate())).finally(() => process.exit(0)) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.on('disconnect', stop)
  send({ type: 'ready', pid: process.pid, threads: THREADS })
}
