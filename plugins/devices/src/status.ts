import { rowsOf, type Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { DEFAULT_THRESHOLDS, type Thresholds } from './model.ts'

export async function thresholds (trx: Transaction): Promise<Thresholds> {
  const row = await trx('device_settings').first('overdue_after_seconds', 'offline_after_seconds')
  return row ? { overdueAfterSeconds: row.overdue_after_seconds, offlineAfterSeconds: row.offline_after_seconds } : DEFAULT_THRESHOLDS
}

export interface Touched { id: string, status: string, revoked_at: Date | string | null }

/**
 * Records the last contact of devices (ingest batches, device API calls, the device socket).
 * Returns the touched devices with their recorded status (events.ts publishes the way back online).
 */
export async function touch (trx: Transaction, deviceIds: string[], at = new Date()): Promise<Touched[]> {
  if (deviceIds.length === 0) return []
  return trx('devices').whereIn('id', [...new Set(deviceIds)]).where(q => q.whereNull('last_seen_at').orWhere('last_seen_at', '<', at)).update({ last_seen_at: at }, ['id', 'status', 'revoked_at'])
}

// The same rule as statusOf() in model.ts, for every device of the tenant in one statement.
// `d.status = live.from_status`: a contact that recorded the device online meanwhile (events.ts)
// wins; the row is skipped instead of being set back to what this statement's snapshot saw.
const sweepSql = `
with live as (
  select id, status as from_status,
    case when revoked_at is not null then 'revoked'
         when last_seen_at is null then 'never'
         when last_seen_at >= now() - make_interval(secs => ?) then 'online'
         when last_seen_at >= now() - make_interval(secs => ?) then 'overdue'
         else 'offline' end as to_status
  from devices
), changed as (
  update devices d set status = live.to_status from live
  where d.id = live.id and d.status <> live.to_status and d.status = live.from_status
  returning d.id, d.hostname, d.last_seen_at, live.from_status, live.to_status
), logged as (
  insert into device_status_history (tenant_id, device_id, from_status, to_status, at)
  select ?::uuid, id, from_status, to_status, now() from changed
)
select id, hostname, last_seen_at, from_status, to_status, now() as at from changed order by id`

export interface StatusChange { deviceId: string, name: string, lastSeenAt: string | null, from: string, to: string, at: string }

/** Stores status changes since the last sweep, with history; returns them for publishing. */
export async function sweepStatuses (trx: Transaction, tenantId: string): Promise<StatusChange[]> {
  const t = await thresholds(trx)
  const rows = rowsOf<{ id: string, hostname: string, last_seen_at: Date | string | null, from_status: string, to_status: string, at: Date | string }>(await trx.raw(sweepSql, [t.overdueAfterSeconds, t.offlineAfterSeconds, tenantId]))
  return rows.map(r => ({ deviceId: r.id, name: r.hostname, lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at).toISOString(), from: r.from_status, to: r.to_status, at: new Date(r.at).toISOString() }))
}

export async function publishStatusChanges (ctx: Ctx, tenantId: string, changes: StatusChange[]): Promise<void> {
  for (const change of changes) await ctx.channels.publish(tenantId, 'devices', 'device.status', change)
}
