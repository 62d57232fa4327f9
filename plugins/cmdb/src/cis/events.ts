import type { PluginContext, Transaction } from '@monozu/kernel'

/** plugin.json `events.publishes`: one event per CI created, updated or deleted; subject = the CI id. */
export const CI_CHANGED = 'cmdb.ci_changed'

export interface CiChangedPayload {
  ciId: string
  change: 'created' | 'updated' | 'deleted'
  /** created: the fields set; updated: the fields whose values changed (`locked` for lock changes); deleted: none. */
  changedFields: string[]
  /** The CI's type key (server, application...). */
  class?: string
  name: string
}

/**
 * Publishes `cmdb.ci_changed` inside the transaction of the change (the store calls it next to
 * the change log), so a rolled-back change publishes nothing.
 */
export type CiPublisher = (trx: Transaction, changes: CiChangedPayload[]) => Promise<void>

// One statement per batch (a discovery batch or an import changes hundreds of CIs at once).
const CHUNK = 1000

export function ciPublisher (ctx: PluginContext): CiPublisher {
  return async (trx, changes) => {
    for (let i = 0; i < changes.length; i += CHUNK) {
      await ctx.events.publishMany(trx, CI_CHANGED, changes.slice(i, i + CHUNK).map(payload => ({ payload, subject: payload.ciId })))
    }
  }
}
