import { randomUUID } from 'node:crypto'
import type { DemoTenant, PluginContext } from '@monozu/kernel'
import type { BackupConfig } from './context.ts'
import { checkRepositories, recordUsage } from './repositories.ts'

const TB = 1024 ** 4
const DAY = 86_400_000

/**
 * Acme's repositories with 60 days of usage: an offsite bucket that fills within weeks (the
 * forecast warns) and a healthy local NAS. Jobs, runs and the demo appliances' own repositories
 * come from the simulator's backup events (`npm start` runs it with --backup), where one appliance
 * misses its RPO and one USB repository fills up.
 */
export async function seedDemo (ctx: PluginContext<BackupConfig>, tenant: DemoTenant): Promise<void> {
  if (tenant.slug !== 'acme') return
  const now = ctx.clock.now()
  await ctx.db.withTenant(tenant.id, async trx => {
    const repos = [
      { name: 'Offsite (Backblaze B2)', capacity: 10 * TB, start: 5 * TB, perDay: 0.05 * TB, warnDays: 45 },
      { name: 'Local NAS', capacity: 24 * TB, start: 9 * TB, perDay: 0.01 * TB, warnDays: 30 }
    ]
    const ids: string[] = []
    for (const r of repos) {
      const id = randomUUID()
      ids.push(id)
      await trx('backup_repositories').insert({ tenant_id: tenant.id, id, name: r.name, name_key: r.name.toLowerCase(), capacity_bytes: r.capacity, warn_days: r.warnDays, warn_percent: 85, created_at: now, updated_at: now })
      for (let back = 59; back >= 0; back--) {
        const wobble = Math.sin(back * 1.7) * 0.01 * TB
        await recordUsage(trx, tenant.id, id, new Date(now.getTime() - back * DAY), Math.round(r.start + r.perDay * (59 - back) + wobble), r.capacity)
      }
    }
    await checkRepositories(ctx, trx, tenant.id, ids)
  })
}
