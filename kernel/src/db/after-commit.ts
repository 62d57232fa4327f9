import type { Transaction } from './database.ts'

/** The outermost transaction of `trx` (a savepoint commits for real only with it). */
export function outermost (trx: Transaction): Transaction & { executionPromise?: Promise<unknown> } {
  let t = trx as Transaction & { parentTransaction?: Transaction }
  while (t.parentTransaction) t = t.parentTransaction as typeof t
  return t
}

/**
 * Runs `fn` once the transaction `trx` belongs to has committed, and never if it rolls back:
 * for work outside its row-level security (a job enqueue, a live publish) that must not announce
 * rows nobody will see. `fn` handles its own errors.
 */
export function afterCommit (trx: Transaction, fn: () => unknown): void {
  outermost(trx).executionPromise?.then(fn, () => {})
}
