import type { FastifyInstance, FastifyRequest } from 'fastify'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { defaultTextMapGetter, type Span } from '@opentelemetry/api'
import { activeTracer, context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from './tracing.ts'

const propagator = new W3CTraceContextPropagator()
const spans = new WeakMap<FastifyRequest, Span>()

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
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter)
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
