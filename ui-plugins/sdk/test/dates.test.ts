import t from 'tap'
import { formatDateTime, formatDay, formatRelative } from '../src/dates.ts'

// The SDK's one date style, in both languages. TZ is pinned (west of UTC, where a day read as
// UTC midnight would show as the day before) so the expected strings are exact.
process.env.TZ = 'America/Los_Angeles'
const at = '2026-12-07T18:15:42Z' // 10:15:42 in Los Angeles

t.test('a moment reads the same everywhere, in the user\'s language', async t => {
  t.equal(formatDateTime(at, 'en'), '7 Dec 2026, 10:15')
  t.equal(formatDateTime(at, 'pl'), '7 gru 2026, 10:15')
  t.equal(formatDateTime(at, 'en', { seconds: true }), '7 Dec 2026, 10:15:42', 'seconds for logs')
  t.equal(formatDateTime(new Date(at), 'en'), formatDateTime(Date.parse(at), 'en'), 'a Date, a string and a number agree')
})

t.test('a calendar day is that day in the user\'s time zone, not UTC midnight', async t => {
  t.equal(formatDay('2026-01-31', 'en'), '31 Jan 2026')
  t.equal(formatDay('2026-01-31', 'pl'), '31 sty 2026')
  t.equal(formatDay('2026-01-31T12:00:00Z', 'en'), '31 Jan 2026', 'a moment shows its local day')
})

t.test('relative time picks the unit people would say', async t => {
  const now = Date.parse(at)
  t.equal(formatRelative(now - 20_000, 'en', now), '20 seconds ago')
  t.equal(formatRelative(now - 3 * 60_000, 'en', now), '3 minutes ago')
  t.equal(formatRelative(now - 3 * 60_000, 'pl', now), '3 minuty temu')
  t.equal(formatRelative(now + 2 * 3600_000, 'en', now), 'in 2 hours')
  t.equal(formatRelative(now - 86_400_000, 'en', now), 'yesterday')
  t.equal(formatRelative(now - 86_400_000, 'pl', now), 'wczoraj')
  t.equal(formatRelative(now - 90 * 86_400_000, 'en', now), '3 months ago', 'not "90 days ago"')
  t.equal(formatRelative(now - 800 * 86_400_000, 'en', now), '2 years ago')
})
