import { useCallback, useMemo } from 'react'
import { useMonozu } from './context.tsx'
import type { Lang, Localized } from './types.ts'
import { formatDateTime, formatDay, formatRelative, locales, type DateInput } from './dates.ts'

export type Dictionary = Record<string, string>
export type Messages = Record<Lang, Dictionary>

/** The SDK's own texts; modules add theirs with `defineMessages` and `useT(messages)`. */
export const baseMessages: Messages = {
  en: {
    'common.loading': 'Loading…',
    'common.loadMore': 'Load more',
    'common.retry': 'Try again',
    'common.close': 'Close',
    'common.cancel': 'Cancel',
    'common.save': 'Save',
    'common.filter': 'Filter',
    'common.empty': 'Nothing here yet',
    'common.noMatches': 'Nothing matches “{filter}”',
    'table.page': 'Page {page} of {pages}',
    'table.previous': 'Previous page',
    'table.next': 'Next page',
    'table.rows': 'Rows: {count}',
    'table.sortBy': 'Sort by {column}',
    'table.pagination': 'Pagination',
    'field.required': 'Required',
    'error.title': 'Something went wrong',
    'error.code': 'Error code: {code}',
    'error.network_error': 'The server cannot be reached. Check your connection and try again.',
    'error.unauthorized': 'Your session has ended. Sign in again.',
    'error.invalid_token': 'Your session has ended. Sign in again.',
    'error.token_expired': 'Your session has ended. Sign in again.',
    'error.refresh_token_invalid': 'Your session has ended. Sign in again.',
    'error.refresh_token_reused': 'Your session was ended for safety. Sign in again.',
    'error.invalid_credentials': 'The email or password is wrong.',
    'error.tenant_required': 'This email belongs to several organizations: enter the organization.',
    'error.forbidden': 'You do not have permission for this.',
    'error.feature_disabled': 'This module is not enabled for your organization.',
    'error.tenant_suspended': 'Your organization is suspended. Contact your administrator.',
    'error.account_disabled': 'Your account is disabled. Contact your administrator.',
    'error.not_found': 'This was not found.',
    'error.conflict': 'This conflicts with a change someone else made. Reload and try again.',
    'error.too_many_requests': 'Too many attempts. Wait a few minutes and try again.',
    'error.validation_failed': 'Some values are not valid: {detail}',
    'error.internal_error': 'The server had a problem. Try again later.',
    'error.service_unavailable': 'The service is unavailable right now. Try again later.',
    'error.module_load_failed': 'Its code could not be downloaded ({detail}). Try again, or reload the page.',
    'error.module_invalid': 'It does not provide a usable page: {detail}',
    'toast.dismiss': 'Dismiss',
    'toast.region': 'Notifications',
    'chart.noData': 'No data yet',
    'chart.summary': '{name}: {count} points, last value {last}',
    'status.ok': 'OK',
    'status.active': 'Active',
    'status.running': 'Running',
    'status.pending': 'Pending',
    'status.done': 'Done',
    'status.failed': 'Failed',
    'status.dead': 'Dead',
    'status.disabled': 'Disabled',
    'status.warning': 'Warning',
    'status.error': 'Error',
    'status.unknown': 'Unknown',
    'channel.connecting': 'Connecting…',
    'channel.open': 'Live',
    'channel.closed': 'Reconnecting…',
    'channel.forbidden': 'Live updates are not available'
  },
  pl: {
    'common.loading': 'Ładowanie…',
    'common.loadMore': 'Wczytaj więcej',
    'common.retry': 'Spróbuj ponownie',
    'common.close': 'Zamknij',
    'common.cancel': 'Anuluj',
    'common.save': 'Zapisz',
    'common.filter': 'Filtruj',
    'common.empty': 'Nic tu jeszcze nie ma',
    'common.noMatches': 'Nic nie pasuje do „{filter}”',
    'table.page': 'Strona {page} z {pages}',
    'table.previous': 'Poprzednia strona',
    'table.next': 'Następna strona',
    'table.rows': 'Wiersze: {count}',
    'table.sortBy': 'Sortuj według: {column}',
    'table.pagination': 'Stronicowanie',
    'field.required': 'Wymagane',
    'error.title': 'Coś poszło nie tak',
    'error.code': 'Kod błędu: {code}',
    'error.network_error': 'Brak połączenia z serwerem. Sprawdź połączenie i spróbuj ponownie.',
    'error.unauthorized': 'Sesja wygasła. Zaloguj się ponownie.',
    'error.invalid_token': 'Sesja wygasła. Zaloguj się ponownie.',
    'error.token_expired': 'Sesja wygasła. Zaloguj się ponownie.',
    'error.refresh_token_invalid': 'Sesja wygasła. Zaloguj się ponownie.',
    'error.refresh_token_reused': 'Sesja została zakończona dla bezpieczeństwa. Zaloguj się ponownie.',
    'error.invalid_credentials': 'Nieprawidłowy e-mail lub hasło.',
    'error.tenant_required': 'Ten e-mail należy do kilku organizacji: podaj organizację.',
    'error.forbidden': 'Nie masz uprawnień do tej operacji.',
    'error.feature_disabled': 'Ten moduł nie jest włączony dla Twojej organizacji.',
    'error.tenant_suspended': 'Twoja organizacja jest zawieszona. Skontaktuj się z administratorem.',
    'error.account_disabled': 'Twoje konto jest wyłączone. Skontaktuj się z administratorem.',
    'error.not_found': 'Nie znaleziono.',
    'error.conflict': 'Ktoś w międzyczasie coś zmienił. Odśwież i spróbuj ponownie.',
    'error.too_many_requests': 'Zbyt wiele prób. Odczekaj kilka minut i spróbuj ponownie.',
    'error.validation_failed': 'Niektóre wartości są nieprawidłowe: {detail}',
    'error.internal_error': 'Wystąpił błąd serwera. Spróbuj później.',
    'error.service_unavailable': 'Usługa jest chwilowo niedostępna. Spróbuj później.',
    'error.module_load_failed': 'Nie udało się pobrać jego kodu ({detail}). Spróbuj ponownie lub odśwież stronę.',
    'error.module_invalid': 'Nie udostępnia strony, której można użyć: {detail}',
    'toast.dismiss': 'Zamknij powiadomienie',
    'toast.region': 'Powiadomienia',
    'chart.noData': 'Brak danych',
    'chart.summary': '{name}: punktów {count}, ostatnia wartość {last}',
    'status.ok': 'OK',
    'status.active': 'Aktywny',
    'status.running': 'W toku',
    'status.pending': 'Oczekuje',
    'status.done': 'Zakończony',
    'status.failed': 'Błąd',
    'status.dead': 'Nieudany',
    'status.disabled': 'Wyłączony',
    'status.warning': 'Ostrzeżenie',
    'status.error': 'Błąd',
    'status.unknown': 'Nieznany',
    'channel.connecting': 'Łączenie…',
    'channel.open': 'Na żywo',
    'channel.closed': 'Ponowne łączenie…',
    'channel.forbidden': 'Aktualizacje na żywo są niedostępne'
  }
}

