import type { Transaction } from '@monozu/kernel'
import { recordChanges, diff, type Change } from '../history/log.ts'
import { valueKey } from '../types/values.ts'
import type { CiChangedPayload } from './events.ts'
import { flatten, type Actor, type ChangeContext, type Ci, type CiState, type Provenance } from './model.ts'

/**
 * The one write path for CIs: every create, update and delete (API, CSV import, discovery,
 * review, type changes) goes through here, so the indexed values and the change log can never
 * drift from the CIs. Everything is batched: a call writes N CIs in a handful of statements.
 */

export interface CiRow {
  tenant_id: string
  id: string
  type: string
  name: string
  name_key: string
  status: string
  site: string | null
  description: string | null
  hostname: string | null
  serial: string | null
  hardware_uuid: string | null
  macs: string[] | string
  attributes: Record<string, unknown> | string
  locked: string[] | string
  sources: Record<string, Provenance> | string
  version: number
  created_at: Date | string
  updated_at: Date | string
}

const CHUNK = 1000
const json = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) as T : v)
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString()
const pgArray = (v: string[] | string): string[] => (Array.isArray(v) ? v : v === '{}' ? [] : v.slice(1, -1).split(',').map(s => s.replace(/^"|"$/g, '')))

export const CI_COLUMNS = ['id', 'type', 'name', 'status', 'site', 'description', 'hostname', 'serial', 'hardware_uuid', 'macs', 'attributes', 'locked', 'sources', 'version', 'created_at', 'updated_at']

export function ciOf (row: CiRow): Ci {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status,
    site: row.site,
    description: row.description,
    hostname: row.hostname,
    serial: row.serial,
    hardwareUuid: row.hardware_uuid,
    macs: pgArray(row.macs),
    attributes: json(row.attributes),
    locked: json(row.locked),
    sources: json(row.sources),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at)
  }
}

function rowOf (tenantId: string, ci: Ci) {
  return {
    tenant_id: tenantId,
    id: ci.id,
    type: ci.type,
    name: ci.name,
    name_key: ci.name.toLowerCase(),
    status: ci.status,
    site: ci.site,
    description: ci.description,
    hostname: ci.hostname,
    serial: ci.serial,
    hardware_uuid: ci.hardwareUuid,
    macs: ci.macs,
    attributes: JSON.stringify(ci.attributes),
    locked: JSON.stringify(ci.locked),
    sources: JSON.stringify(ci.sources),
    version: ci.version,
    created_at: ci.createdAt,
    updated_at: ci.updatedAt
  }
}

/** The rows `f.<field>=` filters and MAC matching use (see the migration for why). */
function valueRows (tenantId: string, ci: Ci): Array<{ tenant_id: string, ci_id: string, field: string, value: string }> {
  const rows = ci.macs.map(mac => ({ tenant_id: tenantId, ci_id: ci.id, field: 'macs', value: mac }))
  for (const [field, v] of Object.entries(ci.attributes)) {
    const value = valueKey(v)
    if (value !== null) rows.push({ tenant_id: tenantId, ci_id: ci.id, field, value })
  }
  return rows
}

async function insertValues (trx: Transaction, tenantId: string, cis: Ci[]): Promise<void> {
  const rows = cis.flatMap(ci => valueRows(tenantId, ci))
  for (let i = 0; i < rows.length; i += CHUNK) await trx('cmdb_ci_values').insert(rows.slice(i, i + CHUNK))
}

/** A CI's change-log view: its fields plus its locks. */
const logged = (ci: Ci): Record<string, unknown> => ({ type: ci.type, ...flatten(ci), locked: ci.locked })

const isSet = (v: unknown) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)
const event = (ci: Ci, change: CiChangedPayload['change'], changedFields: string[]): CiChangedPayload => ({ ciId: ci.id, change, changedFields, class: ci.type, name: ci.name })

