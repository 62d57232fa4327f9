import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { httpErrors, type HttpErrorCode } from '../errors/catalogue.ts'
import { ApiError } from '../errors/errors.ts'
import { databaseUnavailable } from '../db/unavailable.ts'

declare module 'fastify' {
  interface FastifyInstance {
    spaFallback: { handler: ((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined }
  }
}

export const PROBLEM_BASE = 'https://docs.monozu.cloud/problems/'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance: string
  requestId: string
  [extra: string]: unknown
}

export function problem (request: FastifyRequest, code: HttpErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  return problemOf(request, { code, ...httpErrors[code] }, detail, extra)
}

// An ApiError brings its own status and title: a plugin's code is not in the kernel's catalogue.
function problemOf (request: FastifyRequest, { code, status, title }: { code: string, status: number, title: string }, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: PROBLEM_BASE + code, title, status, detail, code, instance: request.url.split('?')[0] as string, requestId: request.id, ...extra }
}

export function sendProblem (reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body)
}

function fromStatus (status: number): HttpErrorCode {
  if (status === 413) return 'payload_too_large'
  if (status === 415) return 'unsupported_media_type'
  if (status === 404) return 'not_found'
  if (status === 405) return 'method_not_allowed'
  if (status === 429) return 'too_many_requests'
  return 'bad_request'
}

/** One place turns every error into RFC 9457 problem+json; no stack traces or SQL leave the process. */
export function installProblemHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed')
      return sendProblem(reply, problemOf(request, error, error.message, error.extra), error.headers)
    }
    const fe = error as FastifyError
    if (fe.validation) {
      const errors = fe.validation.map(v => ({
        in: fe.validationContext ?? 'body',
        pointer: v.instancePath || (v.params && 'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : '') || (v.params && 'additionalProperty' in v.params ? `/${String(v.params.additionalProperty)}` : '/'),
        message: v.keyword === 'additionalProperties' ? `unknown field "${String(v.params.additionalProperty)}"` : v.message ?? 'is not valid'
      }))
      const detail = errors.map(e => `${e.in}${e.pointer === '/' ? '' : e.pointer}: ${e.message}`).join('; ')
      return sendProblem(reply, problem(request, 'validation_failed', detail, { errors }))
    }
    if (databaseUnavailable(error)) {
      request.log.error({ err: error }, 'the database is unreachable')
      return sendProblem(reply, problem(request, 'service_unavailable', 'The database cannot be reached right now; retry shortly'), { 'retry-after': '5' })
    }
    const status = fe.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return sendProblem(reply, problem(request, fromStatus(status), fe.message))
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(reply, problem(request, 'internal_error', `Something went wrong on our side; quote request id ${request.id} to support.`))
  })
  app.decorate('spaFallback', { handler: undefined })
  app.setNotFoundHandler((request, reply) => {
    // The UI shell routes its own paths: an unknown page a browser asks for gets index.html.
    if (app.spaFallback.handler?.(request, reply)) return reply
    return sendProblem(reply, problem(request, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`))
  })
}
