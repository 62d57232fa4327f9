import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors/errors.ts'
import type { KernelConfig } from '../config/config.ts'

/** Origins a browser may refresh sessions from: PUBLIC_URL's and ALLOWED_ORIGINS; local ones in development. */
export function allowedOrigins (config: Pick<KernelConfig, 'publicUrl' | 'allowedOrigins' | 'port' | 'nodeEnv'>): Set<string> {
  const origins = new Set(config.allowedOrigins)
  if (config.publicUrl) origins.add(new URL(config.publicUrl).origin)
  if (!config.publicUrl && config.nodeEnv !== 'production') {
    origins.add(`http://127.0.0.1:${config.port}`)
    origins.add(`http://localhost:${config.port}`)
  }
  return origins
}

/**
 * Cookie-authenticated routes need both: a custom header (a cross-site form cannot send it and a
 * cross-site fetch cannot send it without a CORS preflight we never answer) and an allowed Origin.
 */
export function assertBrowserOrigin (request: FastifyRequest, origins: Set<string>): void {
  if (request.headers['x-requested-with'] !== 'monozu') throw new ApiError('origin_not_allowed', 'Send the header X-Requested-With: monozu')
  const origin = request.headers.origin
  if (!origin || !origins.has(origin)) throw new ApiError('origin_not_allowed', `Origin ${origin ?? '(none)'} may not use this session`)
}
