import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
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

/** Loads a session's subject as it is now; a suspended tenant or disabled account ends here. */
export async function signInSubject (owner: Knex, tokens: TokenService, subject: SessionSubject): Promise<SignedIn> {
  if (subject.kind === 'operator') {
    const op = await owner('operators').where({ id: subject.id }).first()
    if (!op) throw new ApiError('refresh_token_invalid', 'The account no longer exists')
    if (op.disabled) throw new ApiError('account_disabled')
    const { token, expiresIn } = await tokens.issue({ sub: op.id, roles: [OPERATOR_ROLE], email: op.email, name: op.name })
    return { accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: op.id, email: op.email, name: op.name }, tenant: null }
  }
  const row = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
    .where({ 'users.tenant_id': subject.tenantId, 'users.id': subject.id })
    .first('users.id', 'users.email', 'users.name', 'users.roles', 'users.disabled', 'tenants.slug', 'tenants.name as tenant_name', 'tenants.status')
  if (!row) throw new ApiError('refresh_token_invalid', 'The account no longer exists')
  if (row.status !== 'active') throw new ApiError('tenant_suspended', 'The tenant is suspended; contact your provider')
  if (row.disabled) throw new ApiError('account_disabled')
  const tenant = { id: subject.tenantId as string, slug: row.slug, name: row.tenant_name }
  const { token, expiresIn } = await tokens.issue({ sub: row.id, tid: tenant.id, roles: JSON.parse(row.roles), email: row.email, name: row.name })
  return { accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: row.id, email: row.email, name: row.name }, tenant }
}
