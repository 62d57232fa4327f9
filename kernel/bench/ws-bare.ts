/**
 * The baseline of `npm run bench -- ws`, in its own process: a bare `ws` WebSocketServer on a
 * plain node:http server, no auth, no framework. POST /publish broadcasts one message, shaped
 * like the kernel's channel event (same JSON, same size), to every open socket, with the same
 * per-socket loop the kernel's hub runs (readyState check, bufferedAmount guard, send), and
 * answers when the loop ended. Sends { type: 'ready', url } over IPC; exits on SIGTERM, SIGINT
 * or a closed IPC channel.
 */
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { WebSocketServer, WebSocket } from 'ws'

const now = () => performance.timeOrigin + performance.now()
const MAX_BUFFERED = 1024 * 1024

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') { res.writeHead(404).end(); return }
  let raw = ''
  req.setEncoding('utf8')
  req.on('data', chunk => { raw += chunk })
  req.on('end', () => {
    const body = JSON.parse(raw) as { event: string, data?: unknown }
    const startedAt = now()
    const payload = JSON.stringify({ type: 'event', channel: 'bench-ws.events', event: body.event, data: body.data ?? null, id: randomUUID(), ts: new Date().toISOString() })
    for (const socket of wss.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue
      if (socket.bufferedAmount + payload.length > MAX_BUFFERED) { socket.terminate(); continue }
      socket.send(payload)
    }
    const finishedAt = now()
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ published: 1, startedAt, finishedAt }))
  })
})
const wss = new WebSocketServer({ server, maxPayload: 64 * 1024, handleProtocols: protocols => (protocols.has('bearer') ? 'bearer' : false) })
wss.on('connection', socket => { socket.on('error', () => {}) })

await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const address = server.address() as { port: number }

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  for (const socket of wss.clients) socket.terminate()
  wss.close()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 3000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.on('disconnect', stop)
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'count') process.send?.({ type: 'count', sockets: wss.clients.size })
})
process.send?.({ type: 'ready', pid: process.pid, url: `http://127.0.0.1:${address.port}` })
