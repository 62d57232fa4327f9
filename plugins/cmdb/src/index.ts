import { definePlugin } from '@monozu/kernel'
import { countRoutes } from './cis/counts.ts'
import { ciRoutes } from './cis/routes.ts'
import { exportRoutes } from './csv/export.ts'
import { importRoutes } from './csv/import.ts'
import { consumeDiscovery } from './discovery/consumer.ts'
import { historyRoutes } from './history/routes.ts'
import { live } from './live.ts'
import { relationRoutes } from './relations/routes.ts'
import { reviewRoutes } from './review/routes.ts'
import { seedDemo } from './seed/demo.ts'
import { cmdbService } from './service.ts'
import { providedService } from './provided.ts'
import { typeRoutes } from './types/routes.ts'

// A type literal, not an interface: it must fit the Record<string, unknown> a PluginContext defaults to.
export type CmdbConfig = {
  maxImportBytes: number
  discoveryBatchSize: number
  impactMaxNodes: number
}

/**
 * The CMDB: typed CIs with custom fields, relations and impact, a change log, CSV import and
 * export, and reconciliation of discovered assets (ingest kind `discovery`). README.md is the
 * API reference.
 */
export default definePlugin<CmdbConfig>({
  start (ctx, app) {
    const events = live(ctx)
    typeRoutes(app, events)
    ciRoutes(app, events)
    countRoutes(app)
    relationRoutes(app, events, { impactMaxNodes: ctx.config.impactMaxNodes })
    historyRoutes(app)
    exportRoutes(app)
    importRoutes(app, events, { maxBytes: ctx.config.maxImportBytes })
    reviewRoutes(app, events)
    consumeDiscovery(ctx, events, ctx.config.discoveryBatchSize)
    ctx.provide(cmdbService, providedService({ impactMaxNodes: ctx.config.impactMaxNodes }))
  },
  seedDemo
})
