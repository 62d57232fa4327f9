import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Context, Span } from '@opentelemetry/api'
import { activeTracer, context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from './tracing.ts'

const spans = new WeakMap<FastifyRequest, Span>()
// W3C Trace Context, version 00: a caller's span becomes the parent; all-zero ids are invalid.
const traceparent = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/

/** The caller's context from its `traceparent` header, or the root (a new trace). */
export function callerContext (header: string | string[] | undefined): Context {
  const m = typeof header === 'string' ? traceparent.exec(header.trim()) : null
  if (!m) return ROOT_CONTEXT
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: m[1] as string, spanId: m[2] as string, traceFlags: parseInt(m[3] as string, 16) & 1, isRemote: true })
}

/** The route pattern, never the raw URL: ids in paths would make a label per request. */
export const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched'

/**
 * One SERVER span per request, child of the caller's `traceparent` when it sends one. The rest of
 * the request runs inside the span's context (fastify continues from `done`), so database, event
 * and log lines below it join the trace.
 */
export function traceRequests (app: FastifyInstance): void {
  const tracer = activeTracer()
  if (!tracer) return
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = callerContext(request.headers.traceparent)
    const route = routeOf(request)
    const span = tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0] } }, parent)
    spans.set(request, span)
    context.with(trace.setSpan(parent, span), done)
  })
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request)
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode)
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    }
    done()
  })
}
