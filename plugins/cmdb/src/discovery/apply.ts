import { randomUUID } from 'node:crypto'
import { emptyState, fieldOf, withField, type Ci } from '../cis/model.ts'
import { newCi } from '../cis/store.ts'
import type { TypeDef } from '../types/model.ts'
import { checkValue, sameValue } from '../types/values.ts'
import { nameOf, provenanceOf, type Discovered } from './event.ts'

export interface Skipped { field: string, reason: string }

/**
 * The fields an event actually sent, as canonical values of the CI's type. A field the type does
 * not have, or a value that breaks the field's rules, is skipped (never a reason to drop the
 * whole event). `required` does not apply: discovery only knows what it can see.
 */
export function sentFields (d: Discovered, type: TypeDef): { values: Map<string, unknown>, skipped: Skipped[] } {
  const values = new Map<string, unknown>()
  const skipped: Skipped[] = []
  for (const key of ['hostname', 'serial', 'hardwareUuid', 'site'] as const) if (d[key] !== null) values.set(key, d[key])
  if (d.macs.length > 0) values.set('macs', d.macs)
  for (const [key, raw] of Object.entries(d.fields)) {
    const def = type.fields.find(f => f.key === key)
    if (!def) { skipped.push({ field: key, reason: `type ${type.key} has no such field` }); continue }
    const checked = checkValue(def, raw, 'json')
    if (!checked.ok) { skipped.push({ field: key, reason: checked.message }); continue }
    if (checked.value !== null) values.set(key, checked.value)
  }
  return { values, skipped }
}

/**
 * Applies what an event sent to a matched CI: only fields it sent, never a locked one, and
 * provenance only where the value changes (a user's value that discovery confirms stays the user's).
 */
export function applyDiscovered (ci: Ci, d: Discovered, type: TypeDef): { after: Ci, changed: string[], locked: string[], skipped: Skipped[] } {
  const { values, skipped } = sentFields(d, type)
  const by = provenanceOf(d)
  let after = ci
  const sources = { ...ci.sources }
  const changed: string[] = []
  const locked: string[] = []
  for (const [key, value] of values) {
    if (ci.locked.includes(key)) { if (!sameValue(fieldOf(ci, key), value)) locked.push(key); continue }
    if (sameValue(fieldOf(after, key), value)) continue
    after = { ...after, ...withField(after, key, value) }
    sources[key] = by
    changed.push(key)
  }
  return { after: changed.length > 0 ? { ...after, sources } : ci, changed, locked, skipped }
}

export function createDiscovered (d: Discovered, type: TypeDef, at: Date): { ci: Ci, skipped: Skipped[] } {
  const { values, skipped } = sentFields(d, type)
  let state = emptyState(nameOf(d))
  const by = provenanceOf(d)
  const sources: Ci['sources'] = { name: by, status: by }
  for (const [key, value] of values) { state = withField(state, key, value); sources[key] = by }
  return { ci: newCi({ id: randomUUID(), type: type.key, state, sources, at }), skipped }
}
