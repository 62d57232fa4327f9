import t from 'tap'
import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { startTestKernel, type TestKernel, waitFor } from '../src/testing/internal.ts'
import { fixture } from './helpers/paths.ts'

// Traces leave by OTLP/HTTP to a real listening receiver that decodes the payload as a collector
// would; /metrics is scraped over HTTP as Prometheus would, with and without its token.

interface OtlpSpan { traceId: string, spanId: string, parentSpanId?: string, name: string, attributes?: Array<{ key: string, value: Record<string, unknown> }> }
const spans: OtlpSpan[] = []
const contentTypes = new Set<string>()
let receiver: Server
let k: TestKernel
const token = randomBytes(24).toString('base64url')
const lines: Array<Record<string, unknown>> = []

t.before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      contentTypes.add(String(req.headers['content-type']))
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans)
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  const port = (receiver.address() as { port: number }).port
  k = await startTestKernel({
    plugins: [fixture('fx-notes'), fixture('fx-jobs'), fixture('fx-ingest')],
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
    config: { metricsToken: token },
    log: { level: 'info', stream: { write: l => lines.push(JSON.parse(l)) } }
  })
})
t.teardown(async () => {
  await k?.close().catch(() => {})
  receiver?.close()
})

const hex = (n: number) => randomBytes(n).toString('hex')

t.test('a request, its SQL, a job and an ingest commit reach the OTLP receiver as one connected trace each', async t => {
  const tenant = await k.createTenant()
  const { token: bearer } = await k.signIn(tenant, ['tenant-admin'])
  const traceId = hex(16)
  const res = await k.request('GET', '/api/v1/fx-notes/notes', { token: bearer, headers: { traceparent: `00-${traceId}-${hex(8)}-01` } })
  t.equal(res.status, 200)
  await k.runJob('fx-jobs', 'record', { note: 'traced' }, { tenantId: tenant.id })
  await k.kernel.registry.get('fx-ingest')!.context!.ingest.commit(tenant.id, [{ deviceId: '00000000-0000-4000-8000-000000000001', kind: 'fx.sample', eventId: 'otel-1', data: { n: 1 } }])

  await waitFor('the spans', async () => spans.some(s => s.name === 'ingest commit') && spans.some(s => s.name === 'job fx-jobs:record') && spans.some(s => s.traceId === traceId && s.name.startsWith('SELECT')), 30_000)
  t.ok([...contentTypes].every(c => c.startsWith('application/json')), `OTLP/HTTP JSON (${[...contentTypes].join(', ')})`)
  const server = spans.find(s => s.traceId === traceId && s.name === 'GET /api/v1/fx-notes/notes')
  t.ok(server, 'the HTTP span continues the caller\'s traceparent, named by route pattern')
  const route = server?.attributes?.find(a => a.key === 'http.route')?.value
  t.same(route, { stringValue: '/api/v1/fx-notes/notes' })
  const sql = spans.filter(s => s.traceId === traceId && s.name.startsWith('SELECT'))
  t.ok(sql.length > 0, 'the route\'s SQL statements are spans in the same trace')
  const ids = new Set(spans.filter(s => s.traceId === traceId).map(s => s.spanId))
  t.ok(sql.every(s => s.parentSpanId && ids.has(s.parentSpanId)), 'each with a parent inside the trace')
  const job = spans.find(s => s.name === 'job fx-jobs:record')
  t.ok(job && spans.some(s => s.traceId === job.traceId && s.parentSpanId === job.spanId && /INSERT|insert/.test(s.name)), 'the job\'s insert is a child of the job span')
  t.ok(spans.some(s => s.name === 'ingest commit'), 'an ingest commit is a span')
  await waitFor('the delivery span', async () => spans.some(s => s.name === 'ingest delivery fx.sample'), 30_000)
  t.pass('the inbox delivery to the consumer is a span')
  t.ok(lines.some(l => l.trace_id === traceId), 'log lines written during the request carry its trace_id')
})

t.test('/metrics needs the token and reports routes, queues, inbox, events, sockets and the pool', async t => {
  const base = await k.kernel.start()
  const none = await fetch(`${base}/metrics`)
  t.equal(none.status, 401, 'no token: 401')
  t.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status, 401, 'a wrong token: 401')
  t.equal((await fetch(`${base}/metrics`, { headers: { authorization: token } })).status, 401, 'the token without Bearer: 401')
  const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(ok.status, 200)
  t.match(ok.headers.get('content-type'), /text\/plain/)
  const text = await ok.text()
  t.match(text, /monozu_http_requests_total\{method="GET",route="\/api\/v1\/fx-notes\/notes",status_code="200"\} 1/, 'requests by route pattern')
  t.match(text, /monozu_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/fx-notes\/notes",status_code="200"\}/, 'latency histogram by route')
  t.match(text, /monozu_http_requests_total\{method="GET",route="\/metrics",status_code="401"\} 3/, 'refused scrapes are counted too')
  for (const name of ['monozu_job_queue_depth', 'monozu_job_queue_oldest_age_seconds', 'monozu_ingest_inbox_depth', 'monozu_ingest_inbox_oldest_age_seconds', 'monozu_event_deliveries_pending', 'monozu_event_delivery_lag_seconds', 'monozu_websocket_connections']) {
    t.match(text, new RegExp(`\\n${name} \\d+(\\.\\d+)?(e[-+]\\d+)?\\n`), name)
  }
  t.match(text, /monozu_db_pool_connections\{state="max"\} \d+/, 'pool usage')
  t.match(text, /monozu_process_resident_memory_bytes \d+/, 'process metrics')
})

t.test('unset, both are off: no /metrics route and no spans', async t => {
  // Tracing is one per process (as OpenTelemetry's provider is): stop the traced kernel first.
  await k.close()
  const before = spans.length
  const plain = await startTestKernel({ plugins: [fixture('fx-notes')] })
  t.teardown(() => plain.close())
  t.equal((await plain.request('GET', '/metrics')).status, 404)
  t.equal(spans.length, before, 'nothing was exported by the untraced kernel')
})
