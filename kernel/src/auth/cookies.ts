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

// `<token id (a UUID)>.<32 random bytes, base64url>`, exactly as sessions.ts writes it.
const refreshToken = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/

/**
 * The refresh cookie's id and secret, or null when the cookie is absent or not of that exact
 * form: a forged value never reaches the database (an id that is not a UUID made it a 500).
 */
export function readRefreshToken (request: FastifyRequest, name: string): { id: string, secret: string } | null {
  const raw = readCookie(request, name)
  const match = raw === undefined ? null : refreshToken.exec(raw)
  return match ? { id: match[1] as string, secret: match[2] as string } : null
}
