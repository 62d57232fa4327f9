import { definePlugin } from '@monozu/kernel'
import { registerRoutes } from './routes.ts'
import { createManagement, type LifecycleAction, type ManagementConfig } from './service.ts'

export type { ManagementConfig }

/**
 * Management (runs only in `monozu start --profile management`, on its own database): Monozu
 * staff provision and retire tenants on the cloud, issue licenses from plans and push them to
 * the cloud as signed Standard Webhooks, retried with exponential backoff for up to 24 hours.
 * README.md is the API reference.
 */
export default definePlugin<ManagementConfig>({
  start (ctx, app) {
    const m = createManagement(ctx)
    const cfg = ctx.config
    // Attempts that fit the retry window: baseMs doubling up to maxMs, until deliveryWindowHours.
    let attempts = 1
    for (let waited = 0, delay = cfg.deliveryBaseMs; waited < cfg.deliveryWindowHours * 3_600_000 && attempts < 1000; attempts++, delay = Math.min(delay * 2, cfg.deliveryMaxMs)) waited += delay
    const retry = { maxAttempts: attempts + 1, backoff: { baseMs: cfg.deliveryBaseMs, maxMs: cfg.deliveryMaxMs } }
    ctx.jobs.define<{ id: string }>('deliver', job => m.deliver(job.tenantId!, job.payload.id, job.attempt), { ...retry, concurrency: cfg.deliveryConcurrency, timeoutMs: 60_000 })
    ctx.jobs.define<{ id: string }>('provision', job => m.provision(job.tenantId!, job.payload.id), { ...retry, concurrency: 4, timeoutMs: 60_000 })
    ctx.jobs.define<{ id: string, action: LifecycleAction }>('lifecycle', job => m.lifecycle(job.tenantId!, job.payload.id, job.payload.action), { ...retry, concurrency: 2, timeoutMs: 600_000 })
    if (!cfg.internalToken || !cfg.webhookSecret) ctx.log.warn('management is not wired to a cloud (internalToken, webhookSecret): provisioning and deliveries wait until it is')
    registerRoutes(app, ctx, m)
  }
})
