import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { refreshDevices, type DeviceChange } from './device-status.ts'
import { afterCommit, LIVE_IDS } from './live.ts'
import { evaluate, type ProtectionStatus, type StatusReason } from './model.ts'

export interface JobRow {
  id: string
  device_id: string | null
  name: string
  enabled: boolean
  rpo_minutes: number
  restore_test_days: number
  status: ProtectionStatus
  reason: StatusReason
  last_run_state: string | null
  last_success_at: Date | string | null
  last_restore_test_at: Date | string | null
  last_restore_test_ok: boolean | null
}

export interface Transition {
  jobId: string
  deviceId: string | null
  jobName: string
  status: ProtectionStatus
  previous: ProtectionStatus | null
  reason: StatusReason
  /** Internal: the reason before (not published). */
  previousReason?: StatusReason | null
  lastSuccessAt: string | null
  at: string
}

const date = (v: Date | string | null): Date | null => v == null ? null : v instanceof Date ? v : new Date(v)
const iso = (v: Date | string | null): string | null => date(v)?.toISOString() ?? null
const JOB_COLUMNS = ['id', 'device_id', 'name', 'enabled', 'rpo_minutes', 'restore_test_days', 'status', 'reason', 'last_run_state', 'last_success_at', 'last_restore_test_at', 'last_restore_test_ok']

/** Which domain event (if any) a status change is: transitions only, never a repeat of the same status. */
function eventFor (t: Transition): 'backup.at_risk' | 'backup.unprotected' | 'backup.recovered' | null {
  // Disabling a job that had never succeeded keeps "unprotected" but is news: someone switched it off.
  if (t.status === t.previous) return t.reason === 'disabled' && t.previousReason !== 'disabled' ? 'backup.unprotected' : null
  if (t.status === 'at_risk') return 'backup.at_risk'
  if (t.status === 'unprotected') return t.previous === null && t.reason === 'never_succeeded' ? null : 'backup.unprotected'
  if (t.previous === 'at_risk' || t.previous === 'unprotected') return 'backup.recovered'
  return null
}

/**
 * Re-evaluates jobs at `now`, stores the changed status columns in one statement, publishes one
 * event per transition (publishMany per type), tells people, and rolls the devices up.
 * `created` marks jobs just inserted (their "previous" is null).
 */
export async function refreshJobs (ctx: Ctx, trx: Transaction, tenantId: string, jobIds: string[], now: Date, opts: { created?: Set<string> } = {}): Promise<Transition[]> {
  if (jobIds.length === 0) return []
  const rows: JobRow[] = []
  // Locked in id order (waiting for a sweep that holds one): the status read is then the committed
  // one, so the event batch and the sweep never both publish the same transition.
  const ids = [...new Set(jobIds)].sort()
  for (let i = 0; i < ids.length; i += 5000) {
    rows.push(...await trx('backup_jobs').whereIn('id', ids.slice(i, i + 5000)).orderBy('id').forUpdate().select(JOB_COLUMNS))
  }
  return applyEvaluations(ctx, trx, tenantId, rows, now, opts)
}

/**
 * `changedOnly`: roll up only the devices of jobs whose status or reason changed (the sweep: time alone moved
 * nothing else a device shows, such as its last success), instead of every device of `rows`.
 */
export async function applyEvaluations (ctx: Ctx, trx: Transaction, tenantId: string, rows: JobRow[], now: Date, opts: { created?: Set<string>, changedOnly?: boolean } = {}): Promise<Transition[]> {
  const updates: Array<[string, string, string, string | null, boolean]> = []
  const transitions: Transition[] = []
  const moved = new Set<string | null>() // devices with a job whose status or reason changed
  for (const row of rows) {
    const e = evaluate({
      enabled: row.enabled,
      rpoMinutes: row.rpo_minutes,
      restoreTestDays: row.restore_test_days,
      lastRunState: row.last_run_state,
      lastSuccessAt: date(row.last_success_at),
      lastRestoreTestAt: date(row.last_restore_test_at),
      lastRestoreTestOk: row.last_restore_test_ok
    }, now)
    if (e.status !== row.status || e.reason !== row.reason) moved.add(row.device_id)
    const previous = opts.created?.has(row.id) ? null : row.status
    const changed = e.status !== previous
    updates.push([row.id, e.status, e.reason, e.dueAt?.toISOString() ?? null, changed])
    if (changed || (e.reason === 'disabled' && row.reason !== 'disabled')) {
      transitions.push({ jobId: row.id, deviceId: row.device_id, jobName: row.name, status: e.status, previous, previousReason: previous === null ? null : row.reason, reason: e.reason, lastSuccessAt: iso(row.last_success_at), at: now.toISOString() })
    }
    row.status = e.status
    row.reason = e.reason
  }
  for (let i = 0; i < updates.length; i += 1000) {
    const chunk = updates.slice(i, i + 1000)
    const values = chunk.map(() => '(?::uuid, ?, ?, ?::timestamptz, ?::boolean)').join(', ')
    await trx.raw(`update backup_jobs as j set status = v.status, reason = v.reason, status_due_at = v.due,
      status_changed_at = case when v.changed then ?::timestamptz else j.status_changed_at end
      from (values ${values}) as v(id, status, reason, due, changed) where j.id = v.id`,
    [now.toISOString(), ...chunk.flat()])
  }
  await publishTransitions(ctx, trx, tenantId, transitions)
  const devices = [...new Set(opts.changedOnly ? moved : rows.map(r => r.device_id))].filter((d): d is string => d != null)
  const deviceChanges = await refreshDevices(ctx, trx, tenantId, devices, now)
  liveProtection(ctx, trx, tenantId, transitions, deviceChanges)
  return transitions
}

