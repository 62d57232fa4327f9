import { Transform, type Readable } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Ajv } from 'ajv'
import ajvFormats from 'ajv-formats'
import { ApiError } from '../errors/errors.ts'
import { problem, sendProblem } from './problem.ts'

/**
 * Input no database can store, refused for every route before any handler runs. PostgreSQL
 * rejects U+0000 in text (and SQL Server truncates at it), so a NUL that reached a query was a
 * 500 with SQL in the log; here it is a 400 that names where it was.
 */

const nulError = (where: string, pointer: string) => new ApiError('validation_failed', `${where}${pointer}: must not contain the NUL character (U+0000)`, {
  extra: { errors: [{ in: where, pointer: pointer || '/', message: 'must not contain the NUL character (U+0000)' }] }
})

/** The JSON pointer of the first string (value or key) holding U+0000, at any depth; null when none. */
export function findNul (value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']]
  while (stack.length > 0) {
    const [v, pointer] = stack.pop() as [unknown, string]
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return pointer
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${pointer}/${i}`]))
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && typeof (v as Readable).pipe !== 'function') {
      for (const [key, item] of Object.entries(v)) {
        const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`
        if (key.includes('\u0000')) return at
        stack.push([item, at])
      }
    }
  }
  return null
}

/**
 * Bodies that reach a route as text or as a raw stream (CSV imports): a NUL byte is refused as
 * it arrives. JSON needs no scan here: a raw NUL is invalid JSON, and an escaped one is found in
 * the parsed body. Compressed bodies are left to the route that decompresses them.
 */
function isScannedText (request: FastifyRequest): boolean {
  const type = String(request.headers['content-type'] ?? '').toLowerCase()
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase()
  return encoding === 'identity' && (type.startsWith('text/') || type.startsWith('application/csv'))
}

function refuseNulBytes (payload: Readable): Readable {
  const scan = new Transform({
    transform (chunk: Buffer, _enc, done) {
      if (!chunk.includes(0)) return done(null, chunk)
      // Let the rest of the upload drain instead of destroying the socket the 400 goes out on.
      payload.unpipe(scan)
      payload.resume()
      done(Object.assign(nulError('body', ''), { statusCode: 400 }))
    }
  })
  payload.on('error', err => scan.destroy(err))
  // Whoever reads the body gets the error; a route that never reads it (a 415) has already answered.
  scan.on('error', () => {})
  return payload.pipe(scan)
}

/** Year 0000 passes RFC 3339 but not PostgreSQL: the date formats refuse it, everything else as ajv-formats. */
const addFormats = ajvFormats.default

function noYearZero (ajv: Ajv): Ajv {
  for (const name of ['date', 'date-time'] as const) {
    const format = addFormats.get(name) as { validate: (s: string) => boolean, compare?: (a: string, b: string) => number | undefined }
    ajv.addFormat(name, { ...format, validate: (s: string) => !s.startsWith('0000') && format.validate(s) })
  }
  return ajv
}

/** Fastify's `ajv.plugins`: its formats first (so it does not add them again after ours), then ours. */
type AjvPlugin = NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number]
export const ajvPlugins = [addFormats as unknown as AjvPlugin, noYearZero as unknown as AjvPlugin]

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode or a path parameter over its length
 * is a 400 problem, not Fastify's own JSON. It runs outside any route, so it answers directly.
 */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_BAD_URL' ? 'has a malformed percent-encoding' : error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'is too long' : undefined
  if (message === undefined) {
    request.log.error({ err: error }, 'router error')
    sendProblem(reply, problem(request, 'internal_error', `Something went wrong on our side; quote request id ${request.id} to support.`))
    return
  }
  sendProblem(reply, problem(request, 'validation_failed', `params: a path segment ${message}`, { errors: [{ in: 'params', pointer: '/', message }] }))
}

// Callback-style hooks: they run on every request, ingest's included, so no promise per hook.
export function installInputChecks (app: FastifyInstance): void {
  app.addHook('preParsing', (request, _reply, payload, done) => done(null, isScannedText(request) ? refuseNulBytes(payload) : payload))
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [where, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const pointer = findNul(value)
      if (pointer !== null) return done(nulError(where, pointer))
    }
    done()
  })
}
