import { definePlugin } from '@monozu/kernel'
import { consumeAlerts } from './alerts/ingest.ts'
import { alertRoutes } from './alerts/routes.ts'
import { handleInventory } from './inventory/handler.ts'
import { inventoryRoutes } from './inventory/routes.ts'
import { live } from './live.ts'

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
    ctx.jobs.define('scan', async () => {})
    ctx.jobs.define('feeds.sync', async () => {})
  }
})
