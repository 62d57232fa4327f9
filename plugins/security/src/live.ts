import type { PluginContext, Transaction } from '@monozu/kernel'

/**
 * Live changes on the `security` channel: small events (ids and what changed), clients re-read.
 * Published once the transaction commits; a failed publish never fails the change.
 */
export interface Live {
  publish (tenantId: string, event: string, data: Record<string, unknown>): void
  afterCommit (trx: Transaction, tenantId: string, event: string, data: Record<string, unknown>): void
}

export function live (ctx: PluginContext): Live {
  const publish = (tenantId: string, event: string, data: Record<string, unknown>) => {
    ctx.channels.publish(tenantId, 'security', event, data).catch(err => ctx.log.warn({ err, event }, 'security: live event not published'))
  }
  return {
    publish,
    afterCommit (trx, tenantId, event, data) { trx.executionPromise.then(() => publish(tenantId, event, data), () => {}) }
  }
}
