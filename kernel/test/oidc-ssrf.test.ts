import t from 'tap'
import { createServer, type Server } from 'node:http'
import { startTestKernel, freePort, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'

// Attacker side of [F1] item 1: a tenant admin points the identity provider's issuer at
// addresses inside the platform's network. The kernel must not fetch them, and its answers
// must not tell a refused address, a closed port, an open port and a non-OpenID server apart.

const ENTRA_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const hits: string[] = []
let server: Server
let port: number

t.before(async () => {
  // An internal service that must stay unreachable: it records every request it gets.
  server = createServer((req, res) => { hits.push(`${req.method} ${req.url}`); res.setHeader('content-type', 'text/html'); res.end('<h1>internal admin</h1>') })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))

const logLines: string[] = []

async function kernelWithAdmin (config: Record<string, unknown>) {
  const k: TestKernel = await startTestKernel({ config, log: { level: 'warn', stream: { write: (line: string) => logLines.push(line) } } })
  const tenant: Tenant = await k.createTenant({ slug: 'acme' })
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const configure = (issuer: string) => k.request('PUT', '/api/v1/tenant/identity-provider', { token: admin.token, body: { issuer, clientId: 'x', clientSecret: 'y', allowedTenantId: ENTRA_TID } })
  return { k, configure }
}

/** The problem body without the fields that name the request itself. */
const comparable = (body: Record<string, unknown>) => { const { requestId: _r, ...rest } = body; return rest }

t.test('internal addresses in every spelling are refused, unfetched, with one answer', async t => {
  const { k, configure } = await kernelWithAdmin({})
  t.teardown(() => k.close())
  const closed = await freePort()
  const issuers = [
    `http://127.0.0.1:${port}`, `http://127.0.0.1:${closed}`, `http://127.1:${port}`, `http://0x7f000001:${port}`,
    `http://2130706433:${port}`, 'https://10.0.0.1', `http://[::1]:${port}`, `http://[::ffff:127.0.0.1]:${port}`,
    'http://169.254.169.254/latest/meta-data', 'https://169.254.169.254', `http://localhost:${port}`, 'http://[fd00:ec2::254]',
    'https://[fd00:ec2::254]', 'https://100.64.0.1', 'https://[::ffff:10.0.0.1]'
  ]
  const answers = []
  for (const issuer of issuers) {
    const res = await configure(issuer)
    t.equal(res.status, 400, `${issuer} is refused`)
    answers.push(comparable(res.body))
  }
  t.same(hits, [], 'the internal service never received a request')
  for (let i = 1; i < answers.length; i++) t.same(answers[i], answers[0], `${issuers[i]} gets the same body as ${issuers[0]}`)
  t.match(answers[0], { code: 'validation_failed', status: 400, errors: [{ in: 'body', pointer: '/issuer' }] })
  t.notMatch(JSON.stringify(answers[0]), /127|ECONNREFUSED|refused|private|loopback|timeout/i, 'the body names no address or cause')
  const lines = logLines.map(l => JSON.parse(l))
  t.equal(lines.filter(l => l.msg === 'OpenID discovery of a tenant issuer failed' && l.level === 40).length, issuers.length, 'each failure is in the server log at warn')
  // Plain http to a non-loopback name is refused by openid-client before any request; every
  // other issuer reached the guard, which logged why it refused.
  const refusals = lines.filter(l => l.outbound?.reason === 'refused_address')
  t.equal(refusals.length, issuers.length - 3, 'the guard logged each address it refused')
  t.match(refusals.find(l => l.outbound.origin === 'https://169.254.169.254'), { level: 40, err: /169\.254\.169\.254 \(linkLocal\)/ })
  t.match(lines.find(l => l.msg === 'OpenID discovery of a tenant issuer failed'), { cause: /refused_address/ }, 'the route\'s line carries the cause')
  const stored = await k.kernel.conn.owner('identity_providers').count('* as n').first()
  t.equal(Number(stored?.n), 0, 'nothing was stored')
})

t.test('with OUTBOUND_ALLOW_PRIVATE an open port, a closed port and a redirect still look alike', async t => {
  const { k, configure } = await kernelWithAdmin({ outboundAllowPrivate: true })
  t.teardown(() => k.close())
  const redirector = createServer((_req, res) => { res.writeHead(302, { location: `http://127.0.0.1:${port}/.well-known/openid-configuration` }); res.end() })
  await new Promise<void>(resolve => redirector.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => redirector.close(() => resolve())))
  const closed = await freePort()
  hits.length = 0
  const open = await configure(`http://127.0.0.1:${port}`)
  const shut = await configure(`http://127.0.0.1:${closed}`)
  const redirected = await configure(`http://127.0.0.1:${(redirector.address() as { port: number }).port}`)
  t.equal(open.status, 400)
  t.same(comparable(shut.body), comparable(open.body), 'a closed port answers like an open one')
  t.same(comparable(redirected.body), comparable(open.body), 'a redirect answers like the rest')
  t.same(hits, ['GET /.well-known/openid-configuration'], 'only the direct request reached the service: the redirect was not followed')
})
