import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { HttpErrorCode } from '../errors/catalogue.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
import type { Principal } from './principal.ts'

/** Who the caller is; permissions are derived per request from the roles and the tenant's features. */
export type Identity = Omit<Principal, 'permissions'>

/**
 * Loads an account as it is now (a tenant user, or an operator when `tenantId` is null). The
 * one place that decides a suspended tenant or a disabled account cannot act; `missing` is the
 * error code when the account no longer exists (the caller's context decides which).
 */
export async function loadAccount (owner: Knex, who: { tenantId: string | null, userId: string }, missing: HttpErrorCode): Promise<Identity> {
  if (who.tenantId === null) {
    const op = await owner('operators').where({ id: who.userId }).first()
    if (!op) throw new ApiError(missing, 'The account no longer exists')
    if (op.disabled) throw new ApiError('account_disabled')
    return { userId: op.id, email: op.email, name: op.name, tenant: null, roles: [OPERATOR_ROLE] }
  }
  const row = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
    .where({ 'users.tenant_id': who.tenantId, 'users.id': who.userId })
    .first('users.id', 'users.email', 'users.name', 'users.roles', 'users.disabled', 'tenants.slug', 'tenants.name as tenant_name', 'tenants.status')
  if (!row) throw new ApiError(missing, 'The account no longer exists')
  if (row.status !== 'active') throw new ApiError('tenant_suspended', 'The tenant is suspended; contact your provider')
  if (row.disabled) throw new ApiError('account_disabled')
  return { userId: row.id, email: row.email, name: row.name, tenant: { id: who.tenantId, slug: row.slug, name: row.tenant_name }, roles: JSON.parse(row.roles) }
}

/**
 * The active users among `userIds` of one tenant, with their roles, in one query: for checks
 * that cover many sockets at once. A suspended tenant has none.
 */
export async function activeAccounts (owner: Knex, tenantId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const active = new Map<string, string[]>()
  for (let i = 0; i < userIds.length; i += 1000) {
    const rows = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
      .where({ 'users.tenant_id': tenantId, 'users.disabled': false, 'tenants.status': 'active' })
      .whereIn('users.id', userIds.slice(i, i + 1000)).select('users.id', 'users.roles')
    for (const row of rows) active.set(row.id, JSON.parse(row.roles))
  }
  return active
}
