import type { Query } from '@monozu/ui-sdk'

/** What the queue shows: the API's filters, full-text search and sort (kept in the URL). */
export interface Filters {
  status: string
  type: string
  priority: string
  group: string
  /** '' anyone, 'me' the signed-in agent, 'none' unassigned */
  assignee: string
  /** '' any, 'true' only breached, 'false' only within SLA */
  breached: string
  q: string
  sort: string
}

export const SORTS = ['due', '-updated', '-created', 'priority', 'number'] as const
export const DEFAULT_SORT = 'due'
/** `open` is every status before resolved (the API's shorthand); the rest are single statuses. */
export const STATUS_FILTERS = ['active', 'new', 'open', 'pending', 'resolved', 'closed'] as const

export const noFilters: Filters = { status: '', type: '', priority: '', group: '', assignee: '', breached: '', q: '', sort: DEFAULT_SORT }
const KEYS = ['status', 'type', 'priority', 'group', 'assignee', 'breached', 'q'] as const

export function parseFilters (search: string): Filters {
  const p = new URLSearchParams(search)
  const sort = p.get('sort') ?? ''
  const f: Filters = { ...noFilters, sort: (SORTS as readonly string[]).includes(sort) ? sort : DEFAULT_SORT }
  for (const k of KEYS) f[k] = p.get(k) ?? ''
  return f
}

/** The filter set as URL and API query: empty values and the default sort left out. */
export function toQuery (f: Filters): Query {
  const q: Query = {}
  for (const k of KEYS) if (f[k]) q[k] = f[k]
  if (f.sort && f.sort !== DEFAULT_SORT) q.sort = f.sort
  return q
}

const ACTIVE = 'new,open,pending'

/** The API's query for a filter set (plugins/itsm tickets list): `me` is the signed-in user's id. */
export function toApiQuery (f: Filters, me: string | undefined): Query {
  const q: Query = {}
  if (f.status) q.status = f.status === 'active' ? ACTIVE : f.status
  if (f.type) q.type = f.type
  if (f.priority) q.priority = f.priority
  if (f.group) q.groupId = f.group
  if (f.assignee === 'me' && me) q.assigneeId = me
  else if (f.assignee === 'none') q.unassigned = true
  else if (f.assignee && f.assignee !== 'me') q.assigneeId = f.assignee
  if (f.breached === 'true' || f.breached === 'false') q.breached = f.breached === 'true'
  if (f.q) q.q = f.q
  q.sort = f.sort || DEFAULT_SORT
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
