/**
 * `npm run bench -- ws`: fan-out latency of one publish to 5,000 WebSocket clients of one tenant.
 *
 * Three kinds of process, so no two share an event loop:
 * - this one: ONE kernel (createKernel on a fresh PostgreSQL database, or PGlite in memory when
 *   PostgreSQL is unreachable or BENCH_WS_DB=pglite) with the bench-ws plugin (one channel,
 *   bench-ws.events, permission bench-ws.read, and a publish route), listening on 127.0.0.1;
 *   allowedOrigins holds the clients' Origin; defaults otherwise (WS_RECHECK_SECONDS 5,
 *   WS_HEARTBEAT_SECONDS 30, in-process bus);
 * - ws-bare.ts: the baseline, a bare `ws` WebSocketServer broadcasting the same JSON message;
 * - ws-clients.ts: the clients, in worker threads, connected to both servers at once: sockets of
 *   one tenant, one member user per socket unless BENCH_WS_USERS says fewer (sockets then share
 *   users round-robin), `Sec-WebSocket-Protocol: bearer, <token>`.
 * Each measurement: the client process takes t0, POSTs one publish (the kernel: the plugin's
 * route, signed in as a tenant admin, which calls ctx.channels.publish; the bare server: POST
 * /publish) and timestamps the message's arrival on every socket. Latency = arrival - t0, on one
 * clock. After one warm-up each, BENCH_WS_REPEATS publishes per server, alternating kernel and
 * bare, at irregular gaps. Ends with one JSON line: the figure is the kernel's p99 over every
 * delivery of every repeat; ratio = kernel p99 / bare p99; target: ratio <= 2 and p99 < 250 ms.
 *
 * Environment: DATABASE_URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_WS_CLIENTS (default 5000), BENCH_WS_USERS (default: one per client), BENCH_WS_REPEATS (default 7),
 * BENCH_WS_CLIENT_THREADS (default 2), BENCH_WS_DB (postgres | pglite), BENCH_WS_RECHECK_SECONDS
 * (the kernel's WS_RECHECK_SECONDS, default 5: to tell the re-check's cost from the fan-out's).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createKernel, type Kernel } from '../src/kernel.ts'
import type { KernelConfig } from '../src/config/config.ts'
import { freshDatabase } from '../src/testing/postgres.ts'
import { ADMIN_URL, ask, defer, percentile, postgresUnreachable, redact, round, runBench, startChild } from './harness.ts'

const REQUESTED = Number(process.env.BENCH_WS_CLIENTS ?? 5000)
const USERS_ENV = process.env.BENCH_WS_USERS
const REPEATS = Math.max(1, Number(process.env.BENCH_WS_REPEATS ?? 7))
const ORIGIN = 'https://app.bench.example'
const CHANNEL = 'bench-ws.events'
const pluginDir = fileURLToPath(new URL('./fixtures/bench-ws/', import.meta.url))

interface Measure { target: string, seq: number, status: number, expected: number, latencies: number[], loopStartMs: number | null, loopEndMs: number | null, answeredMs: number, error?: string }
interface Summary { p50: number, p99: number, max: number, deliveries: number, missing: number, perRepeat: Array<{ p50: number, p99: number, max: number, loopMs: number | null }> }

/** The soft limit on open files of this process (inherited from the shell's `ulimit -n`). */
function openFilesLimit (): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find(l => l.startsWith('Max open files'))
    const soft = line?.split(/\s{2,}/)[1]
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft)
  } catch { return Number.NaN }
}

function summarize (runs: Measure[]): Summary {
  const all = runs.flatMap(r => r.latencies).sort((a, b) => a - b)
  return {
    p50: round(percentile(all, 50), 1),
    p99: round(percentile(all, 99), 1),
    max: round(all[all.length - 1] ?? Number.NaN, 1),
    deliveries: all.length,
    missing: runs.reduce((n, r) => n + (r.expected - r.latencies.length), 0),
    perRepeat: runs.map(r => ({
      p50: round(percentile(r.latencies, 50), 1),
      p99: round(percentile(r.latencies, 99), 1),
      max: round(r.latencies[r.latencies.length - 1] ?? Number.NaN, 1),
      loopMs: r.loopStartMs !== null && r.loopEndMs !== null ? round(r.loopEndMs - r.loopStartMs, 1) : null
    }))
  }
}

/**
 * The kernel holding its sockets with nothing published, for `ms` (longer than one permission
 * re-check period): its process CPU, its event-loop delay, and how long a trivial query waits
 * for the owner pool (the pool the re-checks' identity lookups, job claims and feature loads share).
 */
