import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import { assertBrowserOrigin } from './origin.ts'
import { readCookie } from './cookies.ts'
import { REFRESH_COOKIE, type Sessions } from './sessions.ts'
import { signedInSchema, signInSubject } from './subjects.ts'
import type { TokenService } from './tokens.ts'
import type { Invitations } from '../tenancy/invitations.ts'

const cookieAuth = {
  tags: ['auth'],
  security: [],
  description: 'Needs the __Host-monozu_rt cookie, the header X-Requested-With: monozu and an allowed Origin.'
}

/** Refresh and sign-out: authenticated by the HttpOnly session cookie, not by a bearer token. */
export function registerSessionRoutes (app: FastifyInstance, deps: { owner: Knex, tokens: TokenService, sessions: Sessions, invitations: Invitations, origins: Set<string> }): void {
  app.post('/api/v1/auth/refresh', {
    config: { public: true },
    schema: {
      ...cookieAuth,
      summary: 'A new access token for the session cookie; rotates the cookie',
      description: `${cookieAuth.description} Without the cookie at all the answer is 204: signed out, which is not an error (the shell asks on every page load).`,
      response: { 200: signedInSchema, 204: { type: 'null' } }
    }
  }, async (request, reply) => {
    assertBrowserOrigin(request, deps.origins)
    if (readCookie(request, REFRESH_COOKIE) === undefined) return reply.code(204).send()
    const subject = await deps.sessions.rotate(request, reply)
    try {
      return await signInSubject(deps.owner, deps.tokens, subject)
    } catch (err) {
      // A suspended tenant or disabled account ends the session for good.
      if (err instanceof ApiError) await deps.sessions.end(request, reply)
      throw err
    }
  })

  app.post('/api/v1/auth/logout', {
    config: { public: true },
    schema: { ...cookieAuth, summary: 'End the session: revokes its refresh tokens and clears the cookie', response: { 204: { type: 'null' } } }
  }, async (request, reply) => {
    assertBrowserOrigin(request, deps.origins)
    await deps.sessions.end(request, reply)
    return reply.code(204).send()
  })

  app.post('/api/v1/auth/invitations/accept', {
    config: { public: true },
    schema: {
      tags: ['auth'], security: [], summary: 'Set a password with an invitation token and sign in',
      body: { type: 'object', required: ['token', 'password'], properties: { token: { type: 'string', minLength: 20, maxLength: 200 }, password: { type: 'string', minLength: 10, maxLength: 1024 } } },
      response: { 200: signedInSchema }
    }
  }, async (request, reply) => {
    const { token, password } = request.body as { token: string, password: string }
    const { userId, tenantId } = await deps.invitations.accept(token, password)
    const signedIn = await signInSubject(deps.owner, deps.tokens, { kind: 'user', id: userId, tenantId })
    await deps.sessions.begin(reply, { kind: 'user', id: userId, tenantId })
    return signedIn
  })
}
