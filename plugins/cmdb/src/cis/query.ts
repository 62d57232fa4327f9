import type { Knex } from 'knex'
import { ApiError, decodeCursor, encodeCursor, type CursorKind, type Transaction } from '@monozu/kernel'
import { invalid } from '../http.ts'
import { STATUSES, TYPE_KEY } from '../types/model.ts'
import type { Registry } from '../types/registry.ts'
import { checkValue, valueKey } from '../types/values.ts'
import { normalizeHostname, normalizeMac, normalizeSerial } from './core.ts'
import { CI_COLUMNS } from './store.ts'

/** Each sort: its columns (all ascending or all descending; id breaks ties) and their cursor types. */
const SORTS = {
  name: ['name_key', 'id'],
  type: ['type', 'name_key', 'id'],
  status: ['status', 'name_key', 'id'],
  createdAt: ['created_at', 'id'],
  updatedAt: ['updated_at', 'id']
} as const
type SortKey = keyof typeof SORTS
const CURSOR_KINDS: Record<string, CursorKind> = { name_key: 'string', type: 'string', status: 'string', id: 'uuid', created_at: 'date', updated_at: 'date' }
const SORT_VALUES = Object.keys(SORTS).flatMap(s => [s, `-${s}`])

export const FIELD_FILTER = '^f\\.[a-z][a-zA-Z0-9_]{0,39}$'

/** Query string of the list and the export: filters, search and sort; `f.<field>=` filters a type field. */
export const filterQuery = {
  type: { type: 'string', pattern: TYPE_KEY },
  status: { enum: [...STATUSES] },
  site: { type: 'string', maxLength: 100 },
  hostname: { type: 'string', maxLength: 253 },
  serial: { type: 'string', maxLength: 100 },
  mac: { type: 'string', maxLength: 40 },
  q: { type: 'string', minLength: 1, maxLength: 100 },
  sort: { enum: SORT_VALUES, default: 'name' }
} as const

export interface ListFilters {
  type?: string
  status?: string
  site?: string
  hostname?: string
  serial?: string
  mac?: string
  q?: string
  sort: string
  [field: `f.${string}`]: string
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, m => `\\${m}`)

/**
 * The filtered set as a query on `cmdb_cis as c`. Every condition is plain equality on a
 * normalised column or on cmdb_ci_values, so PostgreSQL can use indexes under RLS.
 */
export function filtered (trx: Transaction, registry: Registry, f: ListFilters): Knex.QueryBuilder {
  const q = trx('cmdb_cis as c')
  if (f.type !== undefined) q.where('c.type', f.type)
  if (f.status !== undefined) q.where('c.status', f.status)
  if (f.site !== undefined) q.where('c.site', f.site)
  if (f.hostname !== undefined) q.where('c.hostname', normalizeHostname(f.hostname))
  if (f.serial !== undefined) q.where('c.serial', normalizeSerial(f.serial))
  if (f.mac !== undefined) {
    const mac = normalizeMac(f.mac)
    if (!mac) throw invalid([{ in: 'querystring', pointer: '/mac', message: 'is not a MAC address', rule: 'type' }])
    q.whereIn('c.id', trx('cmdb_ci_values').select('ci_id').where({ field: 'macs', value: mac }))
  }
  if (f.q !== undefined) {
    const like = `%${likeEscape(f.q.toLowerCase())}%`
    q.where(w => w.where('c.name_key', 'like', like).orWhere('c.hostname', 'like', like).orWhere('c.serial', 'like', like.toUpperCase()))
  }
  for (const [param, raw] of Object.entries(f)) {
    if (!param.startsWith('f.')) continue
    const key = param.slice(2)
    const defs = f.type !== undefined ? [registry.field(f.type, key)].filter(d => d !== undefined) : registry.fieldsNamed(key)
    if (defs.length === 0) throw invalid([{ in: 'querystring', pointer: `/${param}`, message: f.type ? `type ${f.type} has no field "${key}"` : `no type has a field "${key}"`, rule: 'unknown_field' }])
    // The same key may have different kinds in different types: match any reading that parses.
    const keys = new Set<string>()
    for (const def of defs) {
      const checked = checkValue(def, raw, 'text')
      if (checked.ok && checked.value !== null) keys.add(valueKey(checked.value) as string)
    }
    if (keys.size === 0) throw invalid([{ in: 'querystring', pointer: `/${param}`, message: `is not a valid ${defs[0]!.kind} value`, rule: 'type' }])
    q.whereIn('c.id', trx('cmdb_ci_values').select('ci_id').where('field', key).whereIn('value', [...keys]))
  }
  return q
}

function sortOf (sort: string): { key: SortKey, desc: boolean, columns: readonly string[] } {
  const desc = sort.startsWith('-')
  const key = (desc ? sort.slice(1) : sort) as SortKey
  return { key, desc, columns: SORTS[key] }
}

const cursorValue = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v))

/** One page of the filtered set in the requested order, keyset-paginated. */
export async function listPage (trx: Transaction, registry: Registry, f: ListFilters, limit: number, cursor: string | undefined): Promise<{ rows: Array<Record<string, unknown>>, nextCursor: string | null }> {
  const sort = sortOf(f.sort)
  const q = filtered(trx, registry, f).select(CI_COLUMNS.map(c => `c.${c}`).concat(sort.columns.includes('name_key') ? ['c.name_key'] : []))
  // The cursor holds the sort order and the last row's value of each sort column, each checked
  // against its column's kind so that a hand-made cursor is a 400 before it reaches SQL.
  const shape: Record<string, CursorKind> = { s: 'string', ...Object.fromEntries(sort.columns.map(c => [c, CURSOR_KINDS[c] as CursorKind])) }
  const after = decodeCursor(cursor, shape)
  if (after) {
    if (after.s !== f.sort) {
      throw new ApiError('validation_failed', 'querystring/cursor: belongs to another sort order', { extra: { errors: [{ in: 'querystring', pointer: '/cursor', message: 'belongs to another sort order' }] } })
    }
    const cols = sort.columns.map(c => `c.${c}`).join(', ')
    q.whereRaw(`(${cols}) ${sort.desc ? '<' : '>'} (${sort.columns.map(() => '?').join(', ')})`, sort.columns.map(c => after[c] as string | number))
  }
  for (const c of sort.columns) q.orderBy(`c.${c}`, sort.desc ? 'desc' : 'asc')
  const rows = await q.limit(limit + 1) as Array<Record<string, unknown>>
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const nextCursor = rows.length > limit && last ? encodeCursor({ s: f.sort, ...Object.fromEntries(sort.columns.map(c => [c, cursorValue(last[c])])) }) : null
  return { rows: page, nextCursor }
}

/** Splits a parsed query string into the list filters (the `f.*` keys are kept as they are). */
export function filtersOf (query: Record<string, unknown>): ListFilters {
  const f: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(query)) if (k !== 'limit' && k !== 'cursor' && k !== 'dryRun' && v !== undefined) f[k] = v
  return { sort: 'name', ...f } as ListFilters
}
