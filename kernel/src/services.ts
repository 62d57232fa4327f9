import type { FastifyBaseLogger } from 'fastify'
import { createAudit } from './audit/audit.ts'
import { loadSigningKeys } from './auth/keys.ts'
import { createPrincipalResolver } from './auth/principal.ts'
import { createSessions } from './auth/sessions.ts'
import { createTokenService } from './auth/tokens.ts'
import type { KernelConfig } from './config/config.ts'
import type { Connections } from './db/connections.ts'
import { createDatabase } from './db/database.ts'
import { createFeatures } from './licensing/features.ts'
import { loadLicenseKeys } from './licensing/license.ts'
import type { PluginRegistry } from './plugins/registry.ts'
import { createInvitations } from './tenancy/invitations.ts'
import { createIdentityProviders } from './auth/oidc/providers.ts'
import { createSecretBox } from './auth/oidc/secret-box.ts'
import { createTenancy } from './tenancy/tenants.ts'

/** The kernel's services, built once per kernel instance (nothing module-global). */
export async function createServices (config: KernelConfig, conn: Connections, registry: PluginRegistry, logger: FastifyBaseLogger) {
  const audit = createAudit(conn.owner, logger)
  const db = createDatabase(conn, purpose => audit.record({ action: 'platform.scope', actor: purpose.actor, details: { reason: purpose.reason } }))
  const tokens = createTokenService(await loadSigningKeys(config.dataDir), {
    issuer: config.publicUrl ?? 'urn:monozu:kernel',
    audience: 'monozu-api',
    ttlSeconds: config.accessTokenTtlSeconds
  })
  const tenancy = createTenancy(conn.owner, db)
  const licenseKeys = await loadLicenseKeys(config.licensePublicKey, config.dataDir)
  return {
    owner: conn.owner,
    audit,
    db,
    tokens,
    tenancy,
    licenseKeys,
    principals: createPrincipalResolver(conn.owner),
    sessions: createSessions(conn.owner, audit, { idleSeconds: config.refreshIdleSeconds, absoluteSeconds: config.refreshAbsoluteSeconds, raceGraceSeconds: config.refreshRaceGraceSeconds }),
    features: createFeatures({ owner: conn.owner, registry, keys: licenseKeys, audit }),
    invitations: createInvitations(conn.owner, db, tenancy, config.publicUrl),
    providers: createIdentityProviders(conn.owner, createSecretBox(config.dataDir))
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
