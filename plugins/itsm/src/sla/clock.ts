import { DateTime } from 'luxon'
import { holidayOn, workingIntervals, type Calendar } from './calendar.ts'

/** A pause of the clock (the ticket was pending); `to` null while it still is. */
export interface Pause { from: number, to: number | null }

export interface DueResult {
  /** When `minutes` business minutes have run from `start`; null while the clock is paused. */
  due: number | null
  /** Holidays that fell on working days between start and due. */
  skipped: Array<{ date: string, name: string }>
  /** Wall-clock time of pauses that overlapped the counted span. */
  pausedMs: number
}

const DAY_LIMIT = 3 * 366

/** Subtracts the pauses from [a, b): the parts of the interval in which the clock runs. */
function minusPauses (a: number, b: number, pauses: Pause[]): Array<[number, number]> {
  let parts: Array<[number, number]> = [[a, b]]
  for (const p of pauses) {
    const to = p.to ?? Infinity
    parts = parts.flatMap(([x, y]): Array<[number, number]> => {
      if (to <= x || p.from >= y) return [[x, y]]
      const out: Array<[number, number]> = []
      if (p.from > x) out.push([x, p.from])
      if (to < y) out.push([to, y])
      return out
    })
  }
  return parts
}

/**
 * Adds `minutes` of business time to `start` on `cal`, skipping what is outside working hours,
 * holidays and the pauses. Pure: the same inputs always give the same due time.
 */
export function addBusinessMinutes (cal: Calendar, start: number, minutes: number, pauses: Pause[] = []): DueResult {
  let left = minutes * 60_000
  const skipped: DueResult['skipped'] = []
  let day = DateTime.fromMillis(start, { zone: cal.timeZone }).startOf('day')
  const openPause = pauses.find(p => p.to === null)
  for (let i = 0; i < DAY_LIMIT; i++, day = day.plus({ days: 1 })) {
    const intervals = workingIntervals(cal, day).filter(([, b]) => b > start)
    if (intervals.length === 0) continue
    const holiday = holidayOn(cal, day)
    if (holiday) { skipped.push({ date: day.toISODate()!, name: holiday }); continue }
    for (const [a0, b] of intervals) {
      for (const [a, z] of minusPauses(Math.max(a0, start), b, pauses)) {
        if (z - a >= left) {
          const due = a + left
          return { due, skipped, pausedMs: pausedWithin(pauses, start, due) }
        }
        left -= z - a
      }
    }
    if (openPause && day.toMillis() > openPause.from) break
  }
  // Paused (the rest of time is a pause) or no working time within the horizon.
  return { due: null, skipped, pausedMs: pausedWithin(pauses, start, Infinity) }
}

function pausedWithin (pauses: Pause[], from: number, to: number): number {
  let ms = 0
  for (const p of pauses) {
    const end = Math.min(p.to ?? to, to)
    if (end > from && p.from < to) ms += end - Math.max(p.from, from)
  }
  return Number.isFinite(ms) ? ms : 0
}

/** Business minutes of `cal` in [from, to), outside the pauses. */
export function businessMinutesBetween (cal: Calendar, from: number, to: number, pauses: Pause[] = []): number {
  let ms = 0
  for (let day = DateTime.fromMillis(from, { zone: cal.timeZone }).startOf('day'), i = 0; day.toMillis() < to && i < DAY_LIMIT; day = day.plus({ days: 1 }), i++) {
    if (holidayOn(cal, day)) continue
    for (const [a, b] of workingIntervals(cal, day)) {
      for (const [x, y] of minusPauses(Math.max(a, from), Math.min(b, to), pauses)) if (y > x) ms += y - x
    }
  }
  return Math.floor(ms / 60_000)
}

const duration = (ms: number, lang: 'en' | 'pl') => {
  const total = Math.round(ms / 60_000)
  const h = Math.floor(total / 60)
  const m = total % 60
  return [h ? `${h} h` : '', m || !h ? `${m} min` : ''].filter(Boolean).join(' ')
}

function target (minutes: number, lang: 'en' | 'pl'): string {
  if (minutes % 60 === 0) {
    const h = minutes / 60
    return lang === 'en' ? `${h} business hour${h === 1 ? '' : 's'}` : `${h} godz. roboczych`
  }
  return lang === 'en' ? `${minutes} business minutes` : `${minutes} min roboczych`
}

/**
 * The sentence a ticket shows for one clock, e.g. "due Tue 14:00 Europe/Warsaw: 8 business hours
 * from Mon 14:00, paused 2 h while pending, 1 Nov holiday skipped", in English and Polish.
 */
export function explain (cal: Calendar, start: number, minutes: number, result: DueResult): { en: string, pl: string } {
  const out = { en: '', pl: '' }
  for (const lang of ['en', 'pl'] as const) {
    const at = (ms: number, withDate: boolean) => DateTime.fromMillis(ms, { zone: cal.timeZone }).setLocale(lang).toFormat(withDate ? 'ccc d LLL HH:mm' : 'ccc HH:mm').replace(/\.(?= )/g, '.')
    const far = result.due !== null && result.due - start > 6 * 86_400_000
    const head = result.due === null
      ? (lang === 'en' ? `paused (${cal.timeZone})` : `wstrzymany (${cal.timeZone})`)
      : (lang === 'en' ? `due ${at(result.due, far)} ${cal.timeZone}` : `termin ${at(result.due, far)} ${cal.timeZone}`)
    const parts = [lang === 'en' ? `${target(minutes, lang)} from ${at(start, far)}` : `${target(minutes, lang)} od ${at(start, far)}`]
    if (result.pausedMs > 0) parts.push(lang === 'en' ? `paused ${duration(result.pausedMs, lang)} while pending` : `wstrzymany ${duration(result.pausedMs, lang)} w oczekiwaniu`)
    for (const h of result.skipped) {
      const d = DateTime.fromISO(h.date, { zone: cal.timeZone }).setLocale(lang).toFormat('d LLL')
      parts.push(lang === 'en' ? `${d} holiday skipped` : `pominięto święto ${d}`)
    }
    out[lang] = `${head}: ${parts.join(', ')}`
  }
  return out
}
