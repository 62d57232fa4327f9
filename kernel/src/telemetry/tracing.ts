import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api'
import { KERNEL_API_VERSION } from '../version.ts'

/**
 * OpenTelemetry traces, on only when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set.
 * Off, the SDK and exporter are never imported and `inSpan` is a plain call: zero cost beyond one
 * null check. On, spans go by OTLP/HTTP with JSON bodies, in batches.
 * The tracer is one per process, as OpenTelemetry's global provider is: the last kernel to start
 * tracing owns it until it stops.
 */
let tracer: Tracer | null = null

export const tracingOn = (): boolean => tracer !== null
export const activeTracer = (): Tracer | null => tracer

/** Where spans go: the traces endpoint as given, or the base endpoint + /v1/traces (the OTLP spec's rule). */
export function tracesEndpoint (env: Record<string, string | undefined>): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
  return undefined
}

/** Starts exporting when configured; resolves to the function that flushes and stops it (null: tracing is off). */
export async function startTracing (env: Record<string, string | undefined>, serviceName: string): Promise<(() => Promise<void>) | null> {
  const url = tracesEndpoint(env)
  if (!url) return null
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks')
  ])
  // Spans find their parent through the async context; a second kernel in the process reuses the manager.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? serviceName, 'service.version': KERNEL_API_VERSION }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 1000 })]
  })
  const mine = provider.getTracer('@monozu/kernel', KERNEL_API_VERSION)
  tracer = mine
  return async () => {
    if (tracer === mine) tracer = null
    await provider.shutdown()
  }
}

/** Runs `fn` in a child span of the active one; a throw marks the span failed and goes on. */
export function inSpan<T> (name: string, attributes: Attributes, fn: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!tracer) return fn()
  return tracer.startActiveSpan(name, { kind, attributes }, async (span: Span) => {
    try {
      return await fn()
    } catch (err) {
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
      throw err
    } finally {
      span.end()
    }
  })
}

/** The active span's ids for log lines (pino `mixin`), so a log line leads to its trace. */
export function traceFields (): { trace_id?: string, span_id?: string } {
  if (!tracer) return {}
  const span = trace.getSpan(context.active())
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}

export { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace }
