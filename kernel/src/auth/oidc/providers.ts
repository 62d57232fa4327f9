import * as oidc from 'openid-client'
import type { Knex } from 'knex'
import { ApiError } from '../../errors/errors.ts'
import type { SecretBox } from './secret-box.ts'
import type { Outbound } from '../../outbound/outbound.ts'

export interface IdentityProvider {
  tenantId: string
  issuer: string
  clientId: string
  allowedTenantId: string
  jitProvisioning: boolean
  defaultRole: 'tenant-admin' | 'member'
  updatedAt: string
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]'])
const DISCOVERY_TTL_MS = 60 * 60 * 1000
/** How long a failed discovery is answered from memory: anonymous sign-in starts must not make the kernel call a dead issuer on every request. */
const FAILURE_TTL_MS = 30 * 1000

/**
 * openid-client configuration for an issuer. Discovery, JWKS and token requests all go through
 * the guarded outbound client: the issuer is tenant-supplied. Plain http only for a loopback
 * issuer (local stand-ins, which the outbound client refuses unless OUTBOUND_ALLOW_PRIVATE is on).
 */
async function discover (outbound: Outbound, issuer: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  const url = new URL(issuer)
  const insecure = url.protocol === 'http:' && loopback.has(url.hostname)
  const config = await oidc.discovery(url, clientId, clientSecret, undefined, {
    [oidc.customFetch]: outbound.fetch,
    timeout: 5,
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {})
  })
  config.timeout = 5
  return config
}

/** Each tenant's identity provider: stored with its secret sealed, discovered lazily and cached. */
export function createIdentityProviders (owner: Knex, box: SecretBox, outbound: Outbound) {
  const cache = new Map<string, { at: number, key: string, config?: oidc.Configuration, error?: Error }>()
  // Tenants whose provider the deployment's configuration sets (the management staff tenant).
  const pinned = new Set<string>()

  const fromRow = (row: Record<string, any>): IdentityProvider => ({
    tenantId: row.tenant_id,
    issuer: row.issuer,
    clientId: row.client_id,
    allowedTenantId: row.allowed_tenant_id,
    jitProvisioning: Boolean(row.jit_provisioning),
    defaultRole: row.default_role,
    updatedAt: new Date(row.updated_at).toISOString()
  })

  return {
    async get (tenantId: string): Promise<IdentityProvider | undefined> {
      const row = await owner('identity_providers').where({ tenant_id: tenantId }).first()
      return row ? fromRow(row) : undefined
    },

    /** The provider with a discovered openid-client configuration, for sign-in. */
    async client (tenantId: string): Promise<{ provider: IdentityProvider, config: oidc.Configuration }> {
      const row = await owner('identity_providers').where({ tenant_id: tenantId }).first()
      if (!row) throw new ApiError('not_found', 'This tenant has no identity provider configured')
      const provider = fromRow(row)
      const key = `${provider.issuer}|${provider.clientId}|${provider.updatedAt}`
      const hit = cache.get(tenantId)
      if (hit && hit.key === key) {
        if (hit.config && Date.now() - hit.at < DISCOVERY_TTL_MS) return { provider, config: hit.config }
        if (hit.error && Date.now() - hit.at < FAILURE_TTL_MS) throw hit.error
      }
      try {
        const config = await discover(outbound, provider.issuer, provider.clientId, box.open(row.client_secret_sealed))
        cache.set(tenantId, { at: Date.now(), key, config })
        return { provider, config }
      } catch (err) {
        cache.set(tenantId, { at: Date.now(), key, error: err as Error })
        throw err
      }
    },

    /** Checks that an issuer answers OpenID discovery (before it is stored). */
    async discover (issuer: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
      return discover(outbound, issuer, clientId, clientSecret)
    },

    sealed (secret: string): string {
      return box.seal(secret)
    },

    open (sealed: string): string {
      return box.open(sealed)
    },

    /** The tenant's provider comes from configuration: the tenant-admin API may not change or remove it. */
    pin (tenantId: string): void {
      pinned.add(tenantId)
    },

    isPinned (tenantId: string): boolean {
      return pinned.has(tenantId)
    },

    forget (tenantId: string): void {
      cache.delete(tenantId)
    }
  }
}

export type IdentityProviders = ReturnType<typeof createIdentityProviders>
