import { definePlugin } from '@monozu/kernel'
import { consumeAlerts } from './alerts/ingest.ts'
import { alertRoutes } from './alerts/routes.ts'
import { handleInventory } from './inventory/handler.ts'
import { inventoryRoutes } from './inventory/routes.ts'
import { live } from './live.ts'
import { runFeedSync } from './feeds/job.ts'
import { feedRoutes } from './feeds/routes.ts'
import { findingRoutes } from './findings/routes.ts'
import { scanTenant } from './findings/scan.ts'
import { seedDemo } from './seed/demo.ts'
import { providedService } from './provided.ts'
import { securityService } from './service.ts'

export type SecurityConfig = {
  osvBaseUrl?: string
  osvEcosystems: string[]
  nvdBaseUrl?: string
  nvdApiKey?: string
  nvdStartDate?: string
  kevUrl?: string
  epssUrl?: string
  requestTimeoutMs: number
  retryBaseMs: number
  maxRetries: number
  nvdRequestDelayMs?: number
  syncBatchSize: number
  remediationDays: { critical: number, high: number, medium: number, low: number }
}

/**
 * Security: alerts (ingest kind `security_alert`), software inventory (from cmdb.software_reported),
 * feeds shared by all tenants, and findings that explain themselves. README.md is the API reference.
 */
export default definePlugin<SecurityConfig>({
  start (ctx, app) {
    const events = live(ctx)
    alertRoutes(app, ctx, events)
    consumeAlerts(ctx, events)
    inventoryRoutes(app)
    handleInventory(ctx, events)
    findingRoutes(app, ctx, events)
    ctx.jobs.define<{ full?: boolean }>('scan', async job => {
      const result = await scanTenant(ctx, events, job.withTenant, job.tenantId!, { remediationDays: ctx.config.remediationDays, full: job.payload?.full === true })
      job.log.info({ ...result }, 'security: scan finished')
    }, { concurrency: 1, timeoutMs: 30 * 60_000 })
    feedRoutes(app, ctx)
    ctx.provide(securityService, providedService())
    ctx.jobs.define<{ feeds?: Array<'osv' | 'nvd' | 'kev' | 'epss'>, by?: string }>('feeds.sync', async job => { await runFeedSync(ctx, job) }, { concurrency: 1, maxAttempts: 8, timeoutMs: 6 * 3600_000, backoff: { baseMs: 60_000, maxMs: 3600_000 } })
  },
  seedDemo
})
