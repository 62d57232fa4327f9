// Runs the worker on Node (local development, tests, or a plain server): node:http request ->
// web Request -> worker.fetch -> web Response -> node:http response. Configuration comes from
// process.env and is checked before listening, so a missing secret stops the start with a
// message instead of answering 500 to every visitor.
//
// npm start -w @monozu/contact-api     (PORT, default 8787; HOST, default 127.0.0.1)

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ROUTE, loadConfig } from './config.ts'
import worker, { type Env, type ExecutionContext } from './worker.ts'

const SHUTDOWN_GRACE_MS = 10_000

const env: Env = { ...process.env }
const checked = loadConfig(env)
if (!checked.ok) {
  console.error(`contact-api: cannot start, the configuration is invalid:\n${checked.errors.map(e => `  - ${e}`).join('\n')}\n` +
    'See sites/contact-api/README.md for every variable.')
  process.exit(1)
}

const port = process.env.PORT === undefined || process.env.PORT === '' ? 8787 : Number(process.env.PORT)
const host = process.env.HOST || '127.0.0.1'
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`contact-api: cannot start, PORT must be a whole number from 0 to 65535`)
  process.exit(1)
}

let stopping = false
const pending = new Set<Promise<unknown>>()
const ctx: ExecutionContext = {
  waitUntil (promise) {
    const p = promise.catch(() => {}).finally(() => pending.delete(p))
    pending.add(p)
  },
  passThroughOnException () {}
}

const server = createServer((req, res) => {
  serve(req, res).catch(error => {
    console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'adapter_failed', error: String(error) }))
    if (!res.headersSent) { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"ok":false,"code":"internal_error"}') } else res.destroy()
  })
})

async function serve (req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborted = new AbortController()
  res.on('close', () => { if (!res.writableFinished) aborted.abort() })

  const headers = new Headers()
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    for (const value of values ?? []) headers.append(name, value)
  }
  // On Cloudflare the edge sets CF-Connecting-IP; here the socket's peer is the client. (A
  // client-sent header is trusted: put this adapter behind Cloudflare or keep it on loopback.)
  if (!headers.has('cf-connecting-ip') && req.socket.remoteAddress !== undefined) {
    headers.set('cf-connecting-ip', req.socket.remoteAddress.replace(/^::ffff:(?=\d+\.)/, ''))
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const request = new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body: hasBody ? Readable.toWeb(req) as ReadableStream<Uint8Array> : null,
    signal: aborted.signal,
    // Required by fetch's Request for a streamed body.
    ...(hasBody ? { duplex: 'half' } : {})
  } as RequestInit)

  const response = await worker.fetch(request, env, ctx)
  // While draining, the socket of a request in flight closes with its response instead of
  // idling in keep-alive and holding the shutdown up.
  if (stopping) res.setHeader('connection', 'close')
  res.writeHead(response.status, [...response.headers].flat())
  if (response.body === null || req.method === 'HEAD') { res.end(); return }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res)
}

let base = `http://${host}:${port}`
server.listen(port, host, () => {
  const address = server.address()
  const actual = typeof address === 'object' && address !== null ? address.port : port
  base = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`
  console.log(`contact-api listening on ${base} (POST ${base}${ROUTE})`)
})

function shutdown (signal: string): void {
  if (stopping) return
  stopping = true
  console.log(JSON.stringify({ ts: new Date().toISOString(), level: 'info', msg: 'shutdown', signal }))
  const force = setTimeout(() => {
    server.closeAllConnections()
    process.exit(1)
  }, SHUTDOWN_GRACE_MS)
  force.unref()
  // Stops accepting, lets requests in flight finish (keep-alive sockets close once idle),
  // then waits for anything the worker handed to ctx.waitUntil.
  server.close(() => {
    Promise.allSettled([...pending]).then(() => process.exit(0))
  })
  server.closeIdleConnections()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
