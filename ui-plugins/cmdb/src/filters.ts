import type { Query } from '@monozu/ui-sdk'

/** What the list shows: the API's filters, search and sort (`f.<field>` filters a type field). */
export interface Filters {
  type: string
  status: string
  site: string
  q: string
  sort: string
  fields: Record<string, string>
}

export const SORTS = ['name', '-name', 'type', 'status', '-updatedAt', 'updatedAt', '-createdAt', 'createdAt'] as const
export const DEFAULT_SORT = 'name'

export const noFilters: Filters = { type: '', status: '', site: '', q: '', sort: DEFAULT_SORT, fields: {} }

/** Filters from a query string (the list keeps them in its URL, so a view can be linked and goes back). */
export function parseFilters (search: string): Filters {
  const p = new URLSearchParams(search)
  const fields: Record<string, string> = {}
  for (const [k, v] of p) if (k.startsWith('f.') && k.length > 2 && v) fields[k.slice(2)] = v
  const sort = p.get('sort') ?? ''
  return {
    type: p.get('type') ?? '',
    status: p.get('status') ?? '',
    site: p.get('site') ?? '',
    q: p.get('q') ?? '',
    sort: (SORTS as readonly string[]).includes(sort) ? sort : DEFAULT_SORT,
    fields
  }
}

/** The API query of a filter set: empty values left out, the default sort too. */
export function toQuery (f: Filters): Query {
  const q: Query = {}
  if (f.type) q.type = f.type
  if (f.status) q.status = f.status
  if (f.site) q.site = f.site
  if (f.q) q.q = f.q
  if (f.sort && f.sort !== DEFAULT_SORT) q.sort = f.sort
  for (const [k, v] of Object.entries(f.fields).sort(([a], [b]) => a.localeCompare(b))) if (v) q[`f.${k}`] = v
  return q
}

export function toSearch (f: Filters): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(toQuery(f))) qs.set(k, String(v))
  const s = qs.toString()
  return s ? `?${s}` : ''
}

export const sameFilters = (a: Filters, b: Filters): boolean => toSearch(a) === toSearch(b)
export const isFiltered = (f: Filters): boolean => toSearch({ ...f, sort: DEFAULT_SORT }) !== ''
