import type { Knex } from 'knex'
import { rowsOf } from '../db/database.ts'
import { ApiError } from '../errors/errors.ts'

export interface LimitRule { key: string, max: number }

const WINDOW_SECONDS = 15 * 60

// One statement counts the attempt and returns the new count, so parallel attempts on any number
// of instances each see a distinct count: at most `max` of them ever reach the password check.
// The database clock dates the windows, so instances with skewed clocks agree.
const countSql = {
  postgres: (n: number) => `
insert into login_failures ("key", failures, window_start)
values ${Array.from({ length: n }, () => '(?, 1, now())').join(', ')}
on conflict ("key") do update set
  failures = case when login_failures.window_start <= now() - make_interval(secs => ?) then 1 else login_failures.failures + 1 end,
  window_start = case when login_failures.window_start <= now() - make_interval(secs => ?) then now() else login_failures.window_start end
returning "key", failures, window_start`,
  mssql: (n: number) => `
merge login_failures with (holdlock) as t
using (values ${Array.from({ length: n }, () => '(?)').join(', ')}) as s ([key]) on t.[key] = s.[key]
when matched then update set
  failures = case when t.window_start <= dateadd(second, -?, sysdatetimeoffset()) then 1 else t.failures + 1 end,
  window_start = case when t.window_start <= dateadd(second, -?, sysdatetimeoffset()) then sysdatetimeoffset() else t.window_start end
when not matched then insert ([key], failures, window_start) values (s.[key], 1, sysdatetimeoffset())
output inserted.[key] as [key], inserted.failures as failures, inserted.window_start as window_start;`
}

/**
 * Counts sign-in attempts per key in the database, so every instance sees the same count. An
 * attempt is counted before its password is checked; one past `max` in the window is refused
 * with 429 until the window ends. A correct password takes its attempt back (see `succeeded`),
 * so the limits count wrong guesses.
 */
export function createLoginLimiter (owner: Knex) {
  const sql = owner.client.dialect === 'mssql' ? countSql.mssql : countSql.postgres
  return {
    async attempt (rules: LimitRule[]): Promise<void> {
      const counted = rowsOf<{ key: string, failures: number, window_start: Date | string }>(
        await owner.raw(sql(rules.length), [...rules.map(r => r.key), WINDOW_SECONDS, WINDOW_SECONDS]))
      const now = Date.now()
      let wait = 0
      for (const row of counted) {
        const rule = rules.find(r => r.key === row.key) as LimitRule
        if (Number(row.failures) <= rule.max) continue
        const ends = new Date(row.window_start).getTime() + WINDOW_SECONDS * 1000
        wait = Math.max(wait, Math.max(1, Math.ceil((ends - now) / 1000)))
      }
      if (wait > 0) throw new ApiError('too_many_requests', `Too many failed sign-ins; try again in ${wait} s`, { headers: { 'retry-after': String(wait) } })
    },
    /** A correct password: the account's count starts again, and the other keys get the attempt back. */
    async succeeded (reset: string[], refund: string[]): Promise<void> {
      await owner('login_failures').whereIn('key', reset).del()
      await owner('login_failures').whereIn('key', refund).where('failures', '>', 0).decrement('failures', 1)
    }
  }
}
