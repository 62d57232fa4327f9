import { pl } from './pl.ts'
import { en } from './en.ts'
import type { Dictionary } from './types.ts'

export type { Dictionary }
export const locales = ['pl', 'en'] as const
export type Locale = typeof locales[number]
/** Served without a prefix at "/"; every other locale lives under "/<locale>/". */
export const defaultLocale: Locale = 'pl'

/**
 * Polish typesetting keeps one-letter words (a, i, o, u, w, z) off the end of a line: the space
 * after them becomes a no-break space.
 */
function bindShortWords<T> (value: T): T {
  if (typeof value === 'string') return value.replace(/(?<=^|[\s(„])([aiouwzAIOUWZ]) /g, '$1\u00a0') as T
  if (Array.isArray(value)) return value.map(bindShortWords) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bindShortWords(v)])) as T
  }
  return value
}

export const dictionaries: Record<Locale, Dictionary> = { pl: bindShortWords(pl), en }

export function isLocale (value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value)
}

/** The `lang` route parameter of a locale: undefined (no prefix) for the default one. */
export function langParam (locale: Locale): string | undefined {
  return locale === defaultLocale ? undefined : locale
}

/** `[...lang]` params for getStaticPaths: every page exists in every locale by construction. */
export function localeParams (): Array<{ params: { lang: string | undefined }, props: { locale: Locale } }> {
  return locales.map(locale => ({ params: { lang: langParam(locale) }, props: { locale } }))
}

/** "/pricing/" in a locale: "/pricing/" (pl) or "/en/pricing/" (en). `path` is locale-free. */
export function localizePath (locale: Locale, path: string): string {
  const clean = path.startsWith('/') ? path : `/${path}`
  return locale === defaultLocale ? clean : `/${locale}${clean}`
}

/** The locale of a URL path and the path without its locale prefix. */
export function splitLocale (pathname: string): { locale: Locale, path: string } {
  const [, first, ...rest] = pathname.split('/')
  if (isLocale(first) && first !== defaultLocale) return { locale: first, path: `/${rest.join('/')}` }
  return { locale: defaultLocale, path: pathname }
}

/** Locale-aware formatting of a price in the locale's currency. */
export function formatPrice (locale: Locale, amount: number): string {
  return new Intl.NumberFormat(dictionaries[locale].meta.intlLocale, {
    style: 'currency',
    currency: dictionaries[locale].meta.currency,
    minimumFractionDigits: Number.isInteger(amount) ? 0 : 2
  }).format(amount)
}
