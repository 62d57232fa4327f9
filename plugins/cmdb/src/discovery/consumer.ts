import type { PluginContext } from '@monozu/kernel'
import { idsOf, type Live } from '../live.ts'
import { discovered } from './event.ts'
import { reconcile } from './reconcile.ts'
import { publishSoftware } from './software.ts'

/**
 * Registers the consumer of ingest kind `discovery`. It runs in the tenant's transaction that
 * also takes the events out of the inbox, so a batch is reconciled exactly once or not at all.
 */
export function consumeDiscovery (ctx: PluginContext, live: Live, batchSize: number): void {
  ctx.ingest.consume('discovery', async (events, trx) => {
    const tenantId = events[0]!.tenantId
    const result = await reconcile(trx, tenantId, events.map(discovered), { publish: live.ciChanged })
    if (result.skipped.length > 0) ctx.log.debug({ tenantId, skipped: result.skipped.slice(0, 20) }, 'cmdb: discovery fields skipped (unknown field or invalid value)')
    await publishSoftware(ctx, trx, events, result.ciBySeq)
    const changed = [...result.created, ...result.updated]
    if (changed.length > 0) {
      live.afterCommit(trx, tenantId, 'cis.changed', { requestId: `discovery-${events[0]!.seq}`, created: result.created.length, updated: result.updated.length, ids: idsOf(changed) })
    }
    if (result.review.length > 0) live.afterCommit(trx, tenantId, 'review.changed', { ids: idsOf(result.review) })
  }, { batchSize })
}
