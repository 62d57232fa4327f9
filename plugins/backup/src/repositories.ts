import { randomUUID } from 'node:crypto'
import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { forecast, repositoryWarning, type Forecast } from './model.ts'

export interface RepositoryRow {
  id: string
  name: string
  capacity_bytes: string | number | null
  used_bytes: string | number | null
  usage_at: Date | string | null
  warn_days: number
  warn_percent: number
  warning: boolean
  warning_reason: string | null
  created_at: Date | string
  updated_at: Date | string
}

const num = (v: string | number | null): number | null => v == null ? null : Number(v)

/** The repository named `name`, created on first sight (an appliance names repositories in its events). */
export async function repositoryByName (trx: Transaction, tenantId: string, name: string, now: Date, cache?: Map<string, string>): Promise<string> {
  const key = name.toLowerCase()
  const cached = cache?.get(key)
  if (cached) return cached
  const found = await trx('backup_repositories').where({ name_key: key }).first('id')
  let id: string = found?.id
  if (!id) {
    id = randomUUID()
    const inserted = await trx('backup_repositories').insert({ tenant_id: tenantId, id, name, name_key: key, created_at: now, updated_at: now })
      .onConflict(['tenant_id', 'name_key']).ignore().returning('id')
    if (inserted.length === 0) id = (await trx('backup_repositories').where({ name_key: key }).first('id')).id
  }
  cache?.set(key, id)
  return id
}

/** Stores a usage sample (the day's last wins) and the repository's current figures. */
export async function recordUsage (trx: Transaction, tenantId: string, repositoryId: string, at: Date, usedBytes: number, capacityBytes: number | null): Promise<void> {
  const day = at.toISOString().slice(0, 10)
  await trx('backup_repository_usage')
    .insert({ tenant_id: tenantId, repository_id: repositoryId, day, used_bytes: usedBytes, capacity_bytes: capacityBytes })
    .onConflict(['tenant_id', 'repository_id', 'day']).merge(['used_bytes', 'capacity_bytes'])
  await trx('backup_repositories').where({ id: repositoryId })
    .andWhere(q => q.whereNull('usage_at').orWhere('usage_at', '<=', at))
    .update({ used_bytes: usedBytes, usage_at: at, updated_at: at, ...(capacityBytes != null ? { capacity_bytes: capacityBytes } : {}) })
}

export async function usageSeries (trx: Transaction, repositoryId: string, sinceDay?: string) {
  const rows: Array<{ day: string | Date, used_bytes: string | number, capacity_bytes: string | number | null }> = await trx('backup_repository_usage')
    .where({ repository_id: repositoryId })
    .modify(q => { if (sinceDay) q.where('day', '>=', sinceDay) })
    .orderBy('day').select('day', 'used_bytes', 'capacity_bytes')
  return rows.map(r => ({ day: typeof r.day === 'string' ? r.day.slice(0, 10) : dayOf(r.day), usedBytes: Number(r.used_bytes), capacityBytes: num(r.capacity_bytes) }))
}

// node-postgres turns a DATE into a local-midnight Date: read its local calendar day.
function dayOf (d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The repository as the API shows it, with its forecast. */
export async function describeRepository (ctx: Ctx, trx: Transaction, row: RepositoryRow, opts: { series?: boolean } = {}) {
  const since = new Date(ctx.clock.nowMs() - 366 * 86_400_000).toISOString().slice(0, 10)
  const series = await usageSeries(trx, row.id, opts.series ? since : new Date(ctx.clock.nowMs() - (ctx.config.forecastDays + 1) * 86_400_000).toISOString().slice(0, 10))
  const f: Forecast = forecast(series, num(row.capacity_bytes), ctx.config.forecastDays)
  return {
    id: row.id,
    name: row.name,
    capacityBytes: num(row.capacity_bytes),
    usedBytes: num(row.used_bytes),
    usageAt: row.usage_at ? new Date(row.usage_at).toISOString() : null,
    warnDays: row.warn_days,
    warnPercent: row.warn_percent,
    warning: row.warning_reason,
    forecast: { ...f, windowDays: ctx.config.forecastDays },
    ...(opts.series ? { usage: series } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString()
  }
}

/**
 * Re-checks repositories' warning state; on a transition into a warning people are told once.
 */
export async function checkRepositories (ctx: Ctx, trx: Transaction, tenantId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  const rows: RepositoryRow[] = await trx('backup_repositories').whereIn('id', ids).select('*')
  for (const row of rows) {
    const d = await describeRepository(ctx, trx, row)
    const reason = repositoryWarning(d.usedBytes, d.capacityBytes, d.forecast, row.warn_days, row.warn_percent)
    if (reason === row.warning_reason) continue
    await trx('backup_repositories').where({ id: row.id }).update({ warning: reason != null, warning_reason: reason })
    if (reason && !row.warning_reason) {
      const days = d.forecast.daysUntilFull == null ? null : Math.floor(d.forecast.daysUntilFull)
      await ctx.notify({
        tenantId,
        type: 'backup.repository_full',
        to: { permissions: ['backup.write'] },
        severity: reason === 'full' ? 'critical' : 'warning',
        title: { en: `Backup repository "${row.name}" is filling up`, pl: `Repozytorium „${row.name}” się zapełnia` },
        body: days != null
          ? { en: `At the current trend it is full in about ${days} days.`, pl: `Przy obecnym trendzie zapełni się za około ${days} dni.` }
          : { en: 'It is above its warning threshold.', pl: 'Przekroczyło próg ostrzeżenia.' },
        link: `/backup/repositories/${row.id}`
      }, trx)
    }
  }
}