async function idleProbe (kernel: Kernel, ms: number) {
  const eld = monitorEventLoopDelay({ resolution: 10 })
  eld.enable()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const waits: number[] = []
  while (performance.now() - t0 < ms) {
    const t = performance.now()
    await kernel.conn.owner.raw('select 1')
    waits.push(performance.now() - t)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  eld.disable()
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  waits.sort((a, b) => a - b)
  return {
    seconds: round(wall / 1000, 1),
    cpuPercent: round((cpu.user + cpu.system) / 1000 / wall * 100),
    loopDelayP99Ms: round(eld.percentile(99) / 1e6, 1),
    loopDelayMaxMs: round(eld.max / 1e6, 1),
    ownerQueryP50Ms: round(percentile(waits, 50), 1),
    ownerQueryMaxMs: round(waits[waits.length - 1] ?? Number.NaN, 1),
    ownerQueries: waits.length
  }
}

async function main (): Promise<void> {
  const limit = openFilesLimit()
  // The client process holds a socket to each server per client; each server holds one per client.
  const fit = Math.floor((limit - 300) / 2)
  const clients = Math.min(REQUESTED, fit)
  // One user per socket by default (5,000 people of one tenant); fewer users share tokens.
  const USERS = Math.max(1, Math.min(clients, Number(USERS_ENV ?? clients)))
  console.log(`open-files limit (ulimit -n, soft) of this process: ${limit}; the client process needs about 2 x clients + 300 descriptors`)
  if (clients < REQUESTED) console.log(`WARNING: ${REQUESTED} clients do not fit under the open-files limit ${limit}: using ${clients} (raise \`ulimit -n\` in the shell that runs the bench)`)

  const want = process.env.BENCH_WS_DB
  const unreachable = want === 'pglite' ? 'BENCH_WS_DB=pglite' : await postgresUnreachable(ADMIN_URL)
  if (unreachable && want === 'postgres') throw new Error(`BENCH_WS_DB=postgres but PostgreSQL at ${redact(ADMIN_URL)} is unreachable: ${unreachable}`)
  const db = unreachable ? 'pglite' : 'postgres'
  let databaseUrl: string | undefined
  if (db === 'postgres') {
    const fresh = await freshDatabase(ADMIN_URL)
    defer(() => fresh.drop())
    databaseUrl = fresh.url
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-bench-ws-'))
  defer(() => rmSync(dataDir, { recursive: true, force: true }))

  const kernel = await createKernel({
    env: {},
    config: { dataDir, host: '127.0.0.1', port: 0, logLevel: (process.env.BENCH_LOG_LEVEL ?? 'silent') as KernelConfig['logLevel'], accessTokenTtlSeconds: 3600, allowedOrigins: [ORIGIN], ...(databaseUrl ? { databaseUrl } : {}),
      ...(process.env.BENCH_WS_RECHECK_SECONDS ? { wsRecheckSeconds: Number(process.env.BENCH_WS_RECHECK_SECONDS) } : {}) },
    plugins: [pluginDir],
    seedDemo: false,
    ...(db === 'pglite' ? { pglite: { memory: true } } : {})
  })
  defer(() => kernel.stop())
  const kernelUrl = await kernel.app.listen({ host: '127.0.0.1', port: 0 })
  console.log(`kernel on ${db === 'postgres' ? `PostgreSQL (fresh database on ${redact(ADMIN_URL)})` : `PGlite in memory (${unreachable})`}, listening on ${kernelUrl}; ` +
    `WS_RECHECK_SECONDS ${kernel.config.wsRecheckSeconds}, WS_HEARTBEAT_SECONDS ${kernel.config.wsHeartbeatSeconds}`)

  // One tenant: a tenant admin who publishes, and USERS members whose sockets listen.
  const tenant = await kernel.tenancy.createTenant({ slug: 'bench-ws', name: 'Bench WS' })
  const issue = async (roles: Array<'member' | 'tenant-admin'>, i: number) => {
    const user = await kernel.tenancy.createUser(tenant.id, { email: `u${i}@bench-ws.example`, name: `Bench ${i}`, roles })
    return (await kernel.tokens.issue({ sub: user.id, tid: tenant.id, roles, email: user.email, name: user.name })).token
  }
  const adminToken = await issue(['tenant-admin'], 0)
  const tokens: string[] = []
  for (let i = 1; i <= USERS; i += 20) tokens.push(...await Promise.all(Array.from({ length: Math.min(20, USERS - i + 1) }, (_, k) => issue(['member'], i + k))))

  const bare = await startChild(new URL('./ws-bare.ts', import.meta.url), { name: 'bare ws server' })
  const client = await startChild(new URL('./ws-clients.ts', import.meta.url), { name: 'ws clients', readyTimeoutMs: 30_000 })
  const bareUrl = bare.ready.url as string
  console.log(`bare ws server: pid ${bare.ready.pid} on ${bareUrl}; clients: pid ${client.ready.pid}, ${client.ready.threads} worker threads`)

  const connect = async (target: string, url: string, toks: string[]) => {
    const r = await ask<{ connected: number, failed: number, reasons: Record<string, number>, ms: number, error?: string }>(client.child, 'connect', { target, url, tokens: toks, origin: ORIGIN, count: clients })
    if (r.error) throw new Error(`connecting to ${target}: ${r.error}`)
    console.log(`${target.padEnd(6)} ${r.connected} sockets open in ${round(r.ms)} ms${r.failed ? `; ${r.failed} failed: ${JSON.stringify(r.reasons)}` : ''}`)
    if (r.connected < clients) throw new Error(`${target}: only ${r.connected} of ${clients} sockets opened`)
  }
  await connect('kernel', `${kernelUrl.replace(/^http/, 'ws')}/api/ws/${CHANNEL}`, tokens)
  await connect('bare', `${bareUrl.replace(/^http/, 'ws')}/`, tokens)
  const bareCount = (await ask<{ sockets: number }>(bare.child, 'count')).sockets
  console.log(`server side: kernel hub holds ${kernel.services.hub.count()} sockets, bare server ${bareCount}`)

  const idleMs = Math.min(12_000, Math.max(6000, kernel.config.wsRecheckSeconds * 1000 + 1000))
  const idle = await idleProbe(kernel, idleMs)
  console.log(`kernel idle with ${clients} sockets for ${idle.seconds} s: process CPU ${idle.cpuPercent}% of one core, event-loop delay p99 ${idle.loopDelayP99Ms} ms / max ${idle.loopDelayMaxMs} ms, ` +
    `\`select 1\` on the owner pool p50 ${idle.ownerQueryP50Ms} ms / max ${idle.ownerQueryMaxMs} ms (${idle.ownerQueries} probes)`)

  let seq = 0
  const measure = async (target: 'kernel' | 'bare', child: ChildProcess): Promise<Measure> => {
    const m = await ask<Measure>(child, 'measure', {
      target,
      seq: ++seq,
      publishUrl: target === 'kernel' ? `${kernelUrl}/api/v1/bench-ws/publish` : `${bareUrl}/publish`,
      headers: target === 'kernel' ? { authorization: `Bearer ${adminToken}` } : {}
    }, 60_000)
    if (m.error) throw new Error(`${target} measurement: ${m.error}`)
    if (m.status !== 202) throw new Error(`${target} publish answered ${m.status}`)
    return m
  }
  const pause = () => new Promise(resolve => setTimeout(resolve, 400 + Math.random() * 700))

  // Warm-up (JIT, keep-alive connection of the publisher), not counted.
  await measure('kernel', client.child)
  await measure('bare', client.child)
  await pause()

  const runs: Record<'kernel' | 'bare', Measure[]> = { kernel: [], bare: [] }
  for (let i = 0; i < REPEATS; i++) {
    const order = i % 2 === 0 ? ['kernel', 'bare'] as const : ['bare', 'kernel'] as const
    for (const target of order) {
      const m = await measure(target, client.child)
      runs[target].push(m)
      const s = summarize([m])
      const loop = m.loopStartMs !== null && m.loopEndMs !== null ? `send loop ${round(m.loopStartMs, 1)}..${round(m.loopEndMs, 1)} ms, ` : ''
      console.log(`repeat ${i + 1} ${target.padEnd(6)} ${m.latencies.length}/${m.expected} delivered: p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${loop}publish answered at ${round(m.answeredMs, 1)} ms)`)
      await pause()
    }
  }

  const k = summarize(runs.kernel)
  const b = summarize(runs.bare)
  for (const [name, s] of [['bare', b], ['kernel', k]] as const) {
    console.log(`${name.padEnd(6)} over ${REPEATS} publishes x ${clients} sockets (${s.deliveries} deliveries${s.missing ? `, ${s.missing} MISSING` : ''}): ` +
      `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms; per-publish p99 ${s.perRepeat.map(r => r.p99).join(', ')} ms; send loop ${s.perRepeat.map(r => r.loopMs).join(', ')} ms`)
  }
  const exact = k.p99 / b.p99
  const ratio = round(exact, 2)
  console.log(`ratio kernel p99 / bare p99 = ${ratio} (target <= 2, and kernel p99 < 250 ms)`)
  console.log(JSON.stringify({
    bench: 'ws',
    figure: k.p99,
    unit: 'ms (p99 publish-to-delivery)',
    baseline: b.p99,
    ratio,
    target: 'p99 within 2x of bare ws and under 250 ms',
    meets: exact <= 2 && k.p99 < 250 && k.missing === 0,
    clients,
    requestedClients: REQUESTED,
    openFilesLimit: limit,
    users: USERS,
    repeats: REPEATS,
    database: db,
    kernel: { p50: k.p50, p99: k.p99, max: k.max, missing: k.missing, perPublishP99: k.perRepeat.map(r => r.p99), sendLoopMs: k.perRepeat.map(r => r.loopMs) },
    bare: { p50: b.p50, p99: b.p99, max: b.max, missing: b.missing, perPublishP99: b.perRepeat.map(r => r.p99), sendLoopMs: b.perRepeat.map(r => r.loopMs) },
    kernelIdle: idle,
    clientThreads: client.ready.threads
  }))
}

await runBench(main)
