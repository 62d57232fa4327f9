import type { PluginContext } from '@monozu/kernel'
import { json } from '../http.ts'
import { matchPolicy, type SlaState } from './policy.ts'
import { changeTicket, notifySla } from '../tickets/service.ts'
import { fetchTicket, loadPolicies, slaColumns, TICKET_COLUMNS, type TicketRow } from '../tickets/store.ts'

const BATCH = 200

/**
 * The `sla-sweep` job (every 30 s per tenant): records the warnings and breaches whose time has
 * come (tickets whose `sla_next_check` passed, found by index), notifies, and closes tickets
 * resolved longer than the tenant's auto-close period. Time is ctx.clock's.
 */
export function defineSweep (ctx: PluginContext): void {
  ctx.jobs.define('sla-sweep', async job => {
    const tenantId = job.tenantId!
    const now = ctx.clock.now()
    let recorded = 0
    let closed = 0
    for (;;) {
      const n = await job.withTenant(async trx => {
        const due: TicketRow[] = await trx('itsm_tickets').where('sla_next_check', '<=', now).orderBy('sla_next_check').limit(BATCH).forUpdate().skipLocked().select(TICKET_COLUMNS)
        if (due.length === 0) return 0
        const policies = await loadPolicies(trx)
        for (const t of due) {
          const policy = matchPolicy(policies, { type: t.type, priority: t.priority, category: t.category })
          const { columns, evaluation } = slaColumns(policy, t, json<SlaState>(t.sla), now.getTime())
          // a next check that did not move would loop: the clock stands at now, so it always does
          await trx('itsm_tickets').where({ id: t.id }).update(columns)
          if (evaluation && (evaluation.newWarnings.length || evaluation.newBreaches.length)) {
            recorded += evaluation.newWarnings.length + evaluation.newBreaches.length
            await notifySla(ctx, trx, tenantId, (await fetchTicket(trx, t.id))!, evaluation.newWarnings, evaluation.newBreaches)
          }
        }
        return due.length
      })
      if (n < BATCH) break
    }
    await job.withTenant(async trx => {
      const days = Number((await trx('itsm_settings').first('auto_close_days'))?.auto_close_days ?? 7)
      if (days <= 0) return
      const before = new Date(now.getTime() - days * 86_400_000)
      const stale: TicketRow[] = await trx('itsm_tickets').where({ status: 'resolved' }).where('resolved_at', '<=', before).limit(500).forUpdate().skipLocked().select(TICKET_COLUMNS)
      for (const t of stale) await changeTicket(ctx, trx, tenantId, t, { status: 'closed' }, { id: 'system', name: 'auto-close', kind: 'system' }, `closed automatically ${days} days after resolve`)
      closed = stale.length
    })
    if (recorded || closed) job.log.info({ recorded, closed }, 'itsm: SLA sweep')
  }, { concurrency: 1 })
}
