import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import { message, type Bus, type BusMessage } from './bus.ts'

/**
 * Redis pub/sub for several instances: every message goes through Redis, so an instance
 * receives its own messages the same way as the others'. `topic` keeps deployments (and
 * parallel test databases) sharing one Redis apart.
 */
export async function createRedisBus (url: string, topic: string, log: FastifyBaseLogger): Promise<Bus> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true }
  const pub = new Redis(url, options)
  const sub = new Redis(url, options)
  for (const [name, client] of [['publisher', pub], ['subscriber', sub]] as const) {
    client.on('error', err => log.warn({ err, client: name }, 'redis bus connection error'))
  }
  await Promise.all([pub.connect(), sub.connect()])
  await sub.subscribe(topic)
  const handlers = new Set<(m: BusMessage) => void>()
  sub.on('message', (_channel: string, raw: string) => {
    let m: BusMessage
    try { m = JSON.parse(raw) as BusMessage } catch { return log.warn('redis bus: dropped a malformed message') }
    for (const handler of handlers) handler(m)
  })
  return {
    async publish (tenantId, channel, event, data, audience) {
      const m = message(tenantId, channel, event, data, audience)
      await pub.publish(topic, JSON.stringify(m))
      return m
    },
    subscribe (handler) {
      handlers.add(handler)
      return () => { handlers.delete(handler) }
    },
    async close () {
      handlers.clear()
      await Promise.allSettled([sub.quit(), pub.quit()])
    }
  }
}
