import type { PluginContext } from '@monozu/kernel'

export interface ArchivePayload { olderThanDays?: number }

/**
 * The `archive` job (declared in plugin.json `jobs`): enqueued with a tenant, it runs inside that
 * tenant's row-level security scope, and reads time from the kernel's clock so tests can move it.
 */
export function defineArchive (ctx: PluginContext): void {
  ctx.jobs.define<ArchivePayload>('archive', async job => {
    const cutoff = new Date(ctx.clock.nowMs() - (job.payload.olderThanDays ?? 30) * 86_400_000)
    // returning: the count of changed rows differs between the kernel's database dialects.
    const archived = await job.withTenant(trx => trx('partner_notes_items').where('archived', false).where('created_at', '<=', cutoff).update({ archived: true }, ['id']))
    const count = archived.length
    if (job.tenantId) await ctx.channels.publish(job.tenantId, 'partner-notes', 'items.archived', { count })
  })
}
