import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'eventemitter3'

/** One event for one tenant on one channel, as every instance and socket sees it. */
export interface BusMessage {
  tenantId: string
  channel: string
  event: string
  data: unknown
  id: string
  ts: string
  /** Set: only this user's sockets receive it (per-user channels such as `notifications`). */
  userId?: string
}

/** Narrows a message to one user of the tenant. */
export interface Audience { userId?: string }

export interface Bus {
  publish (tenantId: string, channel: string, event: string, data: unknown, audience?: Audience): Promise<BusMessage>
  /** Every message published on any instance, this one included. */
  subscribe (handler: (message: BusMessage) => void): () => void
  close (): Promise<void>
}

export function message (tenantId: string, channel: string, event: string, data: unknown, audience?: Audience): BusMessage {
  const m: BusMessage = { tenantId, channel, event, data, id: randomUUID(), ts: new Date().toISOString() }
  if (audience?.userId !== undefined) m.userId = audience.userId
  return m
}

/** The single-process bus: enough for one instance (the embedded default). */
export function createMemoryBus (): Bus {
  const emitter = new EventEmitter()
  return {
    async publish (tenantId, channel, event, data, audience) {
      const m = message(tenantId, channel, event, data, audience)
      emitter.emit('message', m)
      return m
    },
    subscribe (handler) {
      emitter.on('message', handler)
      return () => { emitter.off('message', handler) }
    },
    async close () { emitter.removeAllListeners() }
  }
}
