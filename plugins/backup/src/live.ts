import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'

/** Ids in one live message at most: the UI reloads what it shows, a burst need not list them all. */
export const LIVE_IDS = 200

/**
 * A live update on channel `backup` once the transaction commits (never when it rolls back, so a
 * socket never hears of a change the database does not hold). Delivery is best effort: the UI
 * reloads from the API, the durable record is the domain event.
 */
export function afterCommit (ctx: Ctx, trx: Transaction, tenantId: string, event: 'runs.changed' | 'protection.changed' | 'deadman.missed', data: Record<string, unknown>): void {
  // The outermost transaction: a savepoint's promise settles before anything is committed.
  let root = trx as Transaction & { parentTransaction?: Transaction }
  while (root.parentTransaction) root = root.parentTransaction as typeof root
  root.executionPromise.then(() => {
    ctx.channels.publish(tenantId, 'backup', event, data).catch(err => ctx.log.warn({ err, event }, 'backup: live event not published'))
  }, () => {})
}
