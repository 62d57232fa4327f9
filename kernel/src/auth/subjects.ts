import type { Knex } from 'knex'
import { admitAccount, readAccount } from './account.ts'
import type { SessionSubject } from './sessions.ts'
import type { TokenService } from './tokens.ts'

export interface SignedIn {
  accessToken: string
  tokenType: 'Bearer'
  expiresIn: number
  user: { id: string, email: string, name: string }
  tenant: { id: string, slug: string, name: string } | null
}

/** The body every sign-in route returns (login, refresh); documented once for OpenAPI. */
export const signedInSchema = {
  type: 'object',
  properties: {
    accessToken: { type: 'string' },
    tokenType: { type: 'string' },
    expiresIn: { type: 'integer' },
    user: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } },
    tenant: { type: ['object', 'null'], properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' } } }
  }
} as const

/**
 * Loads a session's subject as it is now; a suspended tenant, a disabled account or a session
 * begun under an older session version (password, roles or status changed since) ends here.
 */
export async function signInSubject (owner: Knex, tokens: TokenService, subject: SessionSubject): Promise<SignedIn> {
  const account = await readAccount(owner, { tenantId: subject.kind === 'operator' ? null : subject.tenantId, userId: subject.id })
  const who = admitAccount(account, 'refresh_token_invalid', subject.version)
  const { token, expiresIn } = await tokens.issue({ sub: who.userId, ...(who.tenant ? { tid: who.tenant.id } : {}), roles: who.roles, email: who.email, name: who.name, sv: account!.sessionVersion })
  return { accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: who.userId, email: who.email, name: who.name }, tenant: who.tenant }
}
