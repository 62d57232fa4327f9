import { CORE_FIELDS } from '../types/model.ts'
import type { Registry } from '../types/registry.ts'
import type { FieldError } from '../types/definitions.ts'

/** The columns every export has, in this order; type fields follow. */
export const FIXED_COLUMNS = ['id', 'type', ...CORE_FIELDS] as const

/** Export columns: the fixed ones, then the fields of the exported type (or of every type), each key once. */
export function exportColumns (registry: Registry, type?: string): string[] {
  const types = type ? [registry.get(type)].filter(t => t !== undefined) : [...registry.types.values()]
  const fields = new Set<string>()
  for (const t of types) for (const f of t.fields) fields.add(f.key)
  return [...FIXED_COLUMNS, ...fields]
}

/** An import header: known columns only, each once, with `type` and `name`. */
export function checkHeader (header: string[], registry: Registry): FieldError[] {
  const known = new Set<string>(exportColumns(registry))
  const errors: FieldError[] = []
  const seen = new Set<string>()
  header.forEach((column, i) => {
    const pointer = `/header/${i}`
    if (!known.has(column)) errors.push({ in: 'csv', pointer, message: `unknown column "${column.slice(0, 60)}": no CI type has this field`, rule: 'unknown_field' })
    else if (seen.has(column)) errors.push({ in: 'csv', pointer, message: `column "${column}" appears twice`, rule: 'unique' })
    seen.add(column)
  })
  for (const required of ['type', 'name']) {
    if (!seen.has(required)) errors.push({ in: 'csv', pointer: '/header', message: `the column "${required}" is missing`, rule: 'required' })
  }
  return errors
}
