import type { FastifyInstance } from 'fastify'
import type { Ctx } from '../context.ts'
import type { WebSocket } from 'ws'
import type {} from '@fastify/websocket'

import type { DeviceIdentity } from '../keys.ts'
import type { Command } from '../model.ts'
import { touch } from '../status.ts'
import { acknowledge, nextCommand, recordResult } from './service.ts'

interface Connection { identity: DeviceIdentity, socket: WebSocket, lastSent: string | null, busy: Promise<void> }

const POLL_MS = 2000
// An open socket is contact: recorded every 30 s (thresholds are at least 60 s).
const TOUCH_MS = 30_000
const MAX_MESSAGE = 128 * 1024

/**
 * Device sockets of this instance. A command queued here is pushed at once; one queued on another
 * instance is found by the 2 s check, one query per tenant for its connected devices.
 */
export function createDeviceSockets (ctx: Ctx, publish: (tenantId: string, commands: Command[]) => Promise<void>) {
  const connections = new Map<string, Connection>()
  let timer: NodeJS.Timeout | undefined
  const touched = new Map<string, number>()

  const send = (c: Connection, message: object) => { if (c.socket.readyState === 1) c.socket.send(JSON.stringify(message)) }

  /** Hands the device its next command if there is one it has not been sent on this socket. */
  function deliver (c: Connection): Promise<void> {
    c.busy = c.busy.then(async () => {
      const { command, changed } = await ctx.db.withTenant(c.identity.tenantId, trx => nextCommand(trx, c.identity.deviceId))
      await publish(c.identity.tenantId, changed)
      if (command && command.id !== c.lastSent) {
        c.lastSent = command.id
        send(c, { type: 'command', command })
      }
    }).catch(err => ctx.log.error({ err, deviceId: c.identity.deviceId }, 'could not deliver a command over the device socket'))
    return c.busy
  }

  async function check (): Promise<void> {
    const byTenant = new Map<string, Connection[]>()
    for (const c of connections.values()) byTenant.set(c.identity.tenantId, [...(byTenant.get(c.identity.tenantId) ?? []), c])
    for (const [tenantId, list] of byTenant) {
      try {
        const due: string[] = await ctx.db.withTenant(tenantId, async trx => {
          const ids = list.map(c => c.identity.deviceId)
          if (Date.now() - (touched.get(tenantId) ?? 0) >= TOUCH_MS) {
            await touch(trx, ids)
            touched.set(tenantId, Date.now())
          }
          const rows = await trx('device_commands').whereIn('device_id', ids).whereIn('state', ['queued', 'sent', 'acked', 'running']).distinct('device_id')
          return rows.map((r: { device_id: string }) => r.device_id)
        })
        for (const id of due) { const c = connections.get(id); if (c) void deliver(c) }
      } catch (err) { ctx.log.error({ err, tenantId }, 'device socket check failed') }
    }
  }

  async function onMessage (c: Connection, raw: Buffer): Promise<void> {
    let message: { type?: unknown, id?: unknown, state?: unknown, exitCode?: unknown, output?: unknown, durationMs?: unknown }
    try { message = JSON.parse(raw.toString('utf8')) } catch { return send(c, { type: 'error', code: 'invalid_json', detail: 'messages are JSON objects' }) }
    const id = typeof message.id === 'string' && /^[0-9a-f-]{36}$/i.test(message.id) ? message.id : null
    if (!id) return send(c, { type: 'error', code: 'validation_failed', detail: 'id must be a command id' })
    try {
      const { tenantId, deviceId } = c.identity
      let result
      if (message.type === 'ack') {
        const state = message.state === undefined ? 'acked' : message.state
        if (state !== 'acked' && state !== 'running') return send(c, { type: 'error', code: 'validation_failed', detail: 'state must be acked or running' })
        result = await ctx.db.withTenant(tenantId, async trx => { await touch(trx, [deviceId]); return acknowledge(trx, deviceId, id, state) })
      } else if (message.type === 'result') {
        const { exitCode, output, durationMs } = message
        if (!Number.isInteger(exitCode) || (output !== undefined && typeof output !== 'string') || (durationMs !== undefined && (!Number.isInteger(durationMs) || (durationMs as number) < 0))) {
          return send(c, { type: 'error', code: 'validation_failed', detail: 'a result needs an integer exitCode, an optional string output and an optional non-negative integer durationMs' })
        }
        result = await ctx.db.withTenant(tenantId, async trx => { await touch(trx, [deviceId]); return recordResult(trx, deviceId, id, { exitCode: exitCode as number, ...(output !== undefined ? { output: output as string } : {}), ...(durationMs !== undefined ? { durationMs: durationMs as number } : {}) }) })
      } else {
        return send(c, { type: 'error', code: 'validation_failed', detail: 'type must be ack or result' })
      }
      await publish(tenantId, result.changed)
      send(c, { type: 'updated', command: result.command })
      // Not awaited: this runs inside c.busy, and deliver() queues behind it.
      if (message.type === 'result') void deliver(c)
    } catch (err) {
      const e = err as { code?: string, message: string }
      send(c, { type: 'error', code: e.code ?? 'internal_error', detail: e.code ? e.message : 'the message could not be processed' })
      if (!e.code) ctx.log.error({ err }, 'device socket message failed')
    }
  }

  return {
    register (app: FastifyInstance, preHandler: (request: import('fastify').FastifyRequest) => Promise<void>): void {
      app.get('/api/ws/device', {
        websocket: true,
        config: { public: true },
        preValidation: preHandler,
        schema: { tags: ['devices'], summary: 'Device socket: commands pushed to the appliance (WebSocket; X-Device-Key header)' }
      }, (socket, request) => {
        const identity = request.device as DeviceIdentity
        // One socket per device: a reconnect replaces the old one.
        connections.get(identity.deviceId)?.socket.close(4000, 'replaced by a newer connection')
        const c: Connection = { identity, socket, lastSent: null, busy: Promise.resolve() }
        connections.set(identity.deviceId, c)
        socket.on('message', (raw: Buffer) => {
          if (raw.length > MAX_MESSAGE) return send(c, { type: 'error', code: 'payload_too_large', detail: `messages are at most ${MAX_MESSAGE} bytes` })
          c.busy = c.busy.then(() => onMessage(c, raw))
        })
        socket.on('close', () => { if (connections.get(identity.deviceId) === c) connections.delete(identity.deviceId) })
        void ctx.db.withTenant(identity.tenantId, trx => touch(trx, [identity.deviceId])).then(() => deliver(c), err => ctx.log.error({ err }, 'device socket start failed'))
      })
      timer = setInterval(() => { void check() }, POLL_MS)
      timer.unref()
    },
    /** A command for this device was queued or finished here: push the next one now. */
    poke (deviceId: string): void {
      const c = connections.get(deviceId)
      if (c) void deliver(c)
    },
    /** Closes a revoked device's socket. */
    disconnect (deviceId: string): void { connections.get(deviceId)?.socket.close(4001, 'device key revoked') },
    stop (): void {
      clearInterval(timer)
      for (const c of connections.values()) c.socket.close(1001, 'server shutting down')
      connections.clear()
    }
  }
}

export type DeviceSockets = ReturnType<typeof createDeviceSockets>
