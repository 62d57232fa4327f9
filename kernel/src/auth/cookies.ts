import type { FastifyRequest } from 'fastify'
import { fastifyCookie } from '@fastify/cookie'

/**
 * Cookies are parsed only by the few routes that use them (sessions, OIDC), not on every
 * request: the API itself authenticates by bearer token.
 */
export function readCookie (request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie
  return header ? fastifyCookie.parse(header)[name] : undefined
}
