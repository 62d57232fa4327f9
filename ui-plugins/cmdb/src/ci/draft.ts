import type { T } from '@monozu/ui-sdk'
import { CORE_FIELDS, type Ci, type CiType, type FieldDef, type FieldKind } from '../types.ts'

/** Form state: every control holds text ('' = no value; booleans 'true' / 'false' / ''). */
export type Draft = Record<string, string>

/** How a core field is edited (they are not in the type's definition). */
export const coreKinds: Record<string, FieldKind | 'textarea' | 'macs' | 'status'> = {
  name: 'text', status: 'status', site: 'text', description: 'textarea', hostname: 'text', serial: 'text', hardwareUuid: 'text', macs: 'macs'
}

export function draftOf (ci: Ci | null, type: CiType): Draft {
  const d: Draft = {}
  for (const key of [...CORE_FIELDS, ...type.fields.map(f => f.key)]) {
    const v = ci ? ci[key] : undefined
    d[key] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v)
  }
  if (!ci) d.status = 'active'
  return d
}

const INTEGER = /^\s*-?\d{1,16}\s*$/

/** One control's text as the API's JSON value, or an error to show next to it. */
function valueOf (text: string, kind: FieldKind | 'textarea' | 'macs' | 'status', t: T): { value: unknown } | { error: string } {
  const s = text.trim()
  if (kind === 'macs') return { value: s ? s.split(/[\s,;]+/).filter(Boolean) : [] }
  if (s === '') return { value: null }
  if (kind === 'integer') return INTEGER.test(s) ? { value: Number(s) } : { error: t('integerInvalid') }
  if (kind === 'boolean') return { value: s === 'true' }
  return { value: s }
}

/**
 * The body for the API: on create every field with a value, on edit only the changed ones (so a
 * value discovery set meanwhile is not overwritten by a stale copy). Required fields are checked
 * here; everything else (patterns, ranges, references) by the server, whose per-field errors the
 * form shows next to each field.
 */
export function bodyOf (draft: Draft, initial: Draft | null, type: CiType, t: T): { errors: Record<string, string>, body: Record<string, unknown> } {
  const errors: Record<string, string> = {}
  const body: Record<string, unknown> = {}
  const defs = new Map<string, FieldDef>(type.fields.map(f => [f.key, f]))
  for (const key of [...CORE_FIELDS, ...type.fields.map(f => f.key)]) {
    const text = draft[key] ?? ''
    if (initial && text === (initial[key] ?? '')) continue
    const def = defs.get(key)
    const kind = def?.kind ?? coreKinds[key] ?? 'text'
    const r = valueOf(text, kind, t)
    if ('error' in r) { errors[key] = r.error; continue }
    if (r.value === null && (key === 'name' || def?.required)) { errors[key] = t('required'); continue }
    if (!initial && (r.value === null || (Array.isArray(r.value) && r.value.length === 0))) continue
    body[key] = r.value
  }
  return { errors, body }
}
