import { randomUUID } from 'node:crypto'
import type { IngestedEvent, Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { checkRepositories, recordUsage, repositoryByName } from './repositories.ts'
import type { Devices } from './devices.ts'
import { afterCommit, LIVE_IDS } from './live.ts'
import { refreshJobs } from './status.ts'

export interface BackupEvent {
  jobId: string
  jobName?: string
  runId: string
  type?: 'backup' | 'restore_test'
  state: 'started' | 'succeeded' | 'warning' | 'failed'
  startedAt?: string
  endedAt?: string
  bytes?: number
  files?: number
  repository?: string
  repositoryUsedBytes?: number
  repositoryCapacityBytes?: number
  snapshotId?: string
  error?: string
  commandId?: string
  restoreTest?: { verifiedFiles?: number, checksum: 'ok' | 'mismatch' | 'error', durationMs?: number }
}

interface JobState {
  id: string
  deviceId: string
  name: string
  repositoryId: string | null
  lastRunAt: Date | null
  lastRunState: string | null
  lastSuccessAt: Date | null
  lastRestoreTestAt: Date | null
  lastRestoreTestOk: boolean | null
  dirty: boolean
}

const FINAL = new Set(['succeeded', 'warning', 'failed'])
const asDate = (v: unknown): Date | null => v == null ? null : new Date(v as string)

/**
 * The `backup_event` consumer. A run is keyed by (job, the appliance's run id): repeats merge into
 * one row, and a final state never goes back to `started` when the `started` event arrives late.
 */
export function consumeBackupEvents (ctx: Ctx, devices: Devices): void {
  ctx.ingest.consume('backup_event', async (events, trx) => {
    if (events.length === 0) return
    await handleBatch(ctx, devices, trx, events[0]!.tenantId, events)
  }, { batchSize: 500 })
}

export async function handleBatch (ctx: Ctx, devices: Devices, trx: Transaction, tenantId: string, events: IngestedEvent[]): Promise<void> {
  const now = ctx.clock.now()
  const jobs = new Map<string, JobState>() // `${deviceId}/${externalId}`
  const created = new Set<string>()
  const repoCache = new Map<string, string>()
  const touchedRepos = new Set<string>()
  const failed: Array<{ job: JobState, runId: string, type: string, error: string | null, endedAt: string | null }> = []

  await devices.ensure(trx, tenantId, [...new Set(events.map(e => e.deviceId))], now)

  for (const e of events) {
    const data = e.data as unknown as BackupEvent
    const type = data.type ?? 'backup'
    const repositoryId = data.repository ? await repositoryByName(trx, tenantId, data.repository, now, repoCache) : null
    const job = await jobFor(ctx, trx, tenantId, e.deviceId, data, repositoryId, now, jobs, created)
    if (repositoryId && data.repositoryUsedBytes != null) {
      await recordUsage(trx, tenantId, repositoryId, asDate(data.endedAt) ?? new Date(e.ts), data.repositoryUsedBytes, data.repositoryCapacityBytes ?? null)
      touchedRepos.add(repositoryId)
    }

    const existing = await trx('backup_runs').where({ job_id: job.id, run_id: data.runId }).first()
    // A final state wins over `started`, whatever order they arrive in; a repeat changes nothing.
    const state = existing && FINAL.has(existing.state) && !FINAL.has(data.state) ? existing.state : data.state
    const startedAt = asDate(existing?.started_at) ?? asDate(data.startedAt) ?? (data.state === 'started' ? new Date(e.ts) : null)
    const endedAt = FINAL.has(state) ? (asDate(data.endedAt) ?? asDate(existing?.ended_at) ?? (FINAL.has(data.state) ? new Date(e.ts) : null)) : null
    const row = {
      state,
      started_at: startedAt,
      ended_at: endedAt,
      sort_at: startedAt ?? endedAt ?? new Date(e.ts),
      bytes: data.bytes ?? existing?.bytes ?? null,
      files: data.files ?? existing?.files ?? null,
      repository: data.repository ?? existing?.repository ?? null,
      snapshot_id: data.snapshotId ?? existing?.snapshot_id ?? null,
      error: data.error ?? existing?.error ?? null,
      verified_files: data.restoreTest?.verifiedFiles ?? existing?.verified_files ?? null,
      checksum: data.restoreTest?.checksum ?? existing?.checksum ?? null,
      duration_ms: data.restoreTest?.durationMs ?? existing?.duration_ms ?? (startedAt && endedAt ? endedAt.getTime() - startedAt.getTime() : null),
      command_id: data.commandId ?? existing?.command_id ?? null,
      updated_at: now
    }
    if (existing) {
      await trx('backup_runs').where({ id: existing.id }).update(row)
    } else {
      await trx('backup_runs').insert({ tenant_id: tenantId, id: randomUUID(), job_id: job.id, run_id: data.runId, type, created_at: now, ...row })
    }
    if (state === 'failed' && existing?.state !== 'failed') {
      failed.push({ job, runId: data.runId, type, error: row.error, endedAt: endedAt?.toISOString() ?? null })
    }
    if (!FINAL.has(state) || !endedAt) continue

    // The job's facts follow the newest finished run, whichever order runs arrive in.
    const ok = state === 'succeeded' || state === 'warning'
    if (type === 'backup') {
      if (!job.lastRunAt || endedAt >= job.lastRunAt) { job.lastRunAt = endedAt; job.lastRunState = state; job.dirty = true }
      if (ok && (!job.lastSuccessAt || endedAt > job.lastSuccessAt)) { job.lastSuccessAt = endedAt; job.dirty = true }
    } else if (!job.lastRestoreTestAt || endedAt >= job.lastRestoreTestAt) {
      job.lastRestoreTestAt = endedAt
      job.lastRestoreTestOk = ok && (row.checksum ?? 'ok') === 'ok'
      job.dirty = true
    }
  }

  for (const job of jobs.values()) {
    if (!job.dirty) continue
    await trx('backup_jobs').where({ id: job.id }).update({
      last_run_at: job.lastRunAt,
      last_run_state: job.lastRunState,
      last_success_at: job.lastSuccessAt,
      last_restore_test_at: job.lastRestoreTestAt,
      last_restore_test_ok: job.lastRestoreTestOk,
      updated_at: now
    })
  }
  if (failed.length > 0) {
    await ctx.events.publishMany(trx, 'backup.run_failed', failed.map(f => ({
      subject: f.job.id,
      payload: { jobId: f.job.id, deviceId: f.job.deviceId, jobName: f.job.name, runId: f.runId, type: f.type, error: f.error, endedAt: f.endedAt }
    })))
    await notifyFailed(ctx, trx, tenantId, failed)
  }
  await refreshJobs(ctx, trx, tenantId, [...jobs.values()].map(j => j.id), now, { created })
  await checkRepositories(ctx, trx, tenantId, [...touchedRepos])
  const jobIds = [...jobs.values()].map(j => j.id)
  afterCommit(ctx, trx, tenantId, 'runs.changed', { jobIds: jobIds.slice(0, LIVE_IDS), jobCount: jobIds.length, events: events.length, failed: failed.length })
  ctx.log.debug({ tenantId, events: events.length, jobs: jobs.size, failed: failed.length }, 'backup events consumed')
}

async function jobFor (ctx: Ctx, trx: Transaction, tenantId: string, deviceId: string, data: BackupEvent, repositoryId: string | null, now: Date, jobs: Map<string, JobState>, created: Set<string>): Promise<JobState> {
  const key = `${deviceId}/${data.jobId}`
  const known = jobs.get(key)
  if (known) return known
  let row = await trx('backup_jobs').where({ device_id: deviceId, external_id: data.jobId }).first()
  if (!row) {
    const name = data.jobName ?? data.jobId
    row = {
      tenant_id: tenantId,
      id: randomUUID(),
      device_id: deviceId,
      external_id: data.jobId,
      name,
      name_key: name.toLowerCase(),
      source: 'event',
      rpo_minutes: ctx.config.defaultRpoMinutes,
      restore_test_days: ctx.config.restoreTestDays,
      repository_id: repositoryId,
      enabled: true,
      status: 'unprotected',
      reason: 'never_succeeded',
      status_changed_at: now,
      created_at: now,
      updated_at: now
    }
    await trx('backup_jobs').insert(row)
    created.add(row.id)
  } else if (!row.repository_id && repositoryId) {
    await trx('backup_jobs').where({ id: row.id }).update({ repository_id: repositoryId })
  }
  const job: JobState = {
    id: row.id,
    deviceId,
    name: row.name,
    repositoryId: row.repository_id ?? repositoryId,
    lastRunAt: asDate(row.last_run_at),
    lastRunState: row.last_run_state ?? null,
    lastSuccessAt: asDate(row.last_success_at),
    lastRestoreTestAt: asDate(row.last_restore_test_at),
    lastRestoreTestOk: row.last_restore_test_ok ?? null,
    dirty: false
  }
  jobs.set(key, job)
  return job
}

async function notifyFailed (ctx: Ctx, trx: Transaction, tenantId: string, failed: Array<{ job: JobState, type: string }>): Promise<void> {
  const to = { permissions: ['backup.write'] }
  if (failed.length > ctx.config.notifyBurst) {
    await ctx.notify({ tenantId, type: 'backup.run_failed', to, severity: 'warning', link: '/backup',
      title: { en: `${failed.length} backup runs failed`, pl: `Nieudane kopie zapasowe: ${failed.length}` },
      body: { en: 'Open the protection overview for the jobs.', pl: 'Zadania są w przeglądzie ochrony.' } }, trx)
    return
  }
  for (const f of failed) {
    const test = f.type === 'restore_test'
    await ctx.notify({ tenantId, type: 'backup.run_failed', to, severity: 'warning', link: `/backup/jobs/${f.job.id}`,
      title: test
        ? { en: `Restore test of "${f.job.name}" failed`, pl: `Test odtwarzania „${f.job.name}” nie powiódł się` }
        : { en: `Backup "${f.job.name}" failed`, pl: `Kopia „${f.job.name}” nie powiodła się` },
      body: { en: 'See the run on the job page.', pl: 'Szczegóły są na stronie zadania.' } }, trx)
  }
}
