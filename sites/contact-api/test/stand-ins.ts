// Real local HTTP servers that speak the two third-party APIs the worker calls, as their
// documentation describes them, so the worker's real fetch calls are exercised end to end:
//
// - Turnstile siteverify (developers.cloudflare.com/turnstile/get-started/server-side-validation):
//   POST form-urlencoded or JSON { secret, response, remoteip?, idempotency_key? } ->
//   { success, "error-codes", challenge_ts, hostname, action, cdata }. A token verifies once; a
//   second check gets `timeout-or-duplicate` unless it repeats the first one's idempotency_key,
//   which returns the first answer.
// - Resend (resend.com/docs/api-reference/emails/send-email): POST /emails with
//   `Authorization: Bearer <key>` and JSON { from, to, subject, html?, text?, reply_to? } ->
//   200 { id }; errors are { statusCode, name, message }. The same Idempotency-Key with the same
//   payload within 24 h answers the first response without sending again; with another payload,
//   409 `invalid_idempotent_request`.
//
// Tokens the siteverify stand-in accepts start with "pass"; any other token is one Cloudflare
// would reject (`invalid-input-response`). `mode` makes either server misbehave like an outage.

import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'

export interface Recorded {
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
  raw: string
}

interface Running {
  url: string
  close (): Promise<void>
}

async function listen (server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return `http://127.0.0.1:${port}`
}

function closer (server: Server): () => Promise<void> {
  return () => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

function readBody (req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A loopback URL nothing listens on: connection refused, like a service that is down. */
export async function deadUrl (path = ''): Promise<string> {
  const s = createNetServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as { port: number }
  await new Promise<void>(resolve => s.close(() => resolve()))
  return `http://127.0.0.1:${port}${path}`
}

// --- Turnstile siteverify -------------------------------------------------------------------

/** `reject`: every token is refused as Cloudflare refuses a forged one. */
export type SiteverifyMode = 'ok' | 'reject' | 'http_503' | 'hang' | 'internal_error' | 'html'

export interface Siteverify extends Running {
  /** The full siteverify endpoint URL (what TURNSTILE_VERIFY_URL takes). */
  verifyUrl: string
  requests: Recorded[]
  mode: SiteverifyMode
  /** What siteverify reports as the page the widget was solved on. */
  hostname: string
  action: string
}

export async function startSiteverify (secret: string, hostname = 'monozu.cloud'): Promise<Siteverify> {
  const spent = new Map<string, { key: string | undefined, answer: unknown }>()
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/turnstile/v0/siteverify') return send(res, 404, { success: false, 'error-codes': ['bad-request'] })
    const raw = await readBody(req)
    let body: Record<string, unknown>
    try {
      body = (req.headers['content-type'] ?? '').startsWith('application/json')
        ? JSON.parse(raw) as Record<string, unknown>
        : Object.fromEntries(new URLSearchParams(raw))
    } catch {
      return send(res, 400, { success: false, 'error-codes': ['bad-request'] })
    }
    sv.requests.push({ headers: req.headers, body, raw })

    if (sv.mode === 'hang') return // never answers: the caller's timeout must fire
    if (sv.mode === 'http_503') { res.writeHead(503, { 'content-type': 'text/html' }); return res.end('<h1>503 Service Unavailable</h1>') }
    if (sv.mode === 'html') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end('<html>maintenance</html>') }
    if (sv.mode === 'internal_error') return send(res, 200, { success: false, 'error-codes': ['internal-error'] })

    if (typeof body.secret !== 'string' || body.secret === '') return send(res, 200, { success: false, 'error-codes': ['missing-input-secret'] })
    if (body.secret !== secret) return send(res, 200, { success: false, 'error-codes': ['invalid-input-secret'] })
    const token = body.response
    if (typeof token !== 'string' || token === '') return send(res, 200, { success: false, 'error-codes': ['missing-input-response'] })
    const key = typeof body.idempotency_key === 'string' ? body.idempotency_key : undefined
    const previous = spent.get(token)
    if (previous !== undefined) {
      return send(res, 200, key !== undefined && key === previous.key ? previous.answer : { success: false, 'error-codes': ['timeout-or-duplicate'] })
    }
    const answer = token.startsWith('pass') && sv.mode !== 'reject'
      ? { success: true, 'error-codes': [], challenge_ts: new Date().toISOString(), hostname: sv.hostname, action: sv.action, cdata: '' }
      : { success: false, 'error-codes': ['invalid-input-response'] }
    spent.set(token, { key, answer })
    send(res, 200, answer)
  })
  const url = await listen(server)
  const sv: Siteverify = { url, verifyUrl: `${url}/turnstile/v0/siteverify`, requests: [], mode: 'ok', hostname, action: '', close: closer(server) }
  return sv
}

// --- Resend ---------------------------------------------------------------------------------

export type ResendMode = 'ok' | 'error_500' | 'hang'

export interface ResendStandIn extends Running {
  /** Every POST /emails that reached the server. */
  requests: Recorded[]
  /** The mails actually sent (an idempotent replay or a refused request sends nothing). */
  sent: Recorded[]
  mode: ResendMode
  /** Milliseconds to wait before answering a send (to hold a request in flight). */
  delayMs: number
}

export async function startResend (apiKey: string): Promise<ResendStandIn> {
  const byKey = new Map<string, { hash: string, answer: { id: string } }>()
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/emails') return send(res, 404, { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' })
    const raw = await readBody(req)
    let body: Record<string, unknown> = {}
    try { body = JSON.parse(raw) as Record<string, unknown> } catch { /* answered below */ }
    const recorded = { headers: req.headers, body, raw }
    rs.requests.push(recorded)

    if (rs.mode === 'hang') return
    if (rs.mode === 'error_500') return send(res, 500, { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' })
    const auth = req.headers.authorization
    if (auth === undefined) return send(res, 401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' })
    if (auth !== `Bearer ${apiKey}`) return send(res, 403, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' })
    if (typeof body.from !== 'string' || body.to === undefined || typeof body.subject !== 'string' ||
        (typeof body.html !== 'string' && typeof body.text !== 'string')) {
      return send(res, 422, { statusCode: 422, name: 'validation_error', message: 'Missing `from`, `to`, `subject`, or a body.' })
    }
    if (rs.delayMs > 0) await new Promise(resolve => setTimeout(resolve, rs.delayMs))

    const key = req.headers['idempotency-key']
    const hash = createHash('sha256').update(raw).digest('hex')
    if (typeof key === 'string') {
      const previous = byKey.get(key)
      if (previous !== undefined) {
        if (previous.hash !== hash) return send(res, 409, { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' })
        return send(res, 200, previous.answer)
      }
    }
    const answer = { id: randomUUID() }
    if (typeof key === 'string') byKey.set(key, { hash, answer })
    rs.sent.push(recorded)
    send(res, 200, answer)
  })
  const url = await listen(server)
  const rs: ResendStandIn = { url, requests: [], sent: [], mode: 'ok', delayMs: 0, close: closer(server) }
  return rs
}
