import type { Transaction } from '@monozu/kernel'
import type { FieldError } from '../types/definitions.ts'
import { CORE_FIELDS, type CoreField, type TypeDef } from '../types/model.ts'
import { checkValue, sameValue, type Origin } from '../types/values.ts'
import { checkCore } from './core.ts'
import { fieldOf, withField, type CiState } from './model.ts'

export interface Applied {
  state: CiState
  /** Keys whose value the input changed. */
  changed: string[]
  errors: FieldError[]
  /** Reference values to check against the database (`checkReferences`). */
  references: Array<{ key: string, id: string, refType?: string }>
}

const isCore = (key: string): key is CoreField => (CORE_FIELDS as readonly string[]).includes(key)
const NOT_NULL = new Set(['name', 'status'])

/**
 * Applies user input (API body, CSV row) to a CI state, field by field, and collects one error
 * per bad field. `create` also enforces `required` for fields the input left out.
 * `pointer` turns a key into the error's pointer (`/os` for a body, `/rows/12/os` for CSV).
 */
export function applyInput (type: TypeDef, base: CiState, input: Record<string, unknown>, from: Origin,
  options: { create: boolean, pointer?: (key: string) => string, where?: string }): Applied {
  const pointer = options.pointer ?? ((key: string) => `/${key}`)
  const where = options.where ?? 'body'
  const errors: FieldError[] = []
  const references: Applied['references'] = []
  const changed: string[] = []
  let state = base
  for (const [key, raw] of Object.entries(input)) {
    const def = isCore(key) ? undefined : type.fields.find(f => f.key === key)
    if (!isCore(key) && !def) {
      errors.push({ in: where, pointer: pointer(key), message: `type ${type.key} has no field "${key}"`, rule: 'unknown_field' })
      continue
    }
    const checked = def ? checkValue(def, raw, from) : checkCore(key as CoreField, raw, from)
    if (!checked.ok) {
      errors.push({ in: where, pointer: pointer(key), message: checked.message, rule: checked.rule })
      continue
    }
    if (checked.value === null && (NOT_NULL.has(key) || def?.required)) {
      errors.push({ in: where, pointer: pointer(key), message: 'is required', rule: 'required' })
      continue
    }
    if (def?.kind === 'reference' && checked.value !== null) references.push({ key, id: checked.value as string, ...(def.refType ? { refType: def.refType } : {}) })
    if (sameValue(fieldOf(state, key), checked.value)) continue
    state = withField(state, key, checked.value)
    changed.push(key)
  }
  if (options.create) {
    for (const def of type.fields) {
      if (def.required && fieldOf(state, def.key) === null && !errors.some(e => e.pointer === pointer(def.key))) {
        errors.push({ in: where, pointer: pointer(def.key), message: 'is required', rule: 'required' })
      }
    }
  }
  return { state, changed, errors, references }
}

/** References must name CIs of this tenant (RLS hides the others) of the field's type. */
export async function checkReferences (trx: Transaction, refs: Array<{ key: string, id: string, refType?: string, pointer: string, where: string }>): Promise<FieldError[]> {
  if (refs.length === 0) return []
  const ids = [...new Set(refs.map(r => r.id))]
  const found = new Map<string, string>()
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await trx('cmdb_cis').select('id', 'type').whereIn('id', ids.slice(i, i + 1000)) as Array<{ id: string, type: string }>
    for (const r of rows) found.set(r.id, r.type)
  }
  const errors: FieldError[] = []
  for (const r of refs) {
    const type = found.get(r.id)
    if (type === undefined) errors.push({ in: r.where, pointer: r.pointer, message: `no CI ${r.id}`, rule: 'reference' })
    else if (r.refType && type !== r.refType) errors.push({ in: r.where, pointer: r.pointer, message: `must be a CI of type ${r.refType}, not ${type}`, rule: 'reference' })
  }
  return errors
}
