import { randomUUID } from 'node:crypto'
import { isUuid, type Transaction } from '@monozu/kernel'
import { applyInput, checkReferences } from '../cis/input.ts'
import { emptyState, fieldOf, type ChangeContext, type Ci } from '../cis/model.ts'
import { hasValue, userProvenance } from '../cis/service.ts'
import { fetchCis, findByNames, newCi } from '../cis/store.ts'
import type { FieldError } from '../types/definitions.ts'
import { CORE_FIELDS, type RowPlan } from '../types/model.ts'
import type { Registry } from '../types/registry.ts'

export type { RowPlan }

export interface ChunkPlan {
  creates: Ci[]
  updates: Array<{ before: Ci, after: Ci }>
  rows: RowPlan[]
  errors: FieldError[]
}

export interface CsvRow { row: number, cells: string[] }

const core = new Set<string>(CORE_FIELDS)

/**
 * Decides what each CSV row does: a row with an `id` updates that CI; without one, the row
 * updates the CI of the same type and name, or creates one. Only cells whose value differs
 * change anything, so importing an export changes nothing. One planner sees a whole file, in
 * order, so it also catches two rows that mean the same CI.
 */
export class Planner {
  private readonly names = new Map<string, number>()
  private readonly ids = new Map<string, number>()
  private readonly registry: Registry
  private readonly header: string[]
  private readonly emptyCells: 'clear' | 'keep'
  private readonly ctx: ChangeContext

  constructor (registry: Registry, header: string[], emptyCells: 'clear' | 'keep', ctx: ChangeContext) {
    this.registry = registry
    this.header = header
    this.emptyCells = emptyCells
    this.ctx = ctx
  }

  async plan (trx: Transaction, chunk: CsvRow[], options: { forUpdate: boolean }): Promise<ChunkPlan> {
    const out: ChunkPlan = { creates: [], updates: [], rows: [], errors: [] }
    const records = chunk.map(({ row, cells }) => ({ row, rec: Object.fromEntries(this.header.map((c, i) => [c, cells[i] ?? ''])) as Record<string, string> }))
    const byId = await fetchCis(trx, [...new Set(records.map(r => r.rec.id?.trim().toLowerCase() ?? '').filter(isUuid))], options)
    const pairs = records.map(r => [r.rec.type?.trim() ?? '', (r.rec.name ?? '').trim().toLowerCase()] as [string, string]).filter(([t, n]) => t && n)
    const byName = new Map<string, string>()
    for (const r of await findByNames<{ id: string, type: string, name_key: string }>(trx, pairs, ['id', 'type', 'name_key'])) byName.set(`${r.type}\u0000${r.name_key}`, r.id)
    const missing = [...new Set(byName.values())].filter(id => !byId.has(id))
    for (const [id, ci] of await fetchCis(trx, missing, options)) byId.set(id, ci)

    const by = userProvenance(this.ctx)
    const refs: Array<{ key: string, id: string, refType?: string, pointer: string, where: string }> = []
    for (const { row, rec } of records) {
      const err = (key: string, message: string, rule: string) => out.errors.push({ in: 'csv', pointer: `/rows/${row}/${key}`, message, rule })
      const pointer = (key: string) => `/rows/${row}/${key}`
      const idCell = rec.id?.trim().toLowerCase() ?? ''
      if (idCell && !isUuid(idCell)) { err('id', 'is not a CI id', 'type'); continue }
      const type = this.registry.get(rec.type?.trim() ?? '')
      if (!type) { err('type', `no CI type "${(rec.type ?? '').slice(0, 40)}"`, 'unknown_type'); continue }
      const target = idCell ? byId.get(idCell) : byId.get(byName.get(`${type.key}\u0000${(rec.name ?? '').trim().toLowerCase()}`) ?? '')
      if (idCell && !target) { err('id', `no CI ${idCell}`, 'not_found'); continue }
      if (target && target.type !== type.key) { err('type', `CI ${target.id} is a ${target.type}; the type cannot change`, 'immutable'); continue }

      const input: Record<string, unknown> = {}
      for (const column of this.header) {
        if (column === 'id' || column === 'type') continue
        const cell = rec[column] ?? ''
        const blank = cell.trim() === ''
        if (blank && (this.emptyCells === 'keep' || (!core.has(column) && !type.fields.some(f => f.key === column)))) continue
        input[column] = cell
      }
      if (!target && (input.status === undefined || (input.status as string).trim() === '')) input.status = 'active'
      const base = target ?? { ...emptyState(''), status: '' }
      const applied = applyInput(type, base, input, 'text', { create: !target, pointer, where: 'csv' })
      out.errors.push(...applied.errors)
      refs.push(...applied.references.map(r => ({ ...r, pointer: pointer(r.key), where: 'csv' })))
      if (applied.errors.length > 0) continue

      const nameKey = `${type.key}\u0000${applied.state.name.toLowerCase()}`
      const twin = this.names.get(nameKey) ?? (target ? this.ids.get(target.id) : undefined)
      if (twin !== undefined) { err(target && this.ids.has(target.id) ? 'id' : 'name', `is the same CI as row ${twin}`, 'unique'); continue }
      this.names.set(nameKey, row)
      if (target) this.ids.set(target.id, row)
      const owner = byName.get(nameKey)
      if (target && owner && owner !== target.id) { err('name', 'is already used by another CI of this type', 'unique'); continue }

      const sources = { ...(target?.sources ?? {}) }
      for (const key of applied.changed) {
        if (hasValue(fieldOf(applied.state, key))) sources[key] = by
        else delete sources[key]
      }
      if (!target) {
        const ci = newCi({ id: randomUUID(), type: type.key, state: applied.state, sources, at: this.ctx.at })
        out.creates.push(ci)
        out.rows.push({ row, action: 'create', id: ci.id, type: type.key, name: ci.name })
      } else if (applied.changed.length === 0) {
        out.rows.push({ row, action: 'unchanged', id: target.id, type: type.key, name: target.name })
      } else {
        const after: Ci = { ...target, ...applied.state, sources }
        out.updates.push({ before: target, after })
        out.rows.push({
          row, action: 'update', id: target.id, type: type.key, name: after.name,
          changes: Object.fromEntries(applied.changed.map(k => [k, { from: fieldOf(target, k), to: fieldOf(after, k) }]))
        })
      }
    }
    out.errors.push(...await checkReferences(trx, refs))
    return out
  }
}
