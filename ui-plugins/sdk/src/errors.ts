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
