import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'

export interface LimitRule { key: string, max: number }

const WINDOW_MS = 15 * 60 * 1000

/**
 * Counts failed sign-ins per key in the database, so every instance sees the same count.
 * Past `max` failures in the window the key is refused with 429 until the window ends.
 */
export function createLoginLimiter (owner: Knex) {
  return {
    async check (rules: LimitRule[]): Promise<void> {
      const rows: Array<{ key: string, failures: number, window_start: Date | string }> =
        await owner('login_failures').whereIn('key', rules.map(r => r.key))
      const now = Date.now()
      let wait = 0
      for (const row of rows) {
        const rule = rules.find(r => r.key === row.key) as LimitRule
        const ends = new Date(row.window_start).getTime() + WINDOW_MS
        if (ends > now && row.failures >= rule.max) wait = Math.max(wait, Math.ceil((ends - now) / 1000))
      }
      if (wait > 0) throw new ApiError('too_many_requests', `Too many failed sign-ins; try again in ${wait} s`, { headers: { 'retry-after': String(wait) } })
    },
    async fail (rules: LimitRule[]): Promise<void> {
      const now = new Date()
      for (const { key } of rules) {
        await owner.transaction(async trx => {
          const row = await trx('login_failures').where({ key }).forUpdate().first()
          if (!row) {
            await trx('login_failures').insert({ key, failures: 1, window_start: now })
          } else if (new Date(row.window_start).getTime() + WINDOW_MS <= now.getTime()) {
            await trx('login_failures').where({ key }).update({ failures: 1, window_start: now })
          } else {
            await trx('login_failures').where({ key }).update({ failures: row.failures + 1 })
          }
        }).catch(err => {
          // Two failures racing to insert the first row: the loser retries as an increment.
          if (String((err as { code?: string }).code) !== '23505') throw err
          return owner('login_failures').where({ key }).increment('failures', 1)
        })
      }
    },
    async clear (keys: string[]): Promise<void> {
      await owner('login_failures').whereIn('key', keys).del()
    }
  }
}
