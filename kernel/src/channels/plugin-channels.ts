import type { Bus, BusMessage } from '../bus/bus.ts'
import { isUuid } from '../db/database.ts'
import type { PluginManifest } from '../plugins/manifest.ts'

/** `ctx.channels`: publish on the plugin's declared channels; subscribe to its own and its dependencies'. */
export interface PluginChannels {
  /** Delivered to the tenant's sockets on `channel` (on every instance) whose users hold its permission. */
  publish (tenantId: string, channel: string, event: string, data?: unknown): Promise<void>
  subscribe (channel: string, handler: (message: BusMessage) => void): () => void
}

export function pluginChannels (manifest: PluginManifest, bus: Bus, manifestOf: (pluginId: string) => PluginManifest | undefined): PluginChannels {
  const own = new Set((manifest.channels ?? []).map(c => c.id))
  const readable = new Set([...own, ...Object.keys(manifest.dependencies ?? {}).flatMap(dep => (manifestOf(dep)?.channels ?? []).map(c => c.id))])
  return {
    async publish (tenantId, channel, event, data) {
      if (!own.has(channel)) throw new Error(`plugin "${manifest.id}" cannot publish on "${channel}": declare it in plugin.json channels`)
      if (!isUuid(tenantId)) throw new TypeError('publish needs the tenant\'s uuid: every event belongs to one tenant')
      if (typeof event !== 'string' || event.length === 0) throw new TypeError('publish needs an event name')
      await bus.publish(tenantId, channel, event, data ?? null)
    },
    subscribe (channel, handler) {
      if (!readable.has(channel)) throw new Error(`plugin "${manifest.id}" cannot subscribe to "${channel}": only its own channels and its dependencies'`)
      return bus.subscribe(m => { if (m.channel === channel) handler(m) })
    }
  }
}
