// Import-free: the UI module imports these types and constants too (package.json "./model").

export const STATUSES = ['protected', 'untested', 'at_risk', 'unprotected'] as const
export type ProtectionStatus = typeof STATUSES[number]
export const RUN_STATES = ['started', 'succeeded', 'warning', 'failed'] as const
export type RunState = typeof RUN_STATES[number]
export type RunType = 'backup' | 'restore_test'

/** Why a job or device has its status. */
export type StatusReason =
  | 'ok' | 'disabled' | 'never_succeeded' | 'rpo_breached' | 'last_run_failed'
  | 'restore_test_failed' | 'no_restore_test' | 'no_job' | 'all_jobs_disabled'

/** Worse is larger: a device shows its worst enabled job. */
export const SEVERITY: Record<ProtectionStatus, number> = { protected: 0, untested: 1, at_risk: 2, unprotected: 3 }

export interface JobFacts {
  enabled: boolean
  rpoMinutes: number
  restoreTestDays: number
  lastRunState: string | null
  lastSuccessAt: Date | null
  lastRestoreTestAt: Date | null
  lastRestoreTestOk: boolean | null
}

export interface Evaluation {
  status: ProtectionStatus
  reason: StatusReason
  /** When time alone changes the answer (the dead-man switch looks again then); null: only a new event can. */
  dueAt: Date | null
}

const DAY = 86_400_000

/**
 * A job's protection at `now`. A disabled job is unprotected for that reason, never at risk:
 * nobody expects it to run, so it neither fails nor breaches its RPO.
 */
export function evaluate (job: JobFacts, now: Date): Evaluation {
  if (!job.enabled) return { status: 'unprotected', reason: 'disabled', dueAt: null }
  if (!job.lastSuccessAt) return { status: 'unprotected', reason: 'never_succeeded', dueAt: null }
  const rpoEnd = new Date(job.lastSuccessAt.getTime() + job.rpoMinutes * 60_000)
  if (now >= rpoEnd) return { status: 'at_risk', reason: 'rpo_breached', dueAt: null }
  if (job.lastRunState === 'failed') return { status: 'at_risk', reason: 'last_run_failed', dueAt: rpoEnd }
  if (job.lastRestoreTestOk === false) return { status: 'at_risk', reason: 'restore_test_failed', dueAt: rpoEnd }
  const testEnd = job.lastRestoreTestAt ? new Date(job.lastRestoreTestAt.getTime() + job.restoreTestDays * DAY) : null
  if (!testEnd || now >= testEnd) return { status: 'untested', reason: 'no_restore_test', dueAt: rpoEnd }
  return { status: 'protected', reason: 'ok', dueAt: testEnd < rpoEnd ? testEnd : rpoEnd }
}

export interface DeviceJob { enabled: boolean, status: ProtectionStatus, reason: StatusReason, lastSuccessAt: Date | null }

/** A device's protection: its worst enabled job; with no enabled job it is unprotected. */
export function rollUp (jobs: DeviceJob[]) {
  const enabled = jobs.filter(j => j.enabled)
  const count = (s: ProtectionStatus) => enabled.filter(j => j.status === s).length
  let worst: DeviceJob | undefined
  for (const j of enabled) if (!worst || SEVERITY[j.status] > SEVERITY[worst.status]) worst = j
  let oldest: Date | null = null
  for (const j of enabled) {
    if (j.lastSuccessAt && (!oldest || j.lastSuccessAt < oldest)) oldest = j.lastSuccessAt
  }
  return {
    status: worst ? worst.status : 'unprotected' as ProtectionStatus,
    reason: worst ? worst.reason : (jobs.length === 0 ? 'no_job' : 'all_jobs_disabled') as StatusReason,
    jobs: jobs.length,
    jobsDisabled: jobs.length - enabled.length,
    jobsAtRisk: count('at_risk'),
    jobsUnprotected: count('unprotected'),
    jobsUntested: count('untested'),
    lastSuccessAt: oldest
  }
}

export interface UsageSample { day: string, usedBytes: number }

export interface Forecast {
  /** Bytes per day by least squares over the window (negative: shrinking). */
  slopeBytesPerDay: number | null
  /** Days from the last sample until used reaches capacity at that trend; null when not growing or unknown. */
  daysUntilFull: number | null
  /** The day it fills (YYYY-MM-DD), from the last sample's day. */
  fullOn: string | null
  samples: number
}

/**
 * Linear trend (ordinary least squares, x in days) of the samples within `windowDays` before the
 * last one. Needs two samples on different days.
 */
export function forecast (samples: UsageSample[], capacityBytes: number | null, windowDays: number): Forecast {
  const sorted = [...samples].sort((a, b) => a.day.localeCompare(b.day))
  const last = sorted.at(-1)
  if (!last) return { slopeBytesPerDay: null, daysUntilFull: null, fullOn: null, samples: 0 }
  const lastMs = Date.parse(`${last.day}T00:00:00Z`)
  const points = sorted
    .map(s => ({ x: (Date.parse(`${s.day}T00:00:00Z`) - lastMs) / DAY, y: s.usedBytes }))
    .filter(p => p.x > -windowDays)
  const n = points.length
  if (n < 2) return { slopeBytesPerDay: null, daysUntilFull: null, fullOn: null, samples: n }
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  let sxx = 0
  let sxy = 0
  for (const p of points) { sxx += (p.x - mx) ** 2; sxy += (p.x - mx) * (p.y - my) }
  if (sxx === 0) return { slopeBytesPerDay: null, daysUntilFull: null, fullOn: null, samples: n }
  const slope = sxy / sxx
  if (capacityBytes == null || slope <= 0) return { slopeBytesPerDay: slope, daysUntilFull: null, fullOn: null, samples: n }
  // From the fitted line's value today, not the last raw sample, so one noisy day does not jump it.
  const fittedNow = my + slope * (0 - mx)
  const days = Math.max(0, (capacityBytes - fittedNow) / slope)
  const fullOn = new Date(lastMs + Math.ceil(days) * DAY).toISOString().slice(0, 10)
  return { slopeBytesPerDay: slope, daysUntilFull: days, fullOn, samples: n }
}

/** Whether a repository needs attention: above the percent, or full within the warning days. */
export function repositoryWarning (usedBytes: number | null, capacityBytes: number | null, f: Forecast, warnDays: number, warnPercent: number): string | null {
  if (usedBytes != null && capacityBytes) {
    if (usedBytes >= capacityBytes) return 'full'
    if (usedBytes * 100 >= capacityBytes * warnPercent) return 'above_threshold'
  }
  if (f.daysUntilFull != null && f.daysUntilFull <= warnDays) return 'fills_soon'
  return null
}
