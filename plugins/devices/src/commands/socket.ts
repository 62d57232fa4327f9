import type { FastifyInstance } from 'fastify'
import type { Ctx } from '../context.ts'
import type { WebSocket } from 'ws'
import type {} from '@fastify/websocket'

import { ApiError } from '@monozu/kernel'
import { keyStates, type DeviceIdentity, type KeyState } from '../keys.ts'
import type { Command } from '../model.ts'
import type { DeviceEvents } from '../events.ts'
import { errorFrame, parseFrame, type DeviceFrame } from './frames.ts'
import { acknowledge, nextCommand, recordResult } from './service.ts'

interface Connection {
  identity: DeviceIdentity
  socket: WebSocket
  /** The upgrade request's id: error frames quote it and the log lines carry it. */
  requestId: string
  lastSent: string | null
  busy: Promise<void>
  /** Cancels the timer that closes the socket when its rotated-out key's overlap ends. */
  expiry: (() => void) | undefined
}

const POLL_MS = 2000
// An open socket is contact: recorded every 30 s (thresholds are at least 60 s).
const TOUCH_MS = 30_000
const MAX_MESSAGE = 128 * 1024
/** Close code when the key the socket was opened with stops being valid (revoked or rotated out). */
export const CLOSE_KEY = 4001

/**
 * Device sockets of this instance. A command queued here is pushed at once; one queued on another
 * instance is found by the 2 s check, which also re-checks the sockets' keys, so a revocation made
 * on another instance closes them too (one transaction per tenant with connected devices).
 */
export function createDeviceSockets (ctx: Ctx, events: DeviceEvents, publish: (tenantId: string, commands: Command[]) => Promise<void>) {
  const connections = new Map<string, Connection>()
  let stopChecks: (() => void) | undefined
  const touched = new Map<string, number>()

  const send = (c: Connection, message: object) => { if (c.socket.readyState === 1) c.socket.send(JSON.stringify(message)) }

  /** Hands the device its next command if there is one it has not been sent on this socket. */
  function deliver (c: Connection): Promise<void> {
    c.busy = c.busy.then(async () => {
      const { command, changed } = await ctx.db.withTenant(c.identity.tenantId, async trx => {
        const next = await nextCommand(trx, ctx.clock, c.identity.deviceId)
        await events.commands(trx, next.changed)
        return next
      })
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
        const { due, keys } = await ctx.db.withTenant(tenantId, async trx => {
          const ids = list.map(c => c.identity.deviceId)
          if (ctx.clock.nowMs() - (touched.get(tenantId) ?? 0) >= TOUCH_MS) {
            await events.touch(trx, ids)
            touched.set(tenantId, ctx.clock.nowMs())
          }
          const rows = await trx('device_commands').whereIn('device_id', ids).whereIn('state', ['queued', 'sent', 'acked', 'running']).distinct('device_id')
          return { due: rows.map((r: { device_id: string }) => r.device_id), keys: await keyStates(trx, list.map(c => c.identity.keyPrefix)) }
        })
        for (const c of list) if (connections.get(c.identity.deviceId) === c) enforceKey(c, keys.get(c.identity.keyPrefix))
        await Promise.all(due.flatMap(id => { const c = connections.get(id); return c ? [deliver(c)] : [] }))
      } catch (err) { ctx.log.error({ err, tenantId }, 'device socket check failed') }
    }
  }

  /** Sends the error frame for a refused or failed frame; the cause stays in the server log. */
  function fail (c: Connection, err: unknown, id?: string): void {
    const log = { deviceId: c.identity.deviceId, tenantId: c.identity.tenantId, reqId: c.requestId }
    if (err instanceof ApiError) ctx.log.info({ ...log, code: err.code, detail: err.message }, 'device socket frame refused')
    else ctx.log.error({ ...log, err }, 'device socket message failed')
    send(c, errorFrame(err, c.requestId, id))
  }

  async function onMessage (c: Connection, raw: Buffer): Promise<void> {
    let frame: DeviceFrame | undefined
    try {
      frame = parseFrame(raw)
      const f = frame
      const { tenantId, deviceId } = c.identity
      const result = await ctx.db.withTenant(tenantId, async trx => {
        await events.touch(trx, [deviceId])
        const done = f.type === 'ack' ? await acknowledge(trx, ctx.clock, deviceId, f.id, f.state) : await recordResult(trx, ctx.clock, deviceId, f.id, f)
        await events.commands(trx, done.changed)
        return done
      })
      await publish(tenantId, result.changed)
      send(c, { type: 'updated', command: result.command })
      // Not awaited: this runs inside c.busy, and deliver() queues behind it.
      if (f.type === 'result') void deliver(c)
    } catch (err) {
      fail(c, err, frame?.id)
    }
  }

  /**
   * Closes the socket once its key is no longer valid: at once when revoked (here or on another
   * instance), at the end of the rotation overlap when rotated out. An overlap end never moves
   * later (keys.rotate), so a timer set for it stays right. The timer runs on the kernel clock.
   */
  function enforceKey (c: Connection, key: KeyState | undefined): void {
    if (!key || key.revoked) return c.socket.close(CLOSE_KEY, 'device key revoked')
    if (key.validUntil === null || c.expiry) return
    const wait = key.validUntil - ctx.clock.nowMs()
    if (wait <= 0) return c.socket.close(CLOSE_KEY, 'device key rotated out')
    c.expiry = ctx.clock.after(wait, () => c.socket.close(CLOSE_KEY, 'device key rotated out'))
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
        const c: Connection = { identity, socket, requestId: request.id, lastSent: null, busy: Promise.resolve(), expiry: undefined }
        connections.set(identity.deviceId, c)
        socket.on('message', (raw: Buffer) => {
          if (raw.length > MAX_MESSAGE) return fail(c, new ApiError('payload_too_large', `A frame is at most ${MAX_MESSAGE} bytes`))
          c.busy = c.busy.then(() => onMessage(c, raw))
        })
        socket.on('close', () => {
          c.expiry?.()
          if (connections.get(identity.deviceId) === c) connections.delete(identity.deviceId)
        })
        // The key may have been rotated out or revoked since it was cached: checked here, then every POLL_MS.
        // Keys first: the check should see the key as it was when the socket opened, not after the contact's writes.
        // Frames wait for it (c.busy), so the first answer a device gets comes after its key was checked.
        const opened = ctx.db.withTenant(identity.tenantId, async trx => { const keys = await keyStates(trx, [identity.keyPrefix]); await events.touch(trx, [identity.deviceId]); return keys })
          .then(keys => { enforceKey(c, keys.get(identity.keyPrefix)) }, err => ctx.log.error({ err }, 'device socket start failed'))
        c.busy = opened
        void opened.then(() => deliver(c))
      })
      stopChecks = ctx.clock.every(POLL_MS, check)
    },
    /** A command for this device was queued or finished here: push the next one now. */
    poke (deviceId: string): void {
      const c = connections.get(deviceId)
      if (c) void deliver(c)
    },
    /** Closes the socket of a device whose keys were revoked here (other instances notice within POLL_MS). */
    disconnect (deviceId: string): void { connections.get(deviceId)?.socket.close(CLOSE_KEY, 'device key revoked') },
    stop (): void {
      stopChecks?.()
      for (const c of connections.values()) { c.expiry?.(); c.socket.close(1001, 'server shutting down') }
      connections.clear()
    }
  }
}

export type DeviceSockets = ReturnType<typeof createDeviceSockets>
