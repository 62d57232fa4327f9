import type { PluginContext, Transaction } from '@monozu/kernel'
import { ciPublisher, type CiPublisher } from './cis/events.ts'

/**
 * Live changes on the `cmdb` channel. Events are small (ids and what changed): clients re-read
 * what they show. Bulk work (import, bulk edit, a discovery batch) sends one `cis.changed`
 * instead of one event per CI. A failed publish never fails the change that caused it.
 */
export interface Live {
  /** `cmdb.ci_changed` domain events (durable, for other plugins); the change contexts carry it. */
  readonly ciChanged: CiPublisher
  publish (tenantId: string, event: string, data: Record<string, unknown>): void
  /** Publishes once `trx` commits (a consumer's transaction we do not end ourselves); never if it rolls back. */
  afterCommit (trx: Transaction, tenantId: string, event: string, data: Record<string, unknown>): void
}

export function live (ctx: PluginContext): Live {
  const publish = (tenantId: string, event: string, data: Record<string, unknown>) => {
    ctx.channels.publish(tenantId, 'cmdb', event, data).catch(err => ctx.log.warn({ err, event }, 'cmdb: live event not published'))
  }
  return {
    publish,
    ciChanged: ciPublisher(ctx),
    afterCommit (trx, tenantId, event, data) {
      trx.executionPromise.then(() => publish(tenantId, event, data), () => {})
    }
  }
}

/** At most this many ids travel in a bulk event; `count` says how many changed. */
export const idsOf = (ids: string[]) => ids.slice(0, 100)
