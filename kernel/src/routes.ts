import type { FastifyInstance } from 'fastify'
import type { KernelConfig } from './config/config.ts'
import type { Connections } from './db/connections.ts'
import { registerAdminRoutes } from './admin/routes.ts'
import { installGuard } from './auth/guard.ts'
import { registerLogin } from './auth/login.ts'
import { allowedOrigins } from './auth/origin.ts'
import { registerSessionRoutes } from './auth/session-routes.ts'
import { registerSystemRoutes } from './http/system-routes.ts'
import { registerInternalRoutes } from './internal/routes.ts'
import { registerIdentityProviderRoutes } from './auth/oidc/config-routes.ts'
import { registerOidcRoutes } from './auth/oidc/flow-routes.ts'
import { registerMeFeatures } from './licensing/me-features.ts'
import type { PluginRegistry } from './plugins/registry.ts'
import { registerTenancyRoutes } from './tenancy/routes.ts'
import type { Services } from './services.ts'
import { registerJobRoutes } from './jobs/routes.ts'
import { registerEventRoutes } from './events/routes.ts'
import { registerAuditRoutes } from './audit/routes.ts'
import { registerChannelRoute } from './channels/route.ts'
import type { ChannelInfo } from './channels/hub.ts'
import { notificationsChannel } from './notifications/service.ts'
import { registerNotificationRoutes } from './notifications/routes.ts'
import { registerWebhookRoutes } from './webhooks/routes.ts'

/** The kernel's channels and those of running plugins, by id (checked unique at load; plugins may not take a kernel channel's id). */
function channelMap (registry: PluginRegistry): Map<string, ChannelInfo> {
  return new Map<string, ChannelInfo>([
    ...registry.running().flatMap(r => (r.manifest.channels ?? []).map(c => [c.id, { id: c.id, plugin: r.manifest.id, permission: c.permission }] as const)),
    [notificationsChannel.id, notificationsChannel]
  ])
}

/** Everything the kernel itself serves; plugins mount theirs afterwards. */
export function registerKernelRoutes (app: FastifyInstance, s: Services, config: KernelConfig, registry: PluginRegistry, conn: Connections): void {
  installGuard(app, { tokens: s.tokens, principals: s.principals, db: s.db, features: s.features, registry })
  registerSystemRoutes(app, { registry, conn, tokens: s.tokens })
  registerLogin(app, s)
  registerSessionRoutes(app, { ...s, origins: allowedOrigins(config) })
  registerTenancyRoutes(app, { ...s, registry })
  const publicBase = (config.publicUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '')
  const redirectUri = `${publicBase}/api/v1/auth/oidc/callback`
  registerIdentityProviderRoutes(app, { ...s, redirectUri })
  registerOidcRoutes(app, { ...s, redirectUri, uiOrigin: config.publicUrl ? new URL(config.publicUrl).origin : '' })
  registerMeFeatures(app, { features: s.features, uiBaseUrl: config.uiBaseUrl, operatorConsole: config.adminPanelEnabled })
  if (config.adminPanelEnabled) registerAdminRoutes(app, { ...s, registry })
  registerJobRoutes(app, { queue: s.jobs.queue, owner: s.owner, audit: s.audit, admin: config.adminPanelEnabled })
  registerEventRoutes(app, { owner: s.owner, audit: s.audit, poke: s.events.poke, admin: config.adminPanelEnabled })
  registerAuditRoutes(app, { owner: s.owner, audit: s.audit, admin: config.adminPanelEnabled })
  registerNotificationRoutes(app, s)
  registerChannelRoute(app, { ...s, origins: allowedOrigins(config), channels: () => channelMap(registry) })
  registerInternalRoutes(app, { ...s, internalTokens: config.internalTokens, webhookSecrets: config.licenseWebhookSecrets, managementUrl: config.managementUrl })
  registerWebhookRoutes(app, { webhooks: s.webhooks, audit: s.audit, allowHttp: config.outboundAllowPrivate })
}
