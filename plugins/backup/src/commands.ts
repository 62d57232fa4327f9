import type { FastifyInstance } from 'fastify'
import { ApiError, pageOf, type DomainEvent } from '@monozu/kernel'
import { BackupError, type Ctx } from './context.ts'
import type { Devices } from './devices.ts'
import { actorOf, iso, tenantOf, uuidParam } from './http.ts'
import { loadJob } from './jobs.ts'

/** The command types appliances understand; payload: { jobId (the appliance's job key), commandId }. */
export const COMMANDS = { run: 'backup.run', restoreTest: 'backup.restore_test' } as const

const commandSchema = {
  type: 'object',
  properties: {
    commandId: { type: 'string' }, jobId: { type: 'string' }, deviceId: { type: 'string' }, type: { type: 'string' }, state: { type: 'string' },
    exitCode: { type: ['integer', 'null'] }, requestedBy: { type: ['string', 'null'] }, createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
    created: { type: 'boolean' }
  }
} as const

const commandOut = (r: Record<string, any>) => ({
  commandId: r.command_id, jobId: r.job_id, deviceId: r.device_id, type: r.type, state: r.state, exitCode: r.exit_code ?? null,
  requestedBy: r.requested_by, createdAt: iso(r.created_at), finishedAt: iso(r.finished_at)
})

export function commandRoutes (ctx: Ctx, app: FastifyInstance, devices: Devices): void {
  for (const [path, type] of [['run', COMMANDS.run], ['restore-test', COMMANDS.restoreTest]] as const) {
    app.post(`/api/v1/backup/jobs/:id/${path}`, {
      config: { permission: 'backup.write' },
      schema: {
        description: `Sends "${type}" to the job's appliance through the devices service. The run it starts arrives as backup events carrying the command id; the command's end (devices.command_finished) is recorded on the job. Send Idempotency-Key to make a retry safe.`,
        params: uuidParam,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 202: commandSchema }
      }
    }, async (request, reply) => {
      const { id } = request.params as { id: string }
      const key = (request.headers as Record<string, string | undefined>)['idempotency-key']
      const tenantId = tenantOf(request)
      const now = ctx.clock.now()
      const out = await request.withTenant(async trx => {
        const job = await loadJob(trx, id)
        if (!job.enabled) throw new BackupError('backup_job_disabled', `The job is disabled: ${job.disabled_reason ?? ''}`.trim())
        if (!job.device_id) throw new BackupError('backup_no_device', 'The job has no device')
        let sent
        try {
          sent = await devices.service.sendCommand(trx, {
            deviceId: job.device_id,
            type,
            payload: { jobId: job.external_id ?? job.id, backupJobId: job.id },
            timeoutSeconds: type === COMMANDS.run ? 6 * 3600 : 3600,
            ...(key ? { idempotencyKey: `backup:${id}:${path}:${key}` } : {})
          })
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') throw new BackupError('backup_no_device', 'The job\'s device no longer exists')
          throw err
        }
        if (sent.created) {
          await trx('backup_commands').insert({ tenant_id: tenantId, command_id: sent.id, job_id: id, device_id: job.device_id, type, state: sent.state, requested_by: actorOf(request), created_at: now })
        }
        const row = await trx('backup_commands').where({ command_id: sent.id }).first()
        return { ...commandOut(row ?? { command_id: sent.id, job_id: id, device_id: job.device_id, type, state: sent.state, created_at: now }), created: sent.created, name: job.name as string }
      })
      const { name, ...body } = out
      await ctx.audit.record({ tenantId, actor: actorOf(request), action: `backup.${path === 'run' ? 'run_requested' : 'restore_test_requested'}`, target: id, details: { name, commandId: body.commandId } })
      return reply.code(202).send(body)
    })
  }

  app.get('/api/v1/backup/jobs/:id/commands', {
    config: { permission: 'backup.read' },
    schema: { description: 'The latest 50 commands sent for the job, newest first.', params: uuidParam, response: { 200: pageOf(commandSchema) } }
  }, async request => {
    const { id } = request.params as { id: string }
    const rows = await request.withTenant(async trx => {
      await loadJob(trx, id)
      return trx('backup_commands').where({ job_id: id }).orderBy('created_at', 'desc').limit(50).select('*')
    })
    return { items: rows.map(commandOut), nextCursor: null }
  })

  ctx.events.handle<{ commandId: string, deviceId: string, type: string, state: string, exitCode?: number | null, finishedAt: string }>('onCommandFinished', async (event, trx) => {
    const p = event.payload
    if (p.type !== COMMANDS.run && p.type !== COMMANDS.restoreTest) return
    await trx('backup_commands').where({ command_id: p.commandId })
      .update({ state: p.state, exit_code: p.exitCode ?? null, finished_at: new Date(p.finishedAt) })
  })
}

export type CommandFinished = DomainEvent<{ commandId: string }>
