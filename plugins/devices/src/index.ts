import { definePlugin } from '@monozu/kernel'
import type { DevicesConfig } from './context.ts'
import { createDeviceSockets } from './commands/socket.ts'
import { registerCommandRoutes } from './commands/routes.ts'
import { enforceDeadlines } from './commands/service.ts'
import { deviceAuth } from './device-auth.ts'
import { registerCountRoutes } from './counts.ts'
import { registerDeviceRoutes } from './devices.ts'
import { registerEnrollmentRoutes } from './enrollment.ts'
import { registerReenrollmentRoutes } from './reenrollment.ts'
import { createDeviceKeys } from './keys.ts'
import type { Command, Device } from './model.ts'
import { devicesService } from './service.ts'
import { providedService } from './provided.ts'
import { deviceResources } from './self-resources.ts'
import { publishStatusChanges, sweepStatuses } from './status.ts'
import { deviceEvents } from './events.ts'
import { notifyOffline } from './offline-notice.ts'
import { applyRetention, registerTelemetryRoutes, storeLogs, storeTelemetry } from './telemetry.ts'

export default definePlugin<DevicesConfig>({
  start (ctx, app) {
    const config = ctx.config
    const keys = createDeviceKeys(ctx, { cacheSeconds: config.keyCacheSeconds, overlapSeconds: config.keyOverlapSeconds })
    const events = deviceEvents(ctx)
    notifyOffline(ctx)
    // The hourly usage report to management counts each tenant's devices through this (kernel API 1.5).
    ctx.usage.register('devices', async trx => Number((await trx('devices').count('* as n').first())?.n ?? 0))
    const publish = async (tenantId: string, commands: Command[]) => {
      for (const command of commands) await ctx.channels.publish(tenantId, 'devices', 'command.state', { command })
    }
    const updated = (tenantId: string, device: Device) => ctx.channels.publish(tenantId, 'devices', 'device.updated', { device })
    const devicePreHandler = deviceAuth(ctx, keys)
    const sockets = createDeviceSockets(ctx, events, publish)
    // Per kernel instance (a test process may run several): closed with this plugin's context.
    app.addHook('onClose', async () => sockets.stop())

    sockets.register(app, devicePreHandler)
    const resources = deviceResources(ctx)
    resources.register(app, devicePreHandler)
    registerEnrollmentRoutes(app, ctx, { keys, enrolled: (tenantId, device) => ctx.channels.publish(tenantId, 'devices', 'device.enrolled', { device }), disconnect: id => sockets.disconnect(id) })
    registerReenrollmentRoutes(app, ctx)
    registerDeviceRoutes(app, ctx, { keys, events, devicePreHandler, updated, revoked: id => sockets.disconnect(id) })
    registerCommandRoutes(app, ctx, { sockets, events, publish, devicePreHandler })
    registerTelemetryRoutes(app)
    registerCountRoutes(app)
    // The home page's activity names devices by their hostname (device ids in devices.* entries).
    ctx.tenants.nameSubjects(async (trx, ids) => (await trx('devices').whereIn('id', ids).select('id', 'hostname') as Array<{ id: string, hostname: string }>).map(d => ({ id: d.id, name: d.hostname })))

    ctx.ingest.consume('telemetry', storeTelemetry, { batchSize: 2000 })
    ctx.ingest.consume('log', storeLogs, { batchSize: 1000 })

    ctx.jobs.define('sweep', async job => {
      const tenantId = job.tenantId as string
      // Recorded and published in one transaction: a status change or a finished command is an event exactly when it is stored.
      const { changes, commands } = await job.withTenant(async trx => {
        const changes = await sweepStatuses(trx, tenantId)
        await events.statusChanges(trx, changes)
        const commands = await enforceDeadlines(trx, ctx.clock)
        await events.commands(trx, commands)
        return { changes, commands }
      })
      await publishStatusChanges(ctx, tenantId, changes)
      await publish(tenantId, commands)
      for (const c of commands) sockets.poke(c.deviceId)
    }, { concurrency: 2, maxAttempts: 1, timeoutMs: 60_000 })

    ctx.jobs.define('retention', async job => {
      const deleted = await applyRetention(ctx, job.tenantId as string, { metrics: config.metricsRetentionDays, logs: config.logsRetentionDays, history: config.historyRetentionDays }, job.signal)
      ctx.log.info({ tenantId: job.tenantId, deleted }, 'devices retention finished')
    }, { concurrency: 1, maxAttempts: 3, timeoutMs: 3_600_000 })

    ctx.provide(devicesService, providedService(ctx, {
      base: { authenticate: key => keys.authenticate(key), touch: (trx, ids, at) => events.touch(trx, ids, at) },
      serve: (resource, handler) => resources.serve(resource, handler),
      delivered: (tenantId, command) => {
        publish(tenantId, [command]).catch(err => ctx.log.warn({ err, commandId: command.id }, 'devices: command not published live'))
        sockets.poke(command.deviceId)
      }
    }))
  }
})
