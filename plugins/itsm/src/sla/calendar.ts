import Holidays from 'date-holidays'
import { DateTime } from 'luxon'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = typeof WEEKDAYS[number]

/** A business calendar: when the SLA clock runs. */
export interface Calendar {
  /** IANA time zone, e.g. Europe/Warsaw: working hours are wall-clock times there (DST included). */
  timeZone: string
  /** Working hours per weekday, "HH:mm"-"HH:mm" pairs; a missing or empty day is off. */
  hours: Partial<Record<Weekday, Array<[string, string]>>>
  /** Public holidays of this country (ISO 3166 alpha-2, from date-holidays), optionally a region. */
  country?: string | null
  region?: string | null
  /** Extra days off, "YYYY-MM-DD" in the calendar's zone. */
  holidays?: string[]
}

/** Mon-Fri 09:00-17:00. */
export const OFFICE_HOURS: Calendar['hours'] = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] }
/** Around the clock. */
export const ALWAYS: Calendar = { timeZone: 'UTC', hours: Object.fromEntries(WEEKDAYS.map(d => [d, [['00:00', '24:00']]])) }

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/

/** Problems with a calendar a tenant sent, as messages per pointer (empty when valid). */
export function calendarProblems (cal: Calendar): Array<{ pointer: string, message: string }> {
  const problems: Array<{ pointer: string, message: string }> = []
  if (!DateTime.local().setZone(cal.timeZone).isValid) problems.push({ pointer: '/timeZone', message: `unknown time zone ${cal.timeZone}` })
  for (const [day, ranges] of Object.entries(cal.hours)) {
    for (const [i, [from, to]] of (ranges ?? []).entries()) {
      if (!HHMM.test(from) || !HHMM.test(to) || minutesOf(from) >= minutesOf(to)) problems.push({ pointer: `/hours/${day}/${i}`, message: 'must be ["HH:mm", "HH:mm"] with the start before the end' })
    }
  }
  if (cal.country) {
    const hd = new Holidays()
    const known = cal.country in (hd.getCountries() ?? {}) && (!cal.region || cal.region in (hd.getStates(cal.country) ?? {}))
    if (!known) problems.push({ pointer: '/country', message: `date-holidays knows no ${cal.country}${cal.region ? `/${cal.region}` : ''}` })
  }
  return problems
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

const holidayCache = new Map<string, Map<string, string>>()

/** The public holidays of a country and year: date "YYYY-MM-DD" to English name. */
function publicHolidays (country: string, region: string | null | undefined, year: number): Map<string, string> {
  const key = `${country}/${region ?? ''}/${year}`
  let found = holidayCache.get(key)
  if (!found) {
    found = new Map()
    const hd = region ? new Holidays(country, region) : new Holidays(country)
    {
      for (const h of hd.getHolidays(year, 'en')) if (h.type === 'public') found.set(h.date.slice(0, 10), h.name)
    }
    if (holidayCache.size > 500) holidayCache.clear()
    holidayCache.set(key, found)
  }
  return found
}

/** Why a day is off (a holiday's name, or "custom holiday"), or null for a normal day. */
export function holidayOn (cal: Calendar, day: DateTime): string | null {
  const iso = day.toISODate()!
  if (cal.holidays?.includes(iso)) return 'custom holiday'
  if (cal.country) return publicHolidays(cal.country, cal.region, day.year).get(iso) ?? null
  return null
}

/** The working intervals of one local day, as epoch-ms pairs (empty on a day off or holiday). */
export function workingIntervals (cal: Calendar, day: DateTime): Array<[number, number]> {
  const ranges = cal.hours[WEEKDAYS[day.weekday - 1]!] ?? []
  return ranges.map(([from, to]) => {
    const at = (hhmm: string) => {
      const m = minutesOf(hhmm)
      // 24:00 is the next day's midnight; a wall time inside a DST gap moves forward (luxon).
      return day.startOf('day').plus({ days: m === 1440 ? 1 : 0 }).set({ hour: m === 1440 ? 0 : Math.floor(m / 60), minute: m % 60 }).toMillis()
    }
    return [at(from), at(to)] as [number, number]
  })
}
