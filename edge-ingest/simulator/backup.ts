import type { DeviceProfile } from './profile.ts'
import { seeded } from './random.ts'
import type { IngestEvent } from './sender.ts'

// Backup on a simulated appliance (the backup plugin's `backup_event`, plugins/backup/plugin.json):
// a daily "system-image" job whose last 14 days are sent once at start (run ids are stable, so a
// restart adds nothing), then one run per real hour while the simulator runs, and the commands
// "backup.run" and "backup.restore_test". Two devices of every five show the failure modes:
// index 2 stopped backing up 30 hours ago (it misses its RPO), index 3's repository fills up.

const DAY = 86_400_000
const GB = 1024 ** 3
const JOB = 'system-image'

interface Plan { repository: string, capacity: number, usedStart: number, growthPerDay: number, runBytes: number, stalled: boolean, restoreTests: boolean }

function plan (profile: DeviceProfile): Plan {
  const rand = seeded(`${profile.hardwareId}:backup`)
  const fills = profile.index % 5 === 3
  return {
    repository: fills ? `${profile.hostname}-usb` : `${profile.hostname}-nas`,
    capacity: (fills ? 2000 : 8000) * GB,
    usedStart: (fills ? 1000 : 2000 + rand() * 1000) * GB,
    growthPerDay: (fills ? 40 : 5 + rand() * 10) * GB,
    runBytes: Math.round((20 + rand() * 60) * GB),
    stalled: profile.index % 5 === 2,
    restoreTests: profile.index % 2 === 0
  }
}

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')

export class BackupAgent {
  private readonly plan: Plan
  private readonly profile: DeviceProfile
  private lastRun = 0

  constructor (profile: DeviceProfile) {
    this.profile = profile
    this.plan = plan(profile)
  }

  private used (at: number, origin: number): number {
    return Math.min(this.plan.capacity, Math.round(this.plan.usedStart + this.plan.growthPerDay * ((at - origin) / DAY)))
  }

  private run (runId: string, startMs: number, endMs: number, origin: number, nextId: () => string, extra: Record<string, unknown> = {}): IngestEvent[] {
    const base = { kind: 'backup_event', jobId: JOB, jobName: 'System image', runId, repository: this.plan.repository, ...extra }
    return [
      { ...base, id: nextId(), ts: new Date(startMs).toISOString(), state: 'started', startedAt: new Date(startMs).toISOString() },
      {
        ...base, id: nextId(), ts: new Date(endMs).toISOString(), state: 'succeeded', startedAt: new Date(startMs).toISOString(), endedAt: new Date(endMs).toISOString(),
        bytes: this.plan.runBytes, files: 40_000 + this.profile.index * 17, snapshotId: `snap-${runId}`,
        repositoryUsedBytes: this.used(endMs, origin), repositoryCapacityBytes: this.plan.capacity
      }
    ]
  }

  /** The last 14 days (the stalled device's last one 30 hours ago), once at start. */
  history (now: number, nextId: () => string): IngestEvent[] {
    const origin = now - 14 * DAY
    const events: IngestEvent[] = []
    const last = this.plan.stalled ? now - 30 * 3_600_000 : now - 3_600_000
    for (let end = last - 13 * DAY; end <= last; end += DAY) {
      events.push(...this.run(`daily-${dayKey(end)}`, end - 40 * 60_000, end, origin, nextId))
      if (this.plan.restoreTests && new Date(end).getUTCDay() === 0) {
        events.push(...this.restoreTest(`rt-${dayKey(end)}`, end + 10 * 60_000, nextId))
      }
    }
    this.lastRun = now
    return events
  }

  /** One run per real hour, except on the stalled device. */
  due (now: number, nextId: () => string): IngestEvent[] {
    if (this.plan.stalled || this.lastRun === 0 || now - this.lastRun < 3_600_000) return []
    this.lastRun = now
    return this.run(`hourly-${new Date(now).toISOString().slice(0, 13)}`, now - 5 * 60_000, now, now - 14 * DAY, nextId)
  }

  private restoreTest (runId: string, endMs: number, nextId: () => string, extra: Record<string, unknown> = {}): IngestEvent[] {
    return [{
      kind: 'backup_event', id: nextId(), ts: new Date(endMs).toISOString(), jobId: JOB, runId, type: 'restore_test', state: 'succeeded',
      startedAt: new Date(endMs - 4 * 60_000).toISOString(), endedAt: new Date(endMs).toISOString(),
      restoreTest: { verifiedFiles: 250, checksum: 'ok', durationMs: 4 * 60_000 }, ...extra
    }]
  }

  /** The events a finished backup command reports, carrying the command id. */
  afterCommand (command: { id: string, type: string, payload?: Record<string, unknown> | null }, exitCode: number, nextId: () => string): IngestEvent[] {
    if (exitCode !== 0) return []
    const now = Date.now()
    const jobId = typeof command.payload?.jobId === 'string' ? command.payload.jobId : JOB
    if (command.type === 'backup.run') return this.run(`cmd-${command.id}`, now - 2_000, now, now - 14 * DAY, nextId, { jobId, commandId: command.id })
    if (command.type === 'backup.restore_test') return this.restoreTest(`cmd-${command.id}`, now, nextId, { jobId, commandId: command.id })
    return []
  }
}

/** What the agent answers to the backup commands (commands.ts merges these into its handlers). */
export const backupHandlers = {
  'backup.run': (payload: Record<string, unknown>) => ({ exitCode: 0, output: `backup: job ${String(payload.jobId ?? JOB)} finished\n`, waitMs: 1500 }),
  'backup.restore_test': (payload: Record<string, unknown>) => ({ exitCode: 0, output: `restore test: job ${String(payload.jobId ?? JOB)}: 250 files verified, checksums ok\n`, waitMs: 1500 })
}
