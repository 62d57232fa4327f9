import type { FastifyInstance } from 'fastify'
import type { Connections } from '../db/connections.ts'
import { traceQueries } from './db.ts'
import { traceRequests } from './http.ts'
import { registerMetrics } from './metrics.ts'

export { startTracing, traceFields } from './tracing.ts'

/** Hooks traces (when tracing started) and /metrics (when METRICS_TOKEN is set) into a new server, before any route. */
export function instrument (app: FastifyInstance, deps: { conn: Connections, sockets: () => number, metricsToken: string | undefined }): void {
  traceQueries(deps.conn)
  traceRequests(app)
  registerMetrics(app, { conn: deps.conn, sockets: deps.sockets, token: deps.metricsToken })
}
