import type { Knex } from 'knex'
import type { Transaction } from '../db/database.ts'
import { admitAccount, readAccount, type Account, type Identity } from './account.ts'
import type { AccessClaims } from './tokens.ts'

/** The signed-in caller of a request, as route handlers see it in `request.auth`. */
export interface Principal {
  userId: string
  email: string
  name: string
  /** Null for platform operators, who act across tenants through admin routes only. */
  tenant: { id: string, slug: string, name: string } | null
  roles: string[]
  /** Shared between requests: read it, never change it. */
  permissions: ReadonlySet<string>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve without a signed-in caller (sign-in, health, JWKS, machine routes with their own auth). */
    public?: boolean
    /** The permission a caller needs; plugin routes must name one of their declared permissions. */
    permission?: string
    /** Platform operators only. */
    operator?: boolean
  }
  interface FastifyRequest {
    auth: Principal | null
    /** `db.withTenant` for the caller's tenant; 403 for callers without a tenant. */
    withTenant<T> (fn: (trx: Transaction) => Promise<T>): Promise<T>
  }
}

// Suspension, disabling, role changes and ended sessions reach every instance within this window.
const TTL_MS = 2000
const LIMIT = 10_000

interface Cached { at: number, account: Account | undefined }

/**
 * Turns verified token claims into the caller's identity from current database state. The
 * account is cached briefly per user; each token is then judged against it, so a token issued
 * before the account's session version changed is refused (401) while a newer one is not.
 */
export function createPrincipalResolver (owner: Knex) {
  const cache = new Map<string, Cached>()
  const loading = new Map<string, Promise<Account | undefined>>()

  async function account (claims: AccessClaims, fresh: boolean): Promise<Account | undefined> {
    const key = `${claims.tid ?? '-'}:${claims.sub}`
    const hit = cache.get(key)
    const now = Date.now()
    if (hit && !fresh && now - hit.at < TTL_MS) return hit.account
    if (cache.size >= LIMIT) cache.clear()
    // Requests arriving while the account reloads share one lookup.
    let pending = fresh ? undefined : loading.get(key)
    if (!pending) {
      pending = readAccount(owner, { tenantId: claims.tid ?? null, userId: claims.sub })
        .then(found => { cache.set(key, { at: now, account: found }); return found })
        .finally(() => loading.delete(key))
      loading.set(key, pending)
    }
    return pending
  }

  return {
    async resolve (claims: AccessClaims): Promise<Identity> {
      // Tokens from before session versions existed carry none: version 0, every account's first.
      const version = claims.sv ?? 0
      let found = await account(claims, false)
      // Versions only rise: a newer token than the cached account means another instance changed
      // it, and the new session must work at once, not after the cache expires.
      if (found && version > found.sessionVersion) found = await account(claims, true)
      return admitAccount(found, 'invalid_token', version)
    },
    /** Drops cached state after a change made on this instance (others catch up within TTL_MS). */
    forget (tenantId: string | null, userId?: string): void {
      for (const key of cache.keys()) {
        const [tid, sub] = key.split(':')
        if ((tenantId === null || tid === tenantId) && (userId === undefined || sub === userId)) cache.delete(key)
      }
    }
  }
}

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>
