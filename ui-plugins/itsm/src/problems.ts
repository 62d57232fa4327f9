import { ApiError, type ProblemFieldError, type T } from '@monozu/ui-sdk'

/**
 * A field error of a problem+json answer in the user's language. The API's messages are English
 * (JSON Schema's wording or the plugin's own, with a stable `rule` where it gives one); known ones
 * are said again in Polish, anything else is shown as the server wrote it.
 */
export function fieldErrorText (e: ProblemFieldError, t: T): string {
  if (t.lang === 'en') return e.message
  const m = e.message
  const rule = e.rule ?? (
    /required property|is required/.test(m) ? 'required'
      : /fewer than (\d+) character/.test(m) ? (/fewer than 1 character/.test(m) ? 'required' : 'minLength')
        : /more than (\d+) character/.test(m) ? 'maxLength'
          : /allowed values|must be one of/.test(m) ? 'enum'
            : /unknown field/.test(m) ? 'unknown'
              : /must match format "email"/.test(m) ? 'email'
                : /must match format "uuid"|must be a uuid/i.test(m) ? 'uuid'
                  : /must be (integer|number)/.test(m) ? 'number'
                    : /must be >=|must be <=/.test(m) ? 'range'
                      : /not found|does not exist|no such/i.test(m) ? 'not_found'
                        : /too large|size/i.test(m) ? 'too_large'
                          : undefined)
  const n = /(\d+)/.exec(m)?.[1] ?? ''
  switch (rule) {
    case 'required': return t('err.required')
    case 'minLength': return t('err.minLength', { n })
    case 'maxLength': return t('err.maxLength', { n })
    case 'enum': return t('err.enum')
    case 'unknown': return t('err.unknownField')
    case 'email': return t('err.email')
    case 'uuid': return t('err.uuid')
    case 'number': return t('err.number')
    case 'range': return t('err.range', { detail: m.replace(/^must be /, '') })
    case 'not_found': return t('err.notFound')
    case 'too_large': return t('err.tooLarge')
    default: return m
  }
}

/**
 * Field errors of a failed request keyed by the first segment of each pointer (`/impact` →
 * `impact`), in the user's language; errors outside the body and the rest go to `other`.
 */
export function problemFields (error: unknown, t: T): { fields: Record<string, string>, other: string[] } {
  const fields: Record<string, string> = {}
  const other: string[] = []
  if (!(error instanceof ApiError)) return { fields, other }
  for (const e of error.errors) {
    const name = (e.pointer ?? '').split('/')[1]
    if ((!e.in || e.in === 'body') && name) { if (!(name in fields)) fields[name] = fieldErrorText(e, t) } else other.push(fieldErrorText(e, t))
  }
  return { fields, other }
}
