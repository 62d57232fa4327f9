import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Ctx } from '../context.ts'
import { ApiError, decodeCursor, page, pageOf, pageQuery, type Transaction } from '@monozu/kernel'
import { deviceOf } from '../device-auth.ts'
import { COMMAND_STATES, commandSchema, toCommand, type Command } from '../model.ts'
import type { DeviceEvents } from '../events.ts'
import type { DeviceSockets } from './socket.ts'
import { acknowledge, cancelCommand, createCommand, nextCommand, recordResult } from './service.ts'

const uuid = { type: 'string', format: 'uuid' } as const
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: uuid } } as const
export const PAYLOAD_LIMIT = 64 * 1024

export function registerCommandRoutes (app: FastifyInstance, ctx: Ctx, deps: {
  sockets: DeviceSockets
  events: DeviceEvents
  publish: (tenantId: string, commands: Command[]) => Promise<void>
  devicePreHandler: (request: FastifyRequest) => Promise<void>
}): void {
  const { sockets, events, publish } = deps
  // A device call's transaction: its contact, then the command change, both published as domain events in it.
  const deviceCall = <R extends { changed: Command[] }>(tenantId: string, deviceId: string, work: (trx: Transaction) => Promise<R>) =>
    ctx.db.withTenant(tenantId, async trx => {
      await events.touch(trx, [deviceId])
      const result = await work(trx)
      await events.commands(trx, result.changed)
      return result
    })
  const tenantOf = (request: FastifyRequest) => request.auth!.tenant!.id

  app.post('/api/v1/commands', {
    config: { permission: 'devices.write' },
    schema: {
      summary: 'Queue a command for a device',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['deviceId', 'type'],
        properties: {
          deviceId: uuid,
          type: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,63}$' },
          payload: { type: 'object' },
          ttlSeconds: { type: 'integer', minimum: 1, maximum: 604800 },
          timeoutSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
          idempotencyKey: { type: 'string', minLength: 1, maxLength: 200 }
        }
      },
      response: { 202: commandSchema }
    },
    preValidation: async request => {
      const payload = (request.body as { payload?: unknown } | undefined)?.payload
      if (payload !== undefined && Buffer.byteLength(JSON.stringify(payload)) > PAYLOAD_LIMIT) {
        throw new ApiError('payload_too_large', `payload is larger than ${PAYLOAD_LIMIT} bytes`)
      }
    }
  }, async (request, reply) => {
    const tenantId = tenantOf(request)
    const body = request.body as Parameters<typeof createCommand>[3]
    const { command, created } = await request.withTenant(trx => createCommand(trx, ctx.clock, tenantId, body, request.auth!.userId ?? null))
    if (created) {
      await publish(tenantId, [command])
      await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.command.create', target: command.id, details: { deviceId: command.deviceId, type: command.type }, requestId: request.id })
      sockets.poke(command.deviceId)
    }
    return reply.code(202).send(command)
  })

  app.get('/api/v1/commands', {
    config: { permission: 'devices.read' },
    schema: {
      summary: 'Commands, newest first',
      querystring: { ...pageQuery, properties: { ...pageQuery.properties, deviceId: uuid, state: { enum: COMMAND_STATES } } },
      response: { 200: pageOf(commandSchema) }
    }
  }, async request => {
    const q = request.query as { limit: number, cursor?: string, deviceId?: string, state?: string }
    const after = decodeCursor(q.cursor, { at: 'date', id: 'uuid' })
    const rows = await request.withTenant(trx => {
      const query = trx('device_commands').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1)
      if (q.deviceId) query.where({ device_id: q.deviceId })
      if (q.state) query.where({ state: q.state })
      if (after) query.where(w => w.where('created_at', '<', after.at).orWhere(x => x.where('created_at', '=', after.at).andWhere('id', '<', after.id)))
      return query
    })
    return page(rows.map(toCommand), q.limit, c => ({ at: c.createdAt, id: c.id }))
  })

  app.get('/api/v1/commands/:id', {
    config: { permission: 'devices.read' },
    schema: { summary: 'One command', params: idParams, response: { 200: commandSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const row = await request.withTenant(trx => trx('device_commands').where({ id }).first())
    if (!row) throw new ApiError('not_found', 'No such command')
    return toCommand(row)
  })

  app.post('/api/v1/commands/:id/cancel', {
    config: { permission: 'devices.write' },
    schema: { summary: 'Cancel a queued or sent command', params: idParams, response: { 200: commandSchema } }
  }, async request => {
    const tenantId = tenantOf(request)
    const { id } = request.params as { id: string }
    const { before, command } = await request.withTenant(async trx => {
      const before = await trx('device_commands').where({ id }).forUpdate().first('state')
      const command = await cancelCommand(trx, ctx.clock, id)
      if (before?.state !== 'cancelled') await events.commands(trx, [command])
      return { before, command }
    })
    if (before?.state !== 'cancelled') {
      await publish(tenantId, [command])
      await ctx.audit.record({ tenantId, actor: request.auth!.userId ?? 'unknown', action: 'devices.command.cancel', target: id, requestId: request.id })
      sockets.poke(command.deviceId)
    }
    return command
  })

  // Appliance side (X-Device-Key).
  app.get('/api/v1/devices/self/commands', {
    config: { public: true },
    preHandler: deps.devicePreHandler,
    schema: { summary: 'The device\'s next command (device key)', response: { 200: { type: 'object', properties: { items: { type: 'array', items: commandSchema } } } } }
  }, async request => {
    const { tenantId, deviceId } = deviceOf(request)
    const { command, changed } = await deviceCall(tenantId, deviceId, trx => nextCommand(trx, ctx.clock, deviceId))
    await publish(tenantId, changed)
    return { items: command ? [command] : [] }
  })

  app.post('/api/v1/commands/:id/ack', {
    config: { public: true },
    preHandler: deps.devicePreHandler,
    schema: {
      summary: 'The device acknowledges a command or reports it running (device key)',
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { state: { enum: ['acked', 'running'] } } },
      response: { 200: commandSchema }
    }
  }, async request => {
    const { tenantId, deviceId } = deviceOf(request)
    const { id } = request.params as { id: string }
    const state = (request.body as { state?: 'acked' | 'running' } | null)?.state ?? 'acked'
    const { command, changed } = await deviceCall(tenantId, deviceId, trx => acknowledge(trx, ctx.clock, deviceId, id, state))
    await publish(tenantId, changed)
    return command
  })

  app.post('/api/v1/commands/:id/result', {
    config: { public: true },
    preHandler: deps.devicePreHandler,
    bodyLimit: 1024 * 1024,
    schema: {
      summary: 'The device reports a command\'s result (device key); output is capped at 64 KiB',
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['exitCode'],
        properties: { exitCode: { type: 'integer', minimum: -2147483648, maximum: 2147483647 }, output: { type: 'string' }, durationMs: { type: 'integer', minimum: 0, maximum: 2147483647 } }
      },
      response: { 200: commandSchema }
    }
  }, async request => {
    const { tenantId, deviceId } = deviceOf(request)
    const { id } = request.params as { id: string }
    const body = request.body as { exitCode: number, output?: string, durationMs?: number }
    const { command, changed } = await deviceCall(tenantId, deviceId, trx => recordResult(trx, ctx.clock, deviceId, id, body))
    await publish(tenantId, changed)
    sockets.poke(deviceId)
    return command
  })
}
