import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { Transaction } from '../db/database.ts'
import { loadAccount, type Identity } from './account.ts'
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

// Suspension, disabling and role changes reach every instance within this window.
const TTL_MS = 2000
const LIMIT = 10_000


interface Cached { at: number, principal?: Identity, error?: ApiError }

/** Turns verified token claims into the caller's identity from current database state, briefly cached. */
export function createPrincipalResolver (owner: Knex) {
  const cache = new Map<string, Cached>()
  const loading = new Map<string, Promise<Identity>>()

  const load = (claims: AccessClaims) => loadAccount(owner, { tenantId: claims.tid ?? null, userId: claims.sub }, 'invalid_token')

  return {
    async resolve (claims: AccessClaims): Promise<Identity> {
      const key = `${claims.tid ?? '-'}:${claims.sub}`
      const hit = cache.get(key)
      const now = Date.now()
      if (hit && now - hit.at < TTL_MS) {
        if (hit.error) throw hit.error
        return hit.principal as Identity
      }
      if (cache.size >= LIMIT) cache.clear()
      // Requests arriving while the identity reloads share one lookup.
      let pending = loading.get(key)
      if (!pending) {
        pending = load(claims).then(
          principal => { cache.set(key, { at: now, principal }); return principal },
          err => { if (err instanceof ApiError) cache.set(key, { at: now, error: err }); throw err }
        ).finally(() => loading.delete(key))
        loading.set(key, pending)
      }
      return pending
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
