import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { afterCommit, LIVE_IDS } from './live.ts'
import { applyEvaluations, type JobRow } from './status.ts'

const COLUMNS = ['id', 'device_id', 'name', 'enabled', 'rpo_minutes', 'restore_test_days', 'status', 'reason', 'last_run_state', 'last_success_at', 'last_restore_test_at', 'last_restore_test_ok']

/**
 * The dead-man switch: re-evaluates the jobs whose stored `status_due_at` has passed, that is
 * whose status changes with time alone (RPO ran out with no success, restore test aged out), so a
 * job that stops reporting is flagged although nothing arrives. Batches of `sweepBatch` jobs, one
 * transaction each; transitions publish once (publishMany) and the due time moves on.
 */
export async function sweepTenant (ctx: Ctx, tenantId: string, withTenant: <T>(fn: (trx: Transaction) => Promise<T>) => Promise<T>, signal?: AbortSignal) {
  const now = ctx.clock.now()
  let evaluated = 0
  let transitions = 0
  for (;;) {
    if (signal?.aborted) break
    const n = await withTenant(async trx => {
      // Locked, skipping jobs an event batch holds: that batch re-evaluates them itself, and two
      // sweeps never evaluate one job twice, so a transition is published once on PostgreSQL too.
      const rows: JobRow[] = await trx('backup_jobs').where('status_due_at', '<=', now)
        .orderBy('status_due_at').limit(ctx.config.sweepBatch).forUpdate().skipLocked().select(COLUMNS)
      if (rows.length === 0) return 0
      const changed = await applyEvaluations(ctx, trx, tenantId, rows, now, { changedOnly: true })
      transitions += changed.length
      // What the switch is for: jobs that ran out of RPO with nothing arriving, told live too.
      const missed = changed.filter(t => t.reason === 'rpo_breached')
      if (missed.length > 0) {
        afterCommit(ctx, trx, tenantId, 'deadman.missed', {
          jobs: missed.slice(0, LIVE_IDS).map(t => ({ jobId: t.jobId, deviceId: t.deviceId, jobName: t.jobName, lastSuccessAt: t.lastSuccessAt })),
          count: missed.length,
          at: now.toISOString()
        })
      }
      return rows.length
    })
    evaluated += n
    if (n < ctx.config.sweepBatch) break
  }
  if (evaluated > 0) ctx.log.info({ tenantId, evaluated, transitions }, 'backup dead-man sweep')
  return { evaluated, transitions }
}
