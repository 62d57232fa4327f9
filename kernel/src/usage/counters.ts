import type { Transaction } from '../db/database.ts'

/**
 * A plugin's per-tenant usage figure, e.g. devices: `count` runs inside the tenant's
 * transaction (row-level security on), so it sees only that tenant's rows.
 */
export type UsageCount = (trx: Transaction) => Promise<number>

/** `ctx.usage` (kernel API 1.5): what a plugin adds to the hourly usage report. */
export interface PluginUsage {
  /**
   * Registers a counter under `name` (`^[a-z][a-z0-9_.-]{0,63}$`, unique across plugins; call it
   * in `start`). The report sends `counts[name]` per tenant to management.
   */
  register (name: string, count: UsageCount): void
}

export interface UsageCounters {
  forPlugin (pluginId: string): PluginUsage
  /** Every registered counter, in registration order. */
  all (): Array<{ name: string, plugin: string, count: UsageCount }>
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/

/** The kernel keeps the counters; the usage report (internal/usage.ts) calls them per tenant. */
export function createUsageCounters (): UsageCounters {
  const counters = new Map<string, { name: string, plugin: string, count: UsageCount }>()
  return {
    forPlugin: plugin => ({
      register (name, count) {
        if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`ctx.usage.register: "${name}" is not a counter name (${NAME.source})`)
        if (typeof count !== 'function') throw new TypeError('ctx.usage.register: count must be a function (trx) => Promise<number>')
        const taken = counters.get(name)
        // Two plugins counting under one name would overwrite each other's figure silently.
        if (taken && taken.plugin !== plugin) throw new TypeError(`ctx.usage.register: "${name}" is already counted by plugin "${taken.plugin}"`)
        counters.set(name, { name, plugin, count })
      }
    }),
    all: () => [...counters.values()]
  }
}
