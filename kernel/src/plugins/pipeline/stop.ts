import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { PluginRecord, PluginRegistry } from '../registry.ts'

/** Stage 6, stop: running plugins in reverse start (so dependency) order, each within `deadlineMs`. */
export async function stopPlugins (registry: PluginRegistry, log: FastifyBaseLogger, deadlineMs: number): Promise<void> {
  for (const record of [...registry.running()].reverse()) await stopPlugin(record, log, deadlineMs)
}

/** A plugin that fails or overruns is logged and left behind: one stuck plugin must not hold the whole shutdown. */
export async function stopPlugin (record: PluginRecord, log: FastifyBaseLogger, deadlineMs: number): Promise<void> {
  const definition = record.definition
  if (!definition?.stop) return
  const plugin = record.manifest.id
  const timer = new AbortController()
  const stopped = Promise.resolve().then(() => definition.stop?.()).then(() => 'stopped' as const, err => {
    log.error({ plugin, err }, 'plugin failed to stop')
    return 'failed' as const
  })
  const overran = sleep(deadlineMs, 'overran' as const, { signal: timer.signal }).catch(() => 'stopped' as const)
  const outcome = await Promise.race([stopped, overran])
  timer.abort()
  if (outcome === 'overran') log.error({ plugin, deadlineMs }, 'plugin did not stop within its deadline; shutdown goes on without it')
}
