import t from 'tap'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { freePort } from '@monozu/kernel/testing'
import { refusedRange } from '../src/outbound/address-policy.ts'
import { createOutbound, OutboundError } from '../src/outbound/outbound.ts'

/** A local HTTP server that records who asked for what. */
async function serve (handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1') {
  const hits: string[] = []
  const server: Server = createServer((req, res) => { hits.push(`${req.method} ${req.url}`); handler(req, res) })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  const port = (server.address() as { port: number }).port
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  return { port, hits, url: `http://${host}:${port}` }
}

function logger () {
  const lines: Array<{ obj: any, msg: string }> = []
  return { lines, warn (obj: object, msg: string) { lines.push({ obj, msg }) } }
}

t.test('the address rule refuses every non-public form and passes public unicast', async t => {
  const refused = [
    '127.0.0.1', '127.1', '0x7f000001', '2130706433', '0177.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '240.0.0.1', '192.0.2.10',
    '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', 'fe80::1', 'fc00::1',
    'fd00:ec2::254', 'ff02::1', '2001:db8::1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::'
  ]
  for (const address of refused) t.ok(refusedRange(address), `${address} is refused (${refusedRange(address)})`)
  for (const address of ['8.8.8.8', '1.1.1.1', '20.190.160.1', '2606:4700:4700::1111', '2603:1030::1', '64:ff9b::808:808']) {
    t.equal(refusedRange(address), undefined, `${address} is public`)
  }
})

t.test('URLs naming a private address in any spelling are refused before any connection', async t => {
  const target = await serve((_req, res) => res.end('{}'))
  const log = logger()
  const outbound = createOutbound({ allowPrivate: false, log })
  const urls = [
    target.url, `http://127.1:${target.port}/`, `http://0x7f000001:${target.port}/`, `http://2130706433:${target.port}/`,
    `http://[::1]:${target.port}/`, `http://[::ffff:127.0.0.1]:${target.port}/`, `http://localhost:${target.port}/`,
    'https://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/'
  ]
  for (const url of urls) {
    const err = await outbound.fetch(url).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OutboundError, `${url} throws OutboundError`)
    t.equal((err as OutboundError).reason, 'refused_address', `${url} is refused by the address rule`)
  }
  t.same(target.hits, [], 'the local server never saw a request')
  t.equal(log.lines.length, urls.length, 'each refusal is logged')
  t.match(log.lines[0], { msg: 'outbound request failed', obj: { outbound: { reason: 'refused_address', method: 'GET' } } })
  t.match(log.lines.at(-4)!.obj.err, /localhost resolves to (127\.0\.0\.1|::1)/, 'the log names the address a host name resolved to')
})

t.test('a name with one private answer among public ones is refused', async t => {
  const outbound = createOutbound({ allowPrivate: false, log: logger(), resolve: async () => ['8.8.8.8', '10.1.2.3'] })
  const err = await outbound.fetch('https://idp.example/').catch((e: OutboundError) => e)
  t.equal((err as OutboundError).reason, 'refused_address')
  t.match((err as OutboundError).message, /10\.1\.2\.3 \(private\)/)
})

t.test('the connection goes to the address that was checked (no second resolution)', async t => {
  const checked = await serve((_req, res) => res.end('checked'), '127.0.0.1')
  let rebound: { port: number, hits: string[] }
  try {
    rebound = await serve((_req, res) => res.end('rebound'), '127.0.0.2')
  } catch {
    t.comment('skipped: 127.0.0.2 is not routable here')
    return
  }
  const answers = [['127.0.0.1'], ['127.0.0.2']]
  let calls = 0
  const log = logger()
  const outbound = createOutbound({ allowPrivate: true, log, resolve: async () => answers[Math.min(calls++, 1)]! })
  t.match(log.lines, [{ msg: /OUTBOUND_ALLOW_PRIVATE is on/ }], 'lifting the rule is announced at warn')
  // Both servers listen on their own port; ask for the checked one's port on a name.
  const res = await outbound.fetch(`http://rebind.test:${checked.port}/x`)
  t.equal(await res.text(), 'checked', 'the answer comes from the checked address')
  t.equal(calls, 1, 'the name was resolved once')
  t.same(rebound.hits, [])
})

t.test('redirects are returned, not followed', async t => {
  const inner = await serve((_req, res) => res.end('secret'))
  const outer = await serve((_req, res) => { res.writeHead(302, { location: `${inner.url}/secret` }); res.end() })
  const outbound = createOutbound({ allowPrivate: true, log: logger() })
  const res = await outbound.fetch(`${outer.url}/start`)
  t.equal(res.status, 302)
  t.equal(res.headers.get('location'), `${inner.url}/secret`)
  t.same(inner.hits, [], 'the redirect target was never asked')
})

t.test('a request posts its body and headers and reads JSON back (allowed when private is allowed)', async t => {
  const echo = await serve((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ body, type: req.headers['content-type'] })) })
  })
  const outbound = createOutbound({ allowPrivate: true, log: logger() })
  const res = await outbound.fetch(`${echo.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ a: '1', b: 'two' }) })
  t.equal(res.status, 200)
  t.same(await res.json(), { body: 'a=1&b=two', type: 'application/x-www-form-urlencoded' })
})

t.test('slow, oversized and closed answers fail with their reason in the log', async t => {
  const slow = await serve(() => { /* never answers */ })
  const big = await serve((_req, res) => { res.write(Buffer.alloc(600_000)); res.end(Buffer.alloc(600_000)) })
  const declared = await serve((_req, res) => { res.setHeader('content-length', '5000000'); res.write('x') })
  const closed = await freePort()
  const log = logger()
  const outbound = createOutbound({ allowPrivate: true, log, timeoutMs: 300 })
  const started = Date.now()
  t.equal((await outbound.fetch(slow.url).catch((e: OutboundError) => e) as OutboundError).reason, 'timeout')
  t.ok(Date.now() - started < 2000, 'the deadline holds')
  const capped = createOutbound({ allowPrivate: true, log, maxResponseBytes: 1_000_000 })
  t.equal((await capped.fetch(big.url).catch((e: OutboundError) => e) as OutboundError).reason, 'too_large', 'a streamed body past the cap')
  t.equal((await capped.fetch(declared.url).catch((e: OutboundError) => e) as OutboundError).reason, 'too_large', 'a declared length past the cap')
  t.equal((await outbound.fetch(`http://127.0.0.1:${closed}/`).catch((e: OutboundError) => e) as OutboundError).reason, 'connection_failed')
  t.same(log.lines.map(l => l.obj.outbound.reason), [undefined, 'timeout', undefined, 'too_large', 'too_large', 'connection_failed'], 'one line per failure (undefined: each client\'s OUTBOUND_ALLOW_PRIVATE notice)')
  t.equal((await outbound.fetch('ftp://example.com/').catch((e: OutboundError) => e) as OutboundError).reason, 'unsupported_url')
  t.equal((await outbound.fetch('not a url').catch((e: OutboundError) => e) as OutboundError).reason, 'unsupported_url')
  log.lines.length = 0
  await outbound.fetch(`http://127.0.0.1:${closed}/hooks/T000/B000/s3cr3t-token?sig=abc`).catch(() => {})
  t.notMatch(JSON.stringify(log.lines), /s3cr3t|sig=/, 'a URL\'s path and query (where webhook secrets live) stay out of the log')
  t.match(log.lines[0]!.obj.outbound, { origin: `http://127.0.0.1:${closed}` })
})
