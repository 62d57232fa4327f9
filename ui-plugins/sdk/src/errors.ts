import { ApiError } from './api.ts'
import type { T } from './i18n.ts'

/** A readable sentence in the current language for any error, plus its stable code. */
export function describeError (error: unknown, t: T): { message: string, code: string | undefined, requestId: string | undefined } {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`
    const message = t.has(key) ? t(key, { detail: error.detail || error.title }) : (error.detail || error.title)
    return { message, code: error.code, requestId: error.requestId }
  }
  if (error instanceof Error) return { message: error.message || t('error.title'), code: undefined, requestId: undefined }
  return { message: t('error.title'), code: undefined, requestId: undefined }
}

/**
 * The field errors of a problem+json answer (`errors[]`), keyed by the first segment of each
 * pointer (`/payload/x` → `payload`), so a form can show each one next to its field.
 * Only errors `in` the given part of the request (default `body`) count; the first per field wins.
 */
export function fieldErrors (error: unknown, where = 'body'): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(error instanceof ApiError)) return out
  for (const e of error.errors) {
    if (e.in && e.in !== where) continue
    const name = (e.pointer ?? '').split('/')[1]
    if (name && !(name in out)) out[name] = e.message
  }
  return out
}
