import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import { KERNEL_API_VERSION } from '../version.ts'
import { installProblemHandlers } from './problem.ts'
import { requestLoggerFactory } from './request-logger.ts'
import { ajvPlugins, frameworkErrors, installInputChecks } from './input.ts'
import { installSecurityHeaders, type WebOrigins } from './security-headers.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Marks the server as shutting down: every further response closes its connection. */
    drain (): void
  }
}

const requestId = /^[\w.:-]{8,100}$/

/** Unknown fields are rejected: object schemas that say nothing get additionalProperties false. */
function closeObjects (schema: unknown): void {
  if (!schema || typeof schema !== 'object') return
  const s = schema as Record<string, unknown>
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined) s.additionalProperties = false
  for (const key of ['properties', 'items', 'anyOf', 'oneOf', 'allOf']) {
    const child = s[key]
    if (Array.isArray(child)) child.forEach(closeObjects)
    else if (key === 'properties' && child && typeof child === 'object') Object.values(child).forEach(closeObjects)
    else closeObjects(child)
  }
}

export async function createServer (logger: FastifyServerOptions['loggerInstance'], web: WebOrigins = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    childLoggerFactory: requestLoggerFactory,
    genReqId: req => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && requestId.test(given) ? given : randomUUID()
    },
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true }, plugins: ajvPlugins },
    frameworkErrors
  }) as unknown as FastifyInstance
  installInputChecks(app)
  app.addHook('onRoute', route => {
    const schema = route.schema as Record<string, unknown> | undefined
    if (schema) for (const part of ['body', 'querystring', 'params']) closeObjects(schema[part])
  })
  // While shutting down, responses close their keep-alive connection: otherwise a connection
  // busy when close() began would hold the process open until the client's keep-alive expires.
  const draining = { on: false }
  app.decorate('drain', () => { draining.on = true })
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    if (draining.on) reply.header('connection', 'close')
    done(null, payload)
  })
  installProblemHandlers(app)
  // Browser security headers (CSP, framing, referrer, HSTS) on every response: security-headers.ts.
  installSecurityHeaders(app, web)
  await app.register(cookie, { hook: false })
  await app.register(websocket, {
    options: {
      maxPayload: 64 * 1024,
      // Accept the `bearer` subprotocol so the token (the second entry) is never echoed back.
      handleProtocols: (protocols: Set<string>) => (protocols.has('bearer') ? 'bearer' : false)
    }
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Monozu Cloud API', version: KERNEL_API_VERSION, description: 'Kernel and plugin routes. Errors are application/problem+json (RFC 9457) with a stable `code`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }]
    }
  })
  app.get('/api/docs/json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger())
  return app
}
