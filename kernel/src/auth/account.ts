import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { HttpErrorCode } from '../errors/catalogue.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'
import type { Principal } from './principal.ts'

/** Who the caller is; permissions are derived per request from the roles and the tenant's features. */
export type Identity = Omit<Principal, 'permissions'>

/** An account as stored now: who it is, and whether it may act. */
export interface Account {
  identity: Identity
  disabled: boolean
  suspended: boolean
  /** Raised by every change that must end the account's sessions (see migration 014). */
  sessionVersion: number
}

/** Reads an account (a tenant user, or an operator when `tenantId` is null); undefined when it is gone. */
export async function readAccount (owner: Knex, who: { tenantId: string | null, userId: string }): Promise<Account | undefined> {
  if (who.tenantId === null) {
    const op = await owner('operators').where({ id: who.userId }).first()
    if (!op) return undefined
    return { identity: { userId: op.id, email: op.email, name: op.name, tenant: null, roles: [OPERATOR_ROLE] }, disabled: Boolean(op.disabled), suspended: false, sessionVersion: Number(op.session_version) }
  }
  const row = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
    .where({ 'users.tenant_id': who.tenantId, 'users.id': who.userId })
    .first('users.id', 'users.email', 'users.name', 'users.roles', 'users.disabled', 'users.session_version', 'tenants.slug', 'tenants.name as tenant_name', 'tenants.status')
  if (!row) return undefined
  return {
    identity: { userId: row.id, email: row.email, name: row.name, tenant: { id: who.tenantId, slug: row.slug, name: row.tenant_name }, roles: JSON.parse(row.roles) },
    disabled: Boolean(row.disabled),
    suspended: row.status !== 'active',
    sessionVersion: Number(row.session_version)
  }
}

/**
 * The one place that decides whether an account may act now. `missing` is the error code when
 * the account is gone or the credential predates its session version (the caller's context
 * decides which: an access token or a refresh cookie); that check comes first, so a revoked
 * credential always asks for a new sign-in.
 */
export function admitAccount (account: Account | undefined, missing: HttpErrorCode, sessionVersion?: number): Identity {
  if (!account) throw new ApiError(missing, 'The account no longer exists')
  if (sessionVersion !== undefined && sessionVersion !== account.sessionVersion) {
    throw new ApiError(missing, 'This session was ended by a change to the account (password, roles or status); sign in again')
  }
  if (account.suspended) throw new ApiError('tenant_suspended', 'The tenant is suspended; contact your provider')
  if (account.disabled) throw new ApiError('account_disabled')
  return account.identity
}

/**
 * The active users among `userIds` of one tenant, with their roles, in one query: for checks
 * that cover many sockets at once. A suspended tenant has none.
 */
/** An enabled account of an active tenant: its roles and the session version its tokens must carry. */
export interface ActiveAccount { roles: string[], sessionVersion: number }

export async function activeAccounts (owner: Knex, tenantId: string, userIds: string[]): Promise<Map<string, ActiveAccount>> {
  const active = new Map<string, ActiveAccount>()
  for (let i = 0; i < userIds.length; i += 1000) {
    const rows = await owner('users').join('tenants', 'tenants.id', 'users.tenant_id')
      .where({ 'users.tenant_id': tenantId, 'users.disabled': false, 'tenants.status': 'active' })
      .whereIn('users.id', userIds.slice(i, i + 1000)).select('users.id', 'users.roles', 'users.session_version')
    for (const row of rows) active.set(row.id, { roles: JSON.parse(row.roles), sessionVersion: Number(row.session_version) })
  }
  return active
}
