import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { rollUp, type ProtectionStatus, type StatusReason } from './model.ts'

/** The payload of `backup.device_protection_changed` (plugin.json). */
export interface DeviceChange {
  deviceId: string
  name: string
  status: ProtectionStatus
  previous: ProtectionStatus
  reason: StatusReason
  previousReason: StatusReason
  jobs: { total: number, disabled: number, atRisk: number, unprotected: number, untested: number }
  lastSuccessAt: string | null
  at: string
}

const date = (v: Date | string | null): Date | null => v == null ? null : v instanceof Date ? v : new Date(v)

/** Makes sure backup knows the devices (name from devices' event, else a placeholder until named). */
export async function ensureDevices (trx: Transaction, tenantId: string, devices: Array<{ id: string, name?: string | null }>, now: Date): Promise<void> {
  if (devices.length === 0) return
  const rows = devices.map(d => {
    const name = d.name ?? `device ${d.id.slice(0, 8)}`
    return { tenant_id: tenantId, device_id: d.id, name, name_key: name.toLowerCase(), status: 'unprotected', reason: 'no_job', status_changed_at: now }
  })
  for (let i = 0; i < rows.length; i += 1000) {
    await trx('backup_devices').insert(rows.slice(i, i + 1000)).onConflict(['tenant_id', 'device_id']).ignore()
  }
}

/**
 * Rolls each device's jobs up into its stored status (what the overview lists) and publishes
 * `backup.device_protection_changed` for each device whose status changed: once per change, never
 * when a run leaves it as it was. A device backup has just met is not a change.
 */
export async function refreshDevices (ctx: Ctx, trx: Transaction, tenantId: string, deviceIds: string[], now: Date): Promise<DeviceChange[]> {
  if (deviceIds.length === 0) return []
  await ensureDevices(trx, tenantId, deviceIds.map(id => ({ id })), now)
  const sorted = [...new Set(deviceIds)].sort()
  const changes: DeviceChange[] = []
  for (let i = 0; i < sorted.length; i += 1000) {
    const ids = sorted.slice(i, i + 1000)
    // Lock the devices first, always in id order: an event batch and a sweep rolling up the same
    // device take turns, and the second reads the first's committed jobs and status, so on
    // PostgreSQL a change is published once, not by both.
    const before: Array<{ device_id: string, name: string, status: ProtectionStatus, reason: StatusReason }> =
      await trx('backup_devices').whereIn('device_id', ids).orderBy('device_id').forUpdate().select('device_id', 'name', 'status', 'reason')
    const was = new Map(before.map(d => [d.device_id, d]))
    const jobs: Array<{ device_id: string, enabled: boolean, status: ProtectionStatus, reason: StatusReason, last_success_at: Date | string | null }> =
      await trx('backup_jobs').whereIn('device_id', ids).select('device_id', 'enabled', 'status', 'reason', 'last_success_at')
    const byDevice = new Map<string, typeof jobs>(ids.map(id => [id, []]))
    for (const j of jobs) byDevice.get(j.device_id)?.push(j)
    const values: Array<string | number | null> = []
    for (const [id, list] of byDevice) {
      const r = rollUp(list.map(j => ({ enabled: j.enabled, status: j.status, reason: j.reason, lastSuccessAt: date(j.last_success_at) })))
      values.push(id, r.status, r.reason, r.jobs, r.jobsDisabled, r.jobsAtRisk, r.jobsUnprotected, r.jobsUntested, r.lastSuccessAt?.toISOString() ?? null)
      const old = was.get(id)
      if (old && old.status !== r.status) {
        changes.push({
          deviceId: id, name: old.name, status: r.status, previous: old.status, reason: r.reason, previousReason: old.reason,
          jobs: { total: r.jobs, disabled: r.jobsDisabled, atRisk: r.jobsAtRisk, unprotected: r.jobsUnprotected, untested: r.jobsUntested },
          lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null, at: now.toISOString()
        })
      }
    }
    const tuples = ids.map(() => '(?::uuid, ?, ?, ?::int, ?::int, ?::int, ?::int, ?::int, ?::timestamptz)').join(', ')
    await trx.raw(`update backup_devices as d set status = v.status, reason = v.reason, jobs = v.jobs, jobs_disabled = v.dis,
      jobs_at_risk = v.risk, jobs_unprotected = v.unp, jobs_untested = v.unt, last_success_at = v.ls,
      status_changed_at = case when d.status <> v.status then ?::timestamptz else d.status_changed_at end
      from (values ${tuples}) as v(id, status, reason, jobs, dis, risk, unp, unt, ls) where d.device_id = v.id`,
    [now.toISOString(), ...values])
  }
  if (changes.length > 0) {
    await ctx.events.publishMany(trx, 'backup.device_protection_changed', changes.map(payload => ({ payload, subject: payload.deviceId })))
  }
  return changes
}
