// Starts the real worker through the Node adapter (`node src/node.ts`, as `npm start` does) on
// 127.0.0.1 and a free port, and keeps its JSON log lines for assertions.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../src/node.ts', import.meta.url))

export const SECRET = 'test-turnstile-secret'
export const API_KEY = 're_test_0123456789'
export const SITE = 'https://monozu.cloud'

export interface WorkerProcess {
  url: string
  endpoint: string
  logs: Array<Record<string, unknown>>
  output: () => string
  /** The first log line that matches, waiting for it to arrive on stdout. */
  waitForLog (match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
  /** SIGTERM, then the exit code. */
  stop (): Promise<number | null>
  child: ChildProcess
}

export function baseEnv (siteverifyUrl: string, resendUrl: string): Record<string, string> {
  return {
    TURNSTILE_SECRET_KEY: SECRET,
    TURNSTILE_VERIFY_URL: siteverifyUrl,
    RESEND_API_KEY: API_KEY,
    RESEND_API_URL: resendUrl,
    CONTACT_TO: 'sales@monozu.cloud,ops@monozu.cloud',
    CONTACT_FROM: 'Monozu website <contact@monozu.cloud>',
    // Generous for a loaded CI machine; the timeout cases use their own, shorter ones.
    TURNSTILE_TIMEOUT_MS: '3000',
    RESEND_TIMEOUT_MS: '3000'
  }
}

/** Runs the adapter with exactly `env` (plus PATH, PORT=0, HOST=127.0.0.1) and waits until it listens. */
export async function startWorker (env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  const logs: Array<Record<string, unknown>> = []
  const waiters = new Set<() => void>()
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    buffered += chunk
    let nl: number
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>)
    }
    for (const w of waiters) w()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))

  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) { waiters.delete(check); resolve(m[1]!) }
    }
    waiters.add(check)
    exited.then(code => reject(new Error(`the adapter exited with ${code} before listening:\n${out}`)))
    setTimeout(() => reject(new Error(`the adapter did not listen within 10 s:\n${out}`)), 10_000).unref()
  })

  return {
    url,
    endpoint: `${url}/api/contact`,
    logs,
    child,
    output: () => out,
    waitForLog (match, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match)
          if (found !== undefined) { waiters.delete(check); resolve(found) }
        }
        waiters.add(check)
        check()
        setTimeout(() => { waiters.delete(check); reject(new Error(`no matching log line within ${timeoutMs} ms; logs:\n${out}`)) }, timeoutMs).unref()
      })
    },
    async stop () {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}

export interface Answer {
  /** The CF-Ray sent with the request: the worker logs it, so a test can find its log line. */
  ray: string
  status: number
  headers: Headers
  body: Record<string, any>
}

/** POSTs a JSON body the way the website's form does (Origin of the site, its content type). */
export async function post (endpoint: string, body: unknown, options: { origin?: string | null, ip?: string, headers?: Record<string, string>, raw?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
  const origin = options.origin === undefined ? SITE : options.origin
  if (origin !== null) headers.origin = origin
  if (options.ip !== undefined) headers['cf-connecting-ip'] = options.ip
  const ray = headers['cf-ray'] ??= nextRay()
  const response = await fetch(endpoint, { method: 'POST', headers, body: options.raw ?? JSON.stringify(body) })
  const text = await response.text()
  return { ray, status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) }
}

let rays = 0
export function nextRay (): string {
  return `${(++rays).toString(16).padStart(16, '0')}-TST`
}

let counter = 0
/** A distinct documentation-range IP (RFC 5737) per call, so tests never share a rate-limit bucket. */
export function nextIp (): string {
  counter++
  return `198.51.100.${counter % 250 + 1}`
}

export function validForm (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Anna Kowalska',
    email: 'anna.kowalska@example.pl',
    company: 'Kowalski i Syn Sp. z o.o.',
    message: 'Dzień dobry, chcielibyśmy poznać ofertę Monozu Cloud dla 40 stanowisk.',
    locale: 'pl',
    website: '',
    turnstileToken: `pass-${Math.random().toString(36).slice(2)}`,
    ...overrides
  }
}