/** Declares a module's texts (typed, so a key missing in one language is a compile error). */
export function defineMessages<K extends string> (messages: { en: Record<K, string>, pl: Record<K, string> }): Messages {
  return messages
}

export type Vars = Record<string, string | number>

/** Replaces `{name}` placeholders. */
export function format (text: string, vars?: Vars): string {
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all))
}

/** Looks a key up in the given dictionaries (later ones win), falling back to English, then to the key. */
export function translate (lang: Lang, key: string, vars: Vars | undefined, ...messages: Array<Messages | undefined>): string {
  for (const l of lang === 'en' ? ['en' as const] : [lang, 'en' as const]) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const text = messages[i]?.[l][key]
      if (text !== undefined) return format(text, vars)
    }
  }
  return key
}

export interface T {
  (key: string, vars?: Vars): string
  lang: Lang
  /** Picks the current language from an `{ en, pl }` text. */
  pick (text: Localized | string | null | undefined): string
  /** Does a key exist (in any dictionary given)? */
  has (key: string): boolean
}

/** The translate function of the current language, with the module's own messages over the SDK's. */
export function useT (messages?: Messages): T {
  const { lang } = useMonozu()
  const tr = useCallback((key: string, vars?: Vars) => translate(lang, key, vars, baseMessages, messages), [lang, messages])
  return useMemo(() => Object.assign(tr, {
    lang,
    pick: (text: Localized | string | null | undefined) => (text == null ? '' : typeof text === 'string' ? text : text[lang] || text.en),
    has: (key: string) => key in baseMessages.en || (messages !== undefined && key in messages.en)
  }), [tr, lang, messages])
}

/** Current language and the switch (the shell remembers the choice). */
export function useLang (): [Lang, (lang: Lang) => void] {
  const { lang, setLang } = useMonozu()
  return [lang, setLang]
}

export interface Format {
  number (n: number, opts?: Intl.NumberFormatOptions): string
  /** A moment, the same on every screen ("7 Dec 2026, 10:15"); `seconds` for logs and timings. */
  dateTime (d: DateInput, options?: { seconds?: boolean }): string
  /** A calendar day ("7 Dec 2026"); a `YYYY-MM-DD` string is that day in the user's time zone. */
  day (d: DateInput): string
  /** "3 minutes ago", "in 2 days". */
  relative (d: DateInput): string
  /** `dateTime` by default. Options only for compact displays of their own (chart axes); screens use dateTime/day. */
  date (d: DateInput, opts?: Intl.DateTimeFormatOptions): string
}

/** Intl formatters for the current language: the SDK's one date style (dates.ts) and numbers. */
export function useFormat (): Format {
  const { lang } = useMonozu()
  return useMemo(() => ({
    number: (n, opts) => new Intl.NumberFormat(locales[lang], opts).format(n),
    dateTime: (d, options) => formatDateTime(d, lang, options),
    day: d => formatDay(d, lang),
    relative: d => formatRelative(d, lang),
    date: (d, opts) => (opts ? new Intl.DateTimeFormat(locales[lang], opts).format(new Date(d)) : formatDateTime(d, lang))
  }), [lang])
}
