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
import { createOutbound } from './outbound/outbound.ts'
import { createTenancy } from './tenancy/tenants.ts'
import { resolve } from 'node:path'
import { createMemoryBus } from './bus/bus.ts'
import { createRedisBus } from './bus/redis.ts'
import { createHub } from './channels/hub.ts'
import { activeAccounts } from './auth/account.ts'
import { createJobs } from './jobs/service.ts'
import { createWebhooks } from './webhooks/service.ts'
import { createEvents } from './events/service.ts'
import { createNotifications } from './notifications/service.ts'
import { setUpEmail } from './notifications/email/index.ts'
import { defineMailJobs } from './mail/jobs.ts'
import { createOutboundMail } from './mail/outbound.ts'
import { systemClock, type Clock } from './clock/clock.ts'
import { createUsageCounters } from './usage/counters.ts'

/** Keeps deployments (and parallel test databases) that share one Redis apart. */
function busTopic (config: KernelConfig): string {
  return `monozu:bus:${config.databaseUrl ? new URL(config.databaseUrl).pathname.slice(1) : resolve(config.dataDir)}`
}

/** The kernel's services, built once per kernel instance (nothing module-global). */
export async function createServices (config: KernelConfig, conn: Connections, registry: PluginRegistry, logger: FastifyBaseLogger, clock: Clock = systemClock) {
  const audit = createAudit(conn.owner, logger)
  const db = createDatabase(conn, purpose => audit.record({ action: 'platform.scope', actor: purpose.actor, details: { reason: purpose.reason } }))
  const tokens = createTokenService(await loadSigningKeys(config.dataDir), {
    issuer: config.publicUrl ?? 'urn:monozu:kernel',
    audience: 'monozu-api',
    ttlSeconds: config.accessTokenTtlSeconds
  })
  const tenancy = createTenancy(conn.owner, db)
  const outbound = createOutbound({ allowPrivate: config.outboundAllowPrivate, log: logger })
  const licenseKeys = await loadLicenseKeys(config.licensePublicKey, config.dataDir)
  const features = createFeatures({ owner: conn.owner, registry, keys: licenseKeys, audit, clock })
  const principals = createPrincipalResolver(conn.owner)
  const bus = config.redisUrl ? await createRedisBus(config.redisUrl, busTopic(config), logger) : createMemoryBus()
  const jobs = createJobs({
    owner: conn.owner, db, features, log: logger, clock,
    config: { leaseMs: config.jobLeaseSeconds * 1000, pollMs: config.jobPollMs, concurrency: config.jobConcurrency, shutdownMs: config.jobShutdownSeconds * 1000, worker: config.jobWorker }
  })
  const events = createEvents({ conn, db, features, bus, log: logger, config: { pollMs: config.eventsPollMs, worker: config.jobWorker } })
  const webhooks = createWebhooks({
    owner: conn.owner, outbound, box: createSecretBox(config.dataDir), audit, features, log: logger, clock,
    worker: { id: jobs.workerId, enabled: config.jobWorker, pollMs: config.jobPollMs, concurrency: 8, leaseMs: 60_000 }
  })
  // Tenant webhooks queue their deliveries inside each publishing transaction.
  events.onPublish(webhooks.enqueue)
  const hub = createHub({ bus, tokens, principals, features, accounts: (tenantId, ids) => activeAccounts(conn.owner, tenantId, ids), log: logger, options: { maxBufferedBytes: 1024 * 1024, heartbeatMs: config.wsHeartbeatSeconds * 1000, recheckMs: config.wsRecheckSeconds * 1000 } })
  const email = setUpEmail({ config, jobs, owner: conn.owner, registry, clock, log: logger })
  const mailJobs = email ? defineMailJobs({ jobs, owner: conn.owner, mailer: email.mailer, clock, log: logger.child({ component: 'mail' }) }) : null
  return {
    owner: conn.owner,
    clock,
    audit,
    outbound,
    db,
    tokens,
    tenancy,
    licenseKeys,
    principals,
    bus,
    jobs,
    events,
    hub,
    /** `ctx.notify` for each plugin, the in-app routes' reads and marks, and the email hook (`setEmailQueue`). */
    notifications: createNotifications({ db, bus, registry, clock, log: logger }),
    /** Notification email; null when SMTP_URL is unset (email off). */
    email,
    /** `ctx.mail` for each plugin that declares `"mail": true`: mail to addresses that are not users. */
    mail: createOutboundMail({ db, clock, mailFrom: config.mailFrom, log: logger.child({ component: 'mail' }), sendAfterCommit: mailJobs ? mailJobs.afterCommit : null }),
    sessions: createSessions(conn.owner, audit, { idleSeconds: config.refreshIdleSeconds, absoluteSeconds: config.refreshAbsoluteSeconds, raceGraceSeconds: config.refreshRaceGraceSeconds }, clock),
    features,
    /** Plugins' usage counters (`ctx.usage`), read by the hourly usage report. */
    usage: createUsageCounters(),
    invitations: createInvitations(conn.owner, db, tenancy, config.publicUrl),
    providers: createIdentityProviders(conn.owner, createSecretBox(config.dataDir), outbound),
    webhooks
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
