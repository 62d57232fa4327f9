import type { FastifyInstance } from 'fastify'
import type { Connections } from '../db/connections.ts'
import { traceQueries } from './db.ts'
import { traceRequests } from './http.ts'

export { startTracing, traceFields } from './tracing.ts'

/**
 * Hooks traces (when tracing started) and /metrics (when METRICS_TOKEN is set) into a new server,
 * before any route. prom-client is imported only then: unused, it costs no start-up time.
 */
export async function instrument (app: FastifyInstance, deps: { conn: Connections, sockets: () => number, metricsToken: string | undefined }): Promise<void> {
  traceQueries(deps.conn)
  traceRequests(app)
  if (!deps.metricsToken) return
  const { registerMetrics } = await import('./metrics.ts')
  registerMetrics(app, { conn: deps.conn, sockets: deps.sockets, token: deps.metricsToken })
}
