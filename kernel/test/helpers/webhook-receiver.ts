import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'

export interface Hit { path: string, headers: IncomingHttpHeaders, body: string }

/**
 * A real HTTP endpoint on 127.0.0.1 for webhook tests: records every request and its raw body,
 * answers with the status set for its path (200 unless told), and counts TCP connections so a
 * test can show that nothing reached it.
 */
export async function webhookReceiver () {
  const hits: Hit[] = []
  const status = new Map<string, number>()
  let connections = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.statusCode = status.get(req.url ?? '') ?? 200
      res.end(res.statusCode < 300 ? 'thanks' : 'broken')
    })
  })
  server.on('connection', () => { connections++ })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    hits,
    status,
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    connections: () => connections,
    at: (path: string) => hits.filter(h => h.path === path),
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/**
 * Standard Webhooks verification written out here, independently of the kernel's code: the
 * HMAC-SHA256 of `id.timestamp.body` keyed with the secret's base64 part must be one of the
 * space-separated `v1,` signatures.
 */
export function verifies (hit: Hit, secret: string): boolean {
  const id = hit.headers['webhook-id'] as string
  const timestamp = hit.headers['webhook-timestamp'] as string
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hit.body}`).digest('base64')
  return String(hit.headers['webhook-signature'] ?? '').split(' ').includes(`v1,${expected}`)
}
