import type { ProblemFieldError, T } from '@monozu/ui-sdk'
import { STATUSES, type FieldDef } from './types.ts'

/**
 * A field error in the user's language. The API's messages are English; its stable `rule` and
 * the field's definition (which the module knows) are enough to say the same in Polish. Where a
 * detail only the server knows is missing, its own message is shown.
 */
export function fieldErrorText (e: ProblemFieldError, key: string, def: FieldDef | undefined, t: T): string {
  if (t.lang === 'en' || !e.rule) return e.message
  const kind = def?.kind ?? (key === 'status' ? 'select' : undefined)
  const integer = kind === 'integer'
  const quoted = /"([^"]*)"/.exec(e.message)?.[1] ?? ''
  if ((e.pointer ?? '').startsWith('/header')) {
    if (e.rule === 'unknown_field') return t('err.unknownColumn', { column: quoted })
    if (e.rule === 'required') return t('err.missingColumn', { column: quoted })
    if (e.rule === 'unique') return t('err.columnTwice', { column: quoted })
  }
  switch (e.rule) {
    case 'required': return t('err.required')
    case 'regex': return def?.regex ? t('err.regex', { regex: def.regex }) : e.message
    case 'min': return def?.min !== undefined ? t(integer ? 'err.min' : 'err.minLength', { min: def.min }) : e.message
    case 'max': return def?.max !== undefined ? t(integer ? 'err.max' : 'err.maxLength', { max: def.max }) : e.message
    case 'choices': return t('err.choices', { choices: (def?.choices ?? (key === 'status' ? [...STATUSES] : [])).join(', ') || '…' })
    case 'url': return t('err.url')
    case 'unique': {
      const row = /row (\d+)/.exec(e.message)
      return row ? t('err.sameAsRow', { row: row[1] ?? '' }) : t('err.unique')
    }
    case 'unknown_field': return t('err.unknownField')
    case 'unknown_type': return t('err.unknownType', { type: quoted })
    case 'reference': return t('err.reference')
    case 'immutable': return t('err.immutable')
    case 'not_found': return t('err.notFound')
    case 'type': {
      const byKind: Record<string, string> = { integer: 'err.integer', boolean: 'err.boolean', date: 'err.date', url: 'err.url', reference: 'err.referenceId' }
      const byKey: Record<string, string> = { hostname: 'err.hostname', hardwareUuid: 'err.uuid', macs: 'err.macs', id: 'err.referenceId' }
      const k = (kind && byKind[kind]) ?? byKey[key]
      return k ? t(k) : e.message
    }
    default: return e.message
  }
}
