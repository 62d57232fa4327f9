import type { T } from '@monozu/ui-sdk'
import { FIELD_KEY, RESERVED_KEYS, RULES_BY_KIND, type FieldDef, type FieldKind } from '../types.ts'

/** A custom field being edited: every control as text; `saved` fields keep their key and kind. */
export interface FieldDraft {
  uid: string
  saved: boolean
  key: string
  label: string
  kind: FieldKind
  description: string
  required: boolean
  regex: string
  min: string
  max: string
  choices: string
  refType: string
}

let next = 0
export const uid = () => `f${Date.now().toString(36)}${(next++).toString(36)}`

export function toDraft (def: FieldDef): FieldDraft {
  return {
    uid: uid(),
    saved: true,
    key: def.key,
    label: def.label,
    kind: def.kind,
    description: def.description ?? '',
    required: def.required === true,
    regex: def.regex ?? '',
    min: def.min === undefined ? '' : String(def.min),
    max: def.max === undefined ? '' : String(def.max),
    choices: (def.choices ?? []).join('\n'),
    refType: def.refType ?? ''
  }
}

export const emptyDraft = (): FieldDraft => ({ uid: uid(), saved: false, key: '', label: '', kind: 'text', description: '', required: false, regex: '', min: '', max: '', choices: '', refType: '' })

const INTEGER = /^-?\d{1,15}$/

/**
 * The definitions to send, or errors by pointer (`/fields/<i>/<rule>`, as the server names them,
 * so its errors and these land next to the same controls). Only rules of the field's kind are sent.
 */
export function toDefs (drafts: FieldDraft[], builtinKeys: Set<string>, t: T): { errors: Record<string, string>, defs: FieldDef[] } {
  const errors: Record<string, string> = {}
  const seen = new Set<string>()
  const defs = drafts.map((d, i) => {
    const err = (rule: string, message: string) => { errors[`/fields/${i}/${rule}`] ??= message }
    const key = d.key.trim()
    if (!FIELD_KEY.test(key)) err('key', t('keyInvalid'))
    else if (RESERVED_KEYS.has(key) || builtinKeys.has(key)) err('key', t('keyReserved'))
    else if (seen.has(key)) err('key', t('keyTwice'))
    seen.add(key)
    if (!d.label.trim()) err('label', t('labelRequired'))
    const def: FieldDef = { key, label: d.label.trim(), kind: d.kind }
    if (d.description.trim()) def.description = d.description.trim()
    if (d.required) def.required = true
    const rules = RULES_BY_KIND[d.kind]
    if (rules.includes('regex') && d.regex.trim()) {
      try { new RegExp(`^(?:${d.regex.trim()})$`, 'u'); def.regex = d.regex.trim() } catch { err('regex', t('regexInvalid')) }
    }
    for (const bound of ['min', 'max'] as const) {
      if (!rules.includes(bound) || !d[bound].trim()) continue
      if (!INTEGER.test(d[bound].trim())) err(bound, t('integerInvalid'))
      else def[bound] = Number(d[bound].trim())
    }
    if (def.min !== undefined && def.max !== undefined && def.min > def.max) err('min', t('minOverMax'))
    if (rules.includes('choices')) {
      const choices = [...new Set(d.choices.split('\n').map(c => c.trim()).filter(Boolean))]
      if (choices.length === 0) err('choices', t('choicesRequired'))
      else if (choices.length > 100) err('choices', t('choicesTooMany'))
      else def.choices = choices
    }
    if (rules.includes('refType') && d.refType) def.refType = d.refType
    return def
  })
  return { errors, defs }
}
