/**
 * Shared plumbing of every bench: one cleanup stack (run in reverse on success, failure,
 * SIGINT, SIGTERM and SIGHUP), child processes that are always killed, CPU readings from
 * /proc, percentiles. setup.ts (the kernel bench's fixture) registers its cleanups here too.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import pg from 'pg'

export const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')

type Cleanup = () => Promise<unknown> | unknown
const cleanups: Cleanup[] = []

/** Registers `fn` to run at cleanup (last registered runs first); returns a function running it early, once. */
export function defer (fn: Cleanup): () => Promise<void> {
  let done = false
  const once = async () => {
    if (done) return
    done = true
    const i = cleanups.indexOf(once)
    if (i >= 0) cleanups.splice(i, 1)
    try { await fn() } catch (err) { console.error('bench: cleanup step failed:', err) }
  }
  cleanups.push(once)
  return once
}

let cleaning: Promise<void> | undefined
/** Runs every registered cleanup once, newest first; concurrent callers share the one run. */
export function cleanUp (): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) await (cleanups[cleanups.length - 1] as Cleanup)()
  })()
  return cleaning
}

let interrupted = false
/** True once SIGINT, SIGTERM or SIGHUP arrived: the bench is tearing down, start nothing new. */
export const isInterrupted = () => interrupted
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return
    interrupted = true
    console.error(`bench: ${signal}, cleaning up`)
    // A cleanup that hangs must not keep the process alive forever.
    setTimeout(() => { console.error('bench: cleanup took over 20 s; exiting'); process.exit(130) }, 20_000).unref()
    cleanUp().finally(() => process.exit(130))
  })
}

/** Runs `main`, always cleans up, and makes sure the process ends by itself. */
export async function runBench (main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (err) {
    if (!interrupted) console.error('bench: failed:', err)
    process.exitCode = interrupted ? 130 : 1
  } finally {
    await cleanUp()
  }
  setTimeout(() => {
    console.error('bench: the process did not exit 5 s after cleanup; something was left open')
    process.exit(process.exitCode || 1)
  }, 5000).unref()
}

/** Null when a client can connect and query, else why not (3 s connect timeout). */
export async function postgresUnreachable (url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message || String(err)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Spawns a Node 24 child running `script` with an IPC channel, killed at cleanup (SIGTERM, then
 * SIGKILL after `graceMs`). Resolves once the child sends `{ type: 'ready' }`.
 */
export async function startChild (script: string | URL, options: { env?: Record<string, string>, args?: string[], name: string, readyTimeoutMs?: number, graceMs?: number }): Promise<{ child: ChildProcess, ready: Record<string, unknown>, stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [script instanceof URL ? script.pathname : script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  // An IPC write to a child that is gone must not crash the bench (it would skip the cleanup).
  child.on('error', err => { if (!interrupted) console.error(`bench: ${options.name}:`, err.message) })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 8000)
    await exited
    clearTimeout(timer)
  })
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`)), options.readyTimeoutMs ?? 60_000)
    const onMessage = (m: { type?: string }) => { if (m?.type === 'ready') { clearTimeout(timer); child.off('message', onMessage); resolve(m as Record<string, unknown>) } }
    child.on('message', onMessage)
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready`)) })
  })
  return { child, ready, stop }
}

/** Sends `{ type, ...body }` to a child and waits for its answer of the same type. */
export function ask<T> (child: ChildProcess, type: string, body: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error(`no answer to "${type}" within ${timeoutMs} ms`)) }, timeoutMs)
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(m as T)
    }
    child.on('message', onMessage)
    const fail = (err: Error) => { clearTimeout(timer); child.off('message', onMessage); reject(err) }
    if (interrupted) return fail(new Error('interrupted'))
    if (!child.connected) return fail(new Error(`cannot ask "${type}": the child process is gone`))
    child.send({ type, ...body }, err => { if (err) fail(err) })
  })
}

const TICK_MS = 1000 / 100 // USER_HZ is 100 on Linux

/** CPU milliseconds (user + system) a process has used so far; 0 if it is gone or unreadable. */
export function cpuMs (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch { return 0 }
}

/** CPU milliseconds used so far by each process named `postgres` (the server and its backends), by pid. */
export function postgresCpu (): Map<number, number> {
  const byPid = new Map<number, number>()
  let entries: string[] = []
  try { entries = readdirSync('/proc') } catch { return byPid }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') byPid.set(Number(entry), cpuMs(Number(entry)))
    } catch { /* gone */ }
  }
  return byPid
}

/**
 * CPU milliseconds PostgreSQL spent since `before` (from postgresCpu()), summed per process: a
 * backend that exits meanwhile (a pool closing an idle connection) must not take its whole
 * lifetime's CPU off the sum, as one total before and after would; its last moments are lost.
 */
export function postgresCpuSince (before: Map<number, number>): number {
  let total = 0
  for (const [pid, ms] of postgresCpu()) {
    const was = before.get(pid) ?? 0
    // Less than before: the pid now belongs to a new backend, all of whose time is new.
    total += ms >= was ? ms - was : ms
  }
  return total
}

/** CPU milliseconds all CPUs of the machine spent busy so far (everything but idle and iowait). */
export function machineBusyMs (): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string
    const v = line.trim().split(/\s+/).slice(1).map(Number)
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0)
    return (total - (v[3] ?? 0) - (v[4] ?? 0)) * TICK_MS
  } catch { return 0 }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

export const round = (n: number, digits = 0) => { const f = 10 ** digits; return Math.round(n * f) / f }
