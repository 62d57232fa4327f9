import type { Transaction } from '@monozu/kernel'

export interface FeedState {
  feed: string
  status: string
  etag: string | null
  last_modified: string | null
  cursor: Record<string, unknown> | null
  last_success_at: Date | null
  last_attempt_at: Date | null
  last_error: string | null
  items: number
  last_changed: number
}

export async function readState (trx: Transaction, feed: string): Promise<FeedState | null> {
  const row = await trx('security_feed_state').first('*').where({ feed })
  if (!row) return null
  return { ...row, cursor: typeof row.cursor === 'string' ? JSON.parse(row.cursor) : row.cursor }
}

export async function writeState (trx: Transaction, feed: string, patch: Partial<Omit<FeedState, 'feed'>>): Promise<void> {
  const values: Record<string, unknown> = { ...patch }
  if ('cursor' in patch) values.cursor = patch.cursor === null ? null : JSON.stringify(patch.cursor)
  await trx('security_feed_state').insert({ feed, status: 'idle', ...values }).onConflict('feed').merge(Object.keys(values))
}