export async function fetchCis (trx: Transaction, ids: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, Ci>> {
  const found = new Map<string, Ci>()
  for (let i = 0; i < ids.length; i += CHUNK) {
    const q = trx('cmdb_cis').select(CI_COLUMNS).whereIn('id', ids.slice(i, i + CHUNK))
    if (options.forUpdate) q.forUpdate()
    for (const row of await q as CiRow[]) found.set(row.id, ciOf(row))
  }
  return found
}

/**
 * Rows found by (type, lower-case name) pairs, one `type = ? and name_key in (...)` per type: a
 * row-value IN list of hundreds of pairs is planned as an OR chain and costs ~50 ms a batch.
 */
export async function findByNames<T> (trx: Transaction, pairs: Array<[string, string]>, columns: string[]): Promise<T[]> {
  const byType = new Map<string, Set<string>>()
  for (const [type, nameKey] of pairs) {
    let keys = byType.get(type)
    if (!keys) byType.set(type, keys = new Set())
    keys.add(nameKey)
  }
  const rows: T[] = []
  for (const [type, keys] of byType) {
    const list = [...keys]
    for (let i = 0; i < list.length; i += CHUNK) rows.push(...await trx('cmdb_cis').select(columns).where('type', type).whereIn('name_key', list.slice(i, i + CHUNK)) as T[])
  }
  return rows
}

export async function fetchCi (trx: Transaction, id: string, options: { forUpdate?: boolean } = {}): Promise<Ci | undefined> {
  return (await fetchCis(trx, [id], options)).get(id)
}

/** A new CI value, before it is stored. */
export function newCi (input: { id: string, type: string, state: CiState, locked?: string[], sources: Record<string, Provenance>, at: Date }): Ci {
  const at = input.at.toISOString()
  return { id: input.id, type: input.type, ...input.state, locked: input.locked ?? [], sources: input.sources, version: 1, createdAt: at, updatedAt: at }
}

/** `actors` names who made each CI's change when it is not `ctx.actor` (by CI id). */
export type Actors = ReadonlyMap<string, Actor>

const actorFor = (actors: Actors | undefined, id: string) => { const a = actors?.get(id); return a ? { actor: a } : {} }

export async function insertCis (trx: Transaction, tenantId: string, cis: Ci[], ctx: ChangeContext, actors?: Actors): Promise<void> {
  if (cis.length === 0) return
  for (let i = 0; i < cis.length; i += CHUNK) await trx('cmdb_cis').insert(cis.slice(i, i + CHUNK).map(ci => rowOf(tenantId, ci)))
  await insertValues(trx, tenantId, cis)
  await recordChanges(trx, tenantId, cis.map(ci => ({ entity: 'ci', action: 'create', ciId: ci.id, before: null, after: logged(ci), ...actorFor(actors, ci.id) })), ctx)
  await ctx.publish?.(trx, cis.map(ci => event(ci, 'created', Object.entries(logged(ci)).filter(([k, v]) => k !== 'type' && isSet(v)).map(([k]) => k))))
}

const updateSql = `
update cmdb_cis c set
  name = v.name, name_key = v.name_key, status = v.status, site = v.site, description = v.description,
  hostname = v.hostname, serial = v.serial, hardware_uuid = v.hardware_uuid, macs = v.macs,
  attributes = v.attributes, locked = v.locked, sources = v.sources, version = c.version + 1, updated_at = v.updated_at
from jsonb_to_recordset(?::jsonb) as v(id uuid, name text, name_key text, status text, site text, description text,
  hostname text, serial text, hardware_uuid text, macs text[], attributes jsonb, locked jsonb, sources jsonb, updated_at timestamptz)
where c.id = v.id`

/**
 * Stores the new state of CIs that changed (pairs whose before and after are equal are skipped)
 * and logs one change each with only the fields that changed. Returns the CIs written.
 */
export async function updateCis (trx: Transaction, tenantId: string, pairs: Array<{ before: Ci, after: Ci }>, ctx: ChangeContext, actors?: Actors): Promise<Ci[]> {
  const changes: Change[] = []
  const written: Ci[] = []
  const events: CiChangedPayload[] = []
  for (const { before, after } of pairs) {
    const d = diff(logged(before), logged(after))
    if (!d) continue
    const next = { ...after, version: before.version + 1, updatedAt: ctx.at.toISOString() }
    written.push(next)
    events.push(event(next, 'updated', Object.keys(d.after)))
    changes.push({ entity: 'ci', action: 'update', ciId: before.id, before: d.before, after: d.after, ...actorFor(actors, before.id) })
  }
  if (written.length === 0) return written
  for (let i = 0; i < written.length; i += CHUNK) {
    const slice = written.slice(i, i + CHUNK)
    const rows = slice.map(ci => {
      const r = rowOf(tenantId, ci)
      return { ...r, attributes: ci.attributes, locked: ci.locked, sources: ci.sources }
    })
    await trx.raw(updateSql, [JSON.stringify(rows)])
    await trx('cmdb_ci_values').whereIn('ci_id', slice.map(ci => ci.id)).del()
  }
  await insertValues(trx, tenantId, written)
  await recordChanges(trx, tenantId, changes, ctx)
  await ctx.publish?.(trx, events)
  return written
}

/** Deletes CIs and their relations (each logged); the caller clears references to them first. */
export async function deleteCis (trx: Transaction, tenantId: string, cis: Ci[], ctx: ChangeContext): Promise<void> {
  if (cis.length === 0) return
  const ids = cis.map(ci => ci.id)
  const relations = await trx('cmdb_relations').select('id', 'source_id', 'target_id', 'type')
    .where(q => q.whereIn('source_id', ids).orWhereIn('target_id', ids)) as Array<{ id: string, source_id: string, target_id: string, type: string }>
  const changes: Change[] = relations.map(r => ({
    entity: 'relation', action: 'delete', ciId: r.source_id, otherCiId: r.target_id, relationId: r.id,
    before: { sourceId: r.source_id, targetId: r.target_id, type: r.type }, after: null
  }))
  changes.push(...cis.map(ci => ({ entity: 'ci' as const, action: 'delete' as const, ciId: ci.id, before: logged(ci), after: null })))
  // Relations and indexed values go by ON DELETE CASCADE.
  for (let i = 0; i < ids.length; i += CHUNK) await trx('cmdb_cis').whereIn('id', ids.slice(i, i + CHUNK)).del()
  await recordChanges(trx, tenantId, changes, ctx)
  await ctx.publish?.(trx, cis.map(ci => event(ci, 'deleted', [])))
}
