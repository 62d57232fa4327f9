import type { ProtectionStatus } from '@monozu/plugin-backup/model'

export type { ProtectionStatus }

export interface DeviceProtection {
  deviceId: string, name: string, status: ProtectionStatus, reason: string, jobs: number, jobsDisabled: number,
  jobsAtRisk: number, jobsUnprotected: number, jobsUntested: number, lastSuccessAt: string | null, statusChangedAt: string
}

export interface Job {
  id: string, deviceId: string | null, deviceName: string | null, externalId: string | null, name: string, source: string
  schedule: string | null, rpoMinutes: number, retentionDays: number | null, restoreTestDays: number, repositoryId: string | null
  enabled: boolean, disabledReason: string | null, ciId: string | null, ciName?: string | null, status: ProtectionStatus, reason: string
  statusChangedAt: string, lastRunAt: string | null, lastRunState: string | null, lastSuccessAt: string | null
  lastRestoreTestAt: string | null, lastRestoreTestOk: boolean | null
}

export interface Run {
  id: string, runId: string, type: string, state: string, startedAt: string | null, endedAt: string | null, durationMs: number | null
  bytes: number | null, files: number | null, repository: string | null, snapshotId: string | null, error: string | null
  verifiedFiles: number | null, checksum: string | null, commandId: string | null, sortAt: string
}

export interface Repository {
  id: string, name: string, capacityBytes: number | null, usedBytes: number | null, usageAt: string | null, warnDays: number, warnPercent: number
  warning: string | null
  forecast: { slopeBytesPerDay: number | null, daysUntilFull: number | null, fullOn: string | null, samples: number, windowDays: number }
  usage?: Array<{ day: string, usedBytes: number, capacityBytes: number | null }>
}
