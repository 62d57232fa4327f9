import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import client from 'prom-client'
import type { Connections } from '../db/connections.ts'
import { ApiError } from '../errors/errors.ts'
import { routeOf } from './http.ts'

export interface MetricsDeps {
  conn: Connections
  /** Open WebSocket connections on this instance. */
  sockets: () => number
  /** METRICS_TOKEN: /metrics answers only `Authorization: Bearer <token>`; unset, it does not exist. */
  token: string | undefined
}

const seconds = (from: unknown): number => (from ? Math.max(0, (Date.now() - new Date(from as string).getTime()) / 1000) : 0)

/** The oldest due row's age and how many are due, for one queue-like table; 0 and 0 when it is empty. */
async function backlog (owner: Knex, table: string, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder, column: string): Promise<{ depth: number, age: number }> {
  const row = await where(owner(table)).count('* as n').min(`${column} as oldest`).first() as { n: number | string, oldest: unknown } | undefined
  return { depth: Number(row?.n ?? 0), age: seconds(row?.oldest) }
}

/**
 * Prometheus metrics for this instance (prom-client, its own registry per kernel so two kernels in
 * one process never mix). Request counts and latencies come from a response hook labelled by route
 * pattern; queue depths and ages are read from the database at scrape time, never per request.
 */
export function registerMetrics (app: FastifyInstance, deps: MetricsDeps): client.Registry | null {
  if (!deps.token) return null
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry, prefix: 'monozu_' })
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new client.Counter({ name: 'monozu_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames, registers: [registry] })
  const latency = new client.Histogram({ name: 'monozu_http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] })
  app.addHook('onResponse', (request, reply, done) => {
    const labels = { method: request.method, route: routeOf(request), status_code: String(reply.statusCode) }
    requests.inc(labels)
    latency.observe(labels, reply.elapsedTime / 1000)
    done()
  })

  const { owner, app: pool, dialect } = deps.conn
  const gauge = (name: string, help: string, read: () => Promise<number> | number, labelNames: string[] = []) =>
    new client.Gauge({ name, help, labelNames, registers: [registry], async collect () { this.set(await read()) } })
  // One read per scrape for each queue; both gauges of a pair share it.
  const cached = <T>(read: () => Promise<T>) => { let at = 0; let value: Promise<T> | undefined; return () => { if (!value || Date.now() - at > 500) { at = Date.now(); value = read() } return value } }
  const jobs = cached(() => backlog(owner, 'jobs', q => q.where('state', 'pending').where('run_at', '<=', new Date()), 'run_at'))
  const inbox = cached(() => backlog(owner, 'ingest_inbox', q => q.whereNull('failed_at'), 'received_at'))
  const events = cached(() => dialect === 'mssql' ? Promise.resolve({ depth: 0, age: 0 }) : backlog(owner, 'event_deliveries', q => q.where('state', 'pending').where('available_at', '<=', new Date()), 'available_at'))
  gauge('monozu_job_queue_depth', 'Jobs due and waiting for a worker', async () => (await jobs()).depth)
  gauge('monozu_job_queue_oldest_age_seconds', 'How long the oldest due job has waited', async () => (await jobs()).age)
  gauge('monozu_ingest_inbox_depth', 'Inbox rows (one per kind per group commit) not yet consumed', async () => (await inbox()).depth)
  gauge('monozu_ingest_inbox_oldest_age_seconds', 'Age of the oldest unconsumed inbox row', async () => (await inbox()).age)
  gauge('monozu_event_deliveries_pending', 'Domain event deliveries due and not yet handled', async () => (await events()).depth)
  gauge('monozu_event_delivery_lag_seconds', 'How long the oldest due domain event delivery has waited', async () => (await events()).age)
  gauge('monozu_websocket_connections', 'Open WebSocket channel connections on this instance', () => deps.sockets())
  // tarn's pool behind knex; PGlite has one connection and no pool.
  const tarn = (pool.client as { pool?: { numUsed (): number, numFree (): number, numPendingAcquires (): number, max: number } }).pool
  new client.Gauge({
    name: 'monozu_db_pool_connections', help: 'Request pool connections by state (PGlite: one connection, reported as max 1)', labelNames: ['state'], registers: [registry],
    collect () {
      const p = (pool.client as { pool?: typeof tarn }).pool ?? tarn
      this.set({ state: 'used' }, p ? p.numUsed() : 0)
      this.set({ state: 'free' }, p ? p.numFree() : 1)
      this.set({ state: 'pending' }, p ? p.numPendingAcquires() : 0)
      this.set({ state: 'max' }, p ? p.max : 1)
    }
  })

  const expected = createHash('sha256').update(`Bearer ${deps.token}`).digest()
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    // Hashes first: equal lengths for timingSafeEqual, and no timing hint of the token's length.
    const given = createHash('sha256').update(request.headers.authorization ?? '').digest()
    if (!timingSafeEqual(given, expected)) {
      throw new ApiError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', { headers: { 'www-authenticate': 'Bearer realm="metrics"' } })
    }
    return reply.type(registry.contentType).send(await registry.metrics())
  })
  return registry
}
