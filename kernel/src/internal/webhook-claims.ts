import { setTimeout as sleep } from 'node:timers/promises'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'

// A copy arriving while the first is processed waits this long for its outcome before asking
// the sender to retry (senders time out after 15 s or more).
const WAIT_MS = 10_000
// A claim still open after this belongs to an instance that died mid-delivery; a retry takes it over.
const STALE_MS = 5 * 60_000

const isUniqueViolation = (err: unknown) => ['23505', '2627', '2601'].includes(String((err as { code?: string, number?: number }).code ?? (err as { number?: number }).number))

/**
 * Exactly-once processing of signed webhook deliveries by their `webhook-id`, across instances:
 * the id is claimed by inserting it (the primary key decides between parallel copies) before
 * any work, completed after, and released when the work fails so the sender's retry runs again.
 */
export function createWebhookClaims (owner: Knex) {
  const table = () => owner('webhook_deliveries')

  async function insert (id: string): Promise<boolean> {
    try {
      await table().insert({ id, received_at: new Date() })
      return true
    } catch (err) {
      if (isUniqueViolation(err)) return false
      throw err
    }
  }

  return {
    /** 'claimed': this request processes the delivery; 'done': an earlier copy already did. */
    async claim (id: string): Promise<'claimed' | 'done'> {
      const deadline = Date.now() + WAIT_MS
      for (;;) {
        if (await insert(id)) return 'claimed'
        const row = await table().where({ id }).first()
        if (!row) continue // released by a failed copy a moment ago: try to claim it ourselves
        if (row.completed_at) return 'done'
        if (Date.now() - new Date(row.received_at).getTime() > STALE_MS) {
          await table().where({ id }).whereNull('completed_at').where('received_at', '<', new Date(Date.now() - STALE_MS)).del()
          continue
        }
        if (Date.now() > deadline) throw new ApiError('conflict', 'This delivery is still being processed; retry it later', { headers: { 'retry-after': '10' } })
        await sleep(50)
      }
    },
    async complete (id: string): Promise<void> {
      await table().where({ id }).update({ completed_at: new Date() })
    },
    async release (id: string): Promise<void> {
      await table().where({ id }).whereNull('completed_at').del()
    }
  }
}
