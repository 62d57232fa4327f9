import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'

/**
 * The daily digest: one email-first notification per tenant summarising protection, sent only
 * when something needs attention (at risk, unprotected, untested, repositories warning).
 */
export async function sendDigest (ctx: Ctx, tenantId: string, trx: Transaction): Promise<{ sent: boolean }> {
  const counts: Record<string, number> = { protected: 0, untested: 0, at_risk: 0, unprotected: 0 }
  for (const r of await trx('backup_devices').groupBy('status').select('status').count('* as n')) counts[r.status as string] = Number(r.n)
  const disabled = Number((await trx('backup_jobs').where({ enabled: false }).count('* as n').first())?.n ?? 0)
  const repos = Number((await trx('backup_repositories').where({ warning: true }).count('* as n').first())?.n ?? 0)
  const worst: Array<{ name: string, reason: string }> = await trx('backup_devices').whereIn('status', ['at_risk', 'unprotected'])
    .orderBy('status_changed_at').limit(10).select('name', 'reason')
  const attention = counts.at_risk! + counts.unprotected! + counts.untested! + repos
  if (attention === 0) return { sent: false }
  const list = worst.map(w => `- ${w.name} (${w.reason})`).join('\n')
  await ctx.notify({
    tenantId,
    type: 'backup.daily_digest',
    to: { permissions: ['backup.read'] },
    severity: counts.at_risk! + counts.unprotected! > 0 ? 'warning' : 'info',
    title: {
      en: `Backup: ${counts.at_risk} at risk, ${counts.unprotected} unprotected, ${counts.untested} untested`,
      pl: `Kopie: zagrożone ${counts.at_risk}, bez ochrony ${counts.unprotected}, nietestowane ${counts.untested}`
    },
    body: {
      en: `Devices protected: ${counts.protected}. Disabled jobs: ${disabled}. Repositories filling up: ${repos}.${list ? `\n${list}` : ''}`,
      pl: `Chronione urządzenia: ${counts.protected}. Wyłączone zadania: ${disabled}. Zapełniające się repozytoria: ${repos}.${list ? `\n${list}` : ''}`
    },
    link: '/backup'
  }, trx)
  return { sent: true }
}
