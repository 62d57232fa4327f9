import type { Transaction } from '@monozu/kernel'
import { BUILTIN_TYPES } from './builtin.ts'
import type { FieldDef, TypeDef } from './model.ts'

export interface TypeRow {
  key: string
  builtin: boolean
  label: string
  description: string | null
  fields: FieldDef[] | string
}

/** A tenant's types: the built-in ones (with any custom fields the tenant added) and its own. */
export class Registry {
  readonly types: ReadonlyMap<string, TypeDef>

  constructor (rows: TypeRow[]) {
    const types = new Map<string, TypeDef>()
    const custom = new Map(rows.map(r => [r.key, r]))
    for (const t of BUILTIN_TYPES) {
      const extra = custom.get(t.key)
      types.set(t.key, extra ? { ...t, fields: [...t.fields, ...fieldsOf(extra)] } : t)
    }
    for (const r of rows) {
      if (r.builtin || types.has(r.key)) continue
      types.set(r.key, { key: r.key, label: r.label, description: r.description, builtin: false, fields: fieldsOf(r) })
    }
    this.types = types
  }

  get (key: string): TypeDef | undefined { return this.types.get(key) }

  field (type: string, key: string): FieldDef | undefined { return this.types.get(type)?.fields.find(f => f.key === key) }

  /** Every definition of a field key across types (filters without a type). */
  fieldsNamed (key: string): FieldDef[] {
    return [...this.types.values()].flatMap(t => t.fields.filter(f => f.key === key))
  }

  /** Reference fields, by type: what must be cleared when a CI is deleted. */
  referenceFields (): Array<{ type: string, key: string }> {
    return [...this.types.values()].flatMap(t => t.fields.filter(f => f.kind === 'reference').map(f => ({ type: t.key, key: f.key })))
  }
}

const fieldsOf = (r: TypeRow): FieldDef[] => (typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields)

export async function loadRegistry (trx: Transaction): Promise<Registry> {
  const rows = await trx('cmdb_types').select('key', 'builtin', 'label', 'description', 'fields').orderBy('key') as TypeRow[]
  return new Registry(rows)
}
