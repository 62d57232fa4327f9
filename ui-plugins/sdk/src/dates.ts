import type { Lang } from './types.ts'

/**
 * The one way modules show moments and days, so every screen reads the same in the user's
 * language: `formatDateTime` for a moment ("7 Dec 2026, 10:15"; with seconds for logs),
 * `formatDay` for a calendar day ("7 Dec 2026"), `formatRelative` for "3 minutes ago".
 * React code reaches them through `useFormat()` and `<RelativeTime>`.
 */
export const locales: Record<Lang, string> = { en: 'en-GB', pl: 'pl-PL' }

const cache = new Map<string, Intl.DateTimeFormat>()
function formatter (lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}:${JSON.stringify(options)}`
  let f = cache.get(key)
  if (!f) cache.set(key, f = new Intl.DateTimeFormat(locales[lang], options))
  return f
}

export type DateInput = Date | string | number

/** A calendar day given as `YYYY-MM-DD` is that day wherever the user is, not UTC midnight. */
function toDate (d: DateInput): Date {
  return typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? new Date(`${d}T00:00:00`) : new Date(d)
}

export function formatDateTime (d: DateInput, lang: Lang, options: { seconds?: boolean } = {}): string {
  return formatter(lang, { dateStyle: 'medium', timeStyle: options.seconds ? 'medium' : 'short' }).format(toDate(d))
}

export function formatDay (d: DateInput, lang: Lang): string {
  return formatter(lang, { dateStyle: 'medium' }).format(toDate(d))
}

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity]]

export function formatRelative (d: DateInput, lang: Lang, now: number = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(locales[lang], { numeric: 'auto' })
  let value = (toDate(d).getTime() - now) / 1000
  for (const [unit, size] of units) {
    if (Math.abs(value) < size || unit === 'year') return rtf.format(Math.round(value), unit)
    value /= size
  }
  return rtf.format(Math.round(value), 'year')
}
