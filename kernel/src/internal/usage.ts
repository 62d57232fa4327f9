import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import type { Jobs } from '../jobs/service.ts'
import type { Clock } from '../clock/clock.ts'
import type { UsageCounters } from '../usage/counters.ts'

export interface UsageReport {
  reportedAt: string
  /** `counts` holds each counter plugins registered with `ctx.usage.register` (e.g. devices). */
  tenants: Array<{ tenantId: string, externalId: string | null, seats: number, counts: Record<string, number> }>
}

/**
 * Seats (enabled users) and every registered plugin counter of every active tenant, each read
 * inside the tenant's scope: the kernel names no plugin table, plugins count their own rows.
 */
export async function collectUsage (owner: Knex, db: Database, clock: Clock, counters: UsageCounters): Promise<UsageReport> {
  const tenants: Array<{ id: string, external_id: string | null }> = await owner('tenants').where({ status: 'active' }).select('id', 'external_id')
  const report: UsageReport = { reportedAt: clock.now().toISOString(), tenants: [] }
  for (const t of tenants) {
    const figures = await db.withTenant(t.id, async trx => {
      const counts: Record<string, number> = {}
      for (const c of counters.all()) {
        // A savepoint per counter: one that fails (e.g. its table is gone) leaves the others and the transaction usable.
        try {
          const n = await trx.transaction(sp => c.count(sp))
          counts[c.name] = Number.isFinite(Number(n)) ? Number(n) : 0
        } catch { counts[c.name] = 0 }
      }
      return { seats: Number((await trx('users').where({ disabled: false }).count('* as n').first())?.n ?? 0), counts }
    })
    report.tenants.push({ tenantId: t.id, externalId: t.external_id ?? null, ...figures })
  }
  return report
}

/** POSTs the usage report to the management side's `/internal/v1/usage` with X-Internal-Token. */
export async function sendUsage (managementUrl: string, token: string, report: UsageReport, signal?: AbortSignal): Promise<void> {
  const res = await fetch(new URL('/internal/v1/usage', managementUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': token },
    body: JSON.stringify(report),
    signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000)
  })
  if (!res.ok) throw new Error(`management answered ${res.status} to the usage report: ${(await res.text()).slice(0, 300)}`)
}

/** Hourly, platform-wide, when MANAGEMENT_URL and INTERNAL_TOKENS are set: report usage to management. */
export function defineUsageReport (jobs: Jobs, deps: { owner: Knex, db: Database, clock: Clock, counters: UsageCounters, managementUrl: string | undefined, internalTokens: string[], log: FastifyBaseLogger }): void {
  const { managementUrl, internalTokens } = deps
  if (!managementUrl || internalTokens.length === 0) return
  jobs.declare({ id: 'kernel', jobs: [{ name: 'usage.report', schedule: '7 * * * *', scope: 'platform' }] })
  jobs.forPlugin('kernel').define('usage.report', async ({ signal }) => {
    const report = await collectUsage(deps.owner, deps.db, deps.clock, deps.counters)
    await sendUsage(managementUrl, internalTokens[0] as string, report, signal)
    deps.log.info({ tenants: report.tenants.length }, 'usage reported to management')
  }, { concurrency: 1, maxAttempts: 5, timeoutMs: 600_000 })
}