/** Tells open overviews and job pages on channel `backup` which jobs and devices changed status. */
export function liveProtection (ctx: Ctx, trx: Transaction, tenantId: string, jobs: Transition[], devices: DeviceChange[]): void {
  if (jobs.length === 0 && devices.length === 0) return
  afterCommit(ctx, trx, tenantId, 'protection.changed', {
    jobs: jobs.slice(0, LIVE_IDS).map(t => ({ jobId: t.jobId, deviceId: t.deviceId, status: t.status, previous: t.previous, reason: t.reason })),
    devices: devices.slice(0, LIVE_IDS).map(d => ({ deviceId: d.deviceId, status: d.status, previous: d.previous, reason: d.reason })),
    jobCount: jobs.length,
    deviceCount: devices.length,
    at: jobs[0]?.at ?? devices[0]!.at
  })
}

async function publishTransitions (ctx: Ctx, trx: Transaction, tenantId: string, transitions: Transition[]): Promise<void> {
  const byType = new Map<string, Transition[]>()
  for (const t of transitions) {
    const type = eventFor(t)
    if (!type) continue
    const list = byType.get(type) ?? []
    list.push(t)
    byType.set(type, list)
  }
  for (const [type, list] of byType) {
    await ctx.events.publishMany(trx, type, list.map(({ previousReason: _, ...payload }) => ({ payload, subject: payload.jobId })))
  }
  await notifyTransitions(ctx, trx, tenantId, [...byType.entries()].flatMap(([type, list]) => list.map(t => ({ type, t }))))
}

const REASON_TEXT: Record<string, { en: string, pl: string }> = {
  rpo_breached: { en: 'no successful backup within its RPO', pl: 'brak udanej kopii w czasie RPO' },
  last_run_failed: { en: 'its last run failed', pl: 'ostatnie uruchomienie nie powiodło się' },
  restore_test_failed: { en: 'its last restore test failed', pl: 'ostatni test odtwarzania nie powiódł się' },
  disabled: { en: 'it was disabled', pl: 'zostało wyłączone' },
  never_succeeded: { en: 'it has never succeeded', pl: 'nigdy się nie powiodło' },
  no_restore_test: { en: 'it is protected (no recent restore test)', pl: 'chroni dane (brak niedawnego testu odtwarzania)' },
  ok: { en: 'it is protected', pl: 'chroni dane' }
}

async function notifyTransitions (ctx: Ctx, trx: Transaction, tenantId: string, items: Array<{ type: string, t: Transition }>): Promise<void> {
  if (items.length === 0) return
  const to = { permissions: ['backup.write'] }
  if (items.length > ctx.config.notifyBurst) {
    const bad = items.filter(i => i.type !== 'backup.recovered').length
    await ctx.notify({
      tenantId,
      type: 'backup.at_risk',
      to,
      severity: bad > 0 ? 'warning' : 'info',
      title: { en: `${bad} backup jobs need attention, ${items.length - bad} recovered`, pl: `Zadania kopii wymagające uwagi: ${bad}, przywrócone: ${items.length - bad}` },
      body: { en: 'Open the protection overview for the list.', pl: 'Lista jest w przeglądzie ochrony.' },
      link: '/backup'
    }, trx)
    return
  }
  for (const { type, t } of items) {
    const why = REASON_TEXT[t.reason] ?? { en: t.reason, pl: t.reason }
    const recovered = type === 'backup.recovered'
    await ctx.notify({
      tenantId,
      type: recovered ? 'backup.recovered' : 'backup.at_risk',
      to,
      severity: recovered ? 'info' : 'warning',
      title: recovered
        ? { en: `Backup "${t.jobName}" is protected again`, pl: `Kopia „${t.jobName}” znów chroni dane` }
        : t.status === 'at_risk'
          ? { en: `Backup "${t.jobName}" is at risk`, pl: `Kopia „${t.jobName}” jest zagrożona` }
          : { en: `Backup "${t.jobName}" is unprotected`, pl: `Kopia „${t.jobName}” nie chroni danych` },
      body: { en: `The job changed because ${why.en}.`, pl: `Stan zadania zmienił się: ${why.pl}.` },
      link: `/backup/jobs/${t.jobId}`
    }, trx)
  }
}
