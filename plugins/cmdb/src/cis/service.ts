import { randomUUID } from 'node:crypto'
import { ApiError, type Transaction } from '@monozu/kernel'
import { invalid, isUniqueViolation } from '../http.ts'
import type { FieldError } from '../types/definitions.ts'
import { CORE_FIELDS, type TypeDef } from '../types/model.ts'
import type { Registry } from '../types/registry.ts'
import { applyInput, checkReferences } from './input.ts'
import { emptyState, fieldOf, withField, type ChangeContext, type Ci, type Provenance } from './model.ts'
import { deleteCis, fetchCis, insertCis, newCi, updateCis } from './store.ts'

/** Provenance of fields a person set (API, import, review). */
export function userProvenance (ctx: ChangeContext): Provenance {
  return { by: ctx.actor.kind, userId: ctx.actor.id, at: ctx.at.toISOString() }
}

export const hasValue = (v: unknown) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)

export function checkLocks (type: TypeDef, locked: string[]): FieldError[] {
  const known = new Set<string>([...CORE_FIELDS, ...type.fields.map(f => f.key)])
  return locked.flatMap((key, i) => known.has(key) ? [] : [{ in: 'body', pointer: `/locked/${i}`, message: `type ${type.key} has no field "${key}"`, rule: 'unknown_field' }])
}

export function typeOrFail (registry: Registry, key: string, pointer = '/type'): TypeDef {
  const type = registry.get(key)
  if (!type) throw invalid([{ in: 'body', pointer, message: `no CI type "${key}"`, rule: 'unknown_type' }])
  return type
}

export async function assertNameFree (trx: Transaction, type: string, name: string, exceptId?: string): Promise<void> {
  const q = trx('cmdb_cis').first('id').where({ type, name_key: name.toLowerCase() })
  if (exceptId) q.whereNot('id', exceptId)
  const clash = await q as { id: string } | undefined
  if (clash) throw nameTaken(type, name, clash.id)
}

export const nameTaken = (type: string, name: string, id?: string) => new ApiError('conflict', `A ${type} named "${name}" already exists`, {
  extra: { errors: [{ in: 'body', pointer: '/name', message: 'is already used by another CI of this type', rule: 'unique' }], ...(id ? { existingId: id } : {}) }
})

/** Inserts, turning a lost race on the unique name into the same 409 the pre-check gives. */
export async function insertOrConflict (trx: Transaction, tenantId: string, cis: Ci[], ctx: ChangeContext): Promise<void> {
  try {
    await insertCis(trx, tenantId, cis, ctx)
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError('conflict', 'A CI with the same type and name already exists', { extra: { errors: [{ in: 'body', pointer: '/name', message: 'is already used by another CI of this type', rule: 'unique' }] } })
    throw err
  }
}

export async function createCi (trx: Transaction, tenantId: string, registry: Registry, input: { type: string, locked?: string[], fields: Record<string, unknown> }, ctx: ChangeContext): Promise<Ci> {
  const type = typeOrFail(registry, input.type)
  const applied = applyInput(type, { ...emptyState(''), status: '' }, { status: 'active', ...input.fields }, 'json', { create: true })
  const errors = [...applied.errors, ...checkLocks(type, input.locked ?? [])]
  errors.push(...await checkReferences(trx, applied.references.map(r => ({ ...r, pointer: `/${r.key}`, where: 'body' }))))
  if (errors.length > 0) throw invalid(errors)
  await assertNameFree(trx, type.key, applied.state.name)
  const by = userProvenance(ctx)
  const sources = Object.fromEntries(applied.changed.filter(k => hasValue(fieldOf(applied.state, k))).map(k => [k, by]))
  const ci = newCi({ id: randomUUID(), type: type.key, state: applied.state, locked: [...new Set(input.locked ?? [])], sources, at: ctx.at })
  await insertOrConflict(trx, tenantId, [ci], ctx)
  return ci
}

/** The CI after a user's patch (not stored): `{ after, errors }`. */
export async function patched (trx: Transaction, registry: Registry, ci: Ci, patch: { locked?: string[], fields: Record<string, unknown> }, ctx: ChangeContext, pointer?: (key: string) => string): Promise<{ after: Ci, errors: FieldError[] }> {
  const type = registry.get(ci.type)
  if (!type) throw new ApiError('conflict', `CI ${ci.id} has the type "${ci.type}", which no longer exists`)
  const options = pointer ? { create: false, pointer } : { create: false }
  const applied = applyInput(type, ci, patch.fields, 'json', options)
  const errors = [...applied.errors, ...(patch.locked ? checkLocks(type, patch.locked) : [])]
  errors.push(...await checkReferences(trx, applied.references.map(r => ({ ...r, pointer: (pointer ?? (k => `/${k}`))(r.key), where: 'body' }))))
  const by = userProvenance(ctx)
  const sources = { ...ci.sources }
  for (const key of applied.changed) {
    if (!hasValue(fieldOf(applied.state, key))) delete sources[key]
    else sources[key] = by
  }
  const after: Ci = { ...ci, ...applied.state, sources, locked: patch.locked ? [...new Set(patch.locked)] : ci.locked }
  return { after, errors }
}

export async function patchCi (trx: Transaction, tenantId: string, registry: Registry, ci: Ci, patch: { locked?: string[], fields: Record<string, unknown> }, ctx: ChangeContext): Promise<Ci> {
  const { after, errors } = await patched(trx, registry, ci, patch, ctx)
  if (errors.length > 0) throw invalid(errors)
  if (after.name !== ci.name) await assertNameFree(trx, ci.type, after.name, ci.id)
  const [written] = await updateCis(trx, tenantId, [{ before: ci, after }], ctx)
  return written ?? ci
}

/**
 * Deletes CIs: reference fields of other CIs that point at them are cleared first (logged as
 * updates of those CIs), then the CIs and their relations go (logged as deletes).
 */
export async function removeCis (trx: Transaction, tenantId: string, registry: Registry, cis: Ci[], ctx: ChangeContext): Promise<void> {
  const ids = cis.map(c => c.id)
  const refs = registry.referenceFields()
  if (refs.length > 0 && ids.length > 0) {
    const pointing = await trx('cmdb_ci_values').distinct('ci_id').whereIn('field', [...new Set(refs.map(r => r.key))]).whereIn('value', ids) as Array<{ ci_id: string }>
    const others = [...(await fetchCis(trx, pointing.map(p => p.ci_id).filter(id => !ids.includes(id)), { forUpdate: true })).values()]
    const pairs = others.map(before => {
      let after: Ci = before
      for (const r of refs) {
        if (r.type === before.type && ids.includes(fieldOf(before, r.key) as string)) {
          after = { ...after, ...withField(after, r.key, null) }
          const sources = { ...after.sources }
          delete sources[r.key]
          after = { ...after, sources }
        }
      }
      return { before, after }
    })
    await updateCis(trx, tenantId, pairs, ctx)
  }
  await deleteCis(trx, tenantId, cis, ctx)
}
