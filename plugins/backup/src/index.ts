import { definePlugin } from '@monozu/kernel'
import { commandRoutes } from './commands.ts'
import type { BackupConfig } from './context.ts'
import { devicesOf } from './devices.ts'
import { sendDigest } from './digest.ts'
import { consumeBackupEvents } from './ingest.ts'
import { jobRoutes } from './jobs.ts'
import { protectionRoutes } from './protection.ts'
import { repositoryRoutes } from './repository-routes.ts'
import { seedDemo } from './seed.ts'
import { backupService } from './service.ts'
import { ensureDevices } from './device-status.ts'
import { sweepTenant } from './sweep.ts'
import { iso } from './http.ts'

export type { BackupConfig } from './context.ts'

/**
 * Backup: jobs and runs from appliances' `backup_event`s, protection status per device and job,
 * the RPO dead-man switch, restore tests, repository forecasts and remote commands through the
 * devices service. README.md is the API reference.
 */
export default definePlugin<BackupConfig>({
  start (ctx, app) {
    const devices = devicesOf(ctx)
    consumeBackupEvents(ctx, devices)
    protectionRoutes(app)
    jobRoutes(ctx, app, devices)
    repositoryRoutes(ctx, app)
    commandRoutes(ctx, app, devices)

    ctx.jobs.define('deadman', async job => { await sweepTenant(ctx, job.tenantId!, fn => job.withTenant(fn), job.signal) }, { timeoutMs: 10 * 60_000 })
    ctx.jobs.define('digest', async job => { await job.withTenant(trx => sendDigest(ctx, job.tenantId!, trx)) })

    // Devices backup has never heard from are listed too (unprotected, no job); names follow hostnames.
    ctx.events.handle<{ deviceId: string, name: string, status: string }>('onDeviceStatus', async (event, trx) => {
      const { deviceId, name, status } = event.payload
      if (status === 'revoked') {
        await trx('backup_devices').where({ device_id: deviceId, jobs: 0 }).del()
        return
      }
      await ensureDevices(trx, event.tenantId, [{ id: deviceId, name }], ctx.clock.now())
      await trx('backup_devices').where({ device_id: deviceId }).whereNot({ name }).update({ name, name_key: name.toLowerCase() })
    })

    ctx.tenants.nameSubjects(async (trx, ids) => {
      const jobs = await trx('backup_jobs').whereIn('id', ids).select('id', 'name')
      const repos = await trx('backup_repositories').whereIn('id', ids).select('id', 'name')
      return [...jobs, ...repos]
    })

    ctx.provide(backupService, {
      async protection (trx, deviceIds) {
        if (deviceIds.length === 0) return []
        const rows = await trx('backup_devices').whereIn('device_id', deviceIds).select('device_id', 'name', 'status', 'reason', 'last_success_at')
        return rows.map((r: Record<string, any>) => ({ deviceId: r.device_id, name: r.name, status: r.status, reason: r.reason, lastSuccessAt: iso(r.last_success_at) }))
      }
    })
  },
  seedDemo
})
