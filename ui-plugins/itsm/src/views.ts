import { useCallback } from 'react'
import { useApi, useApiData, useMe } from '@monozu/ui-sdk'
import { DEFAULT_SORT, noFilters, SORTS, type Filters } from './filters.ts'

/** A named filter set: built in (`builtIn`, named by a text key) or saved on the server (own or shared). */
export interface SavedView { id: string, name: string, filters: Filters, builtIn?: boolean, shared?: boolean, mine?: boolean }

/** The views every agent starts with (names are text keys, translated where shown). */
export const BUILT_IN_VIEWS: SavedView[] = [
  { id: 'builtin:mine', name: 'view.mine', builtIn: true, filters: { ...noFilters, assignee: 'me', status: 'active' } },
  { id: 'builtin:unassigned', name: 'view.unassigned', builtIn: true, filters: { ...noFilters, assignee: 'none', status: 'active' } },
  { id: 'builtin:active', name: 'view.active', builtIn: true, filters: { ...noFilters, status: 'active' } },
  { id: 'builtin:breached', name: 'view.breached', builtIn: true, filters: { ...noFilters, status: 'active', breached: 'true' } },
  { id: 'builtin:pending', name: 'view.pending', builtIn: true, filters: { ...noFilters, status: 'pending' } }
]

/** A view as the API stores it (plugins/itsm admin routes: /api/v1/itsm/views). */
interface ApiView {
  id: string, ownerId: string, name: string, shared: boolean, sort: string
  filters: { status?: string[], type?: string[], priority?: number[], assigneeId?: string, groupId?: string, q?: string, unassigned?: boolean, breached?: boolean }
}

const ACTIVE = ['new', 'open', 'pending']

/** The queue's filters in the API's view shape ("me" is saved as the saver's id). */
function toApi (f: Filters, me: string | undefined): Pick<ApiView, 'filters' | 'sort'> {
  const filters: ApiView['filters'] = {}
  if (f.status) filters.status = f.status === 'active' ? ACTIVE : f.status.split(',')
  if (f.type) filters.type = f.type.split(',')
  if (f.priority) filters.priority = f.priority.split(',').map(Number)
  if (f.group) filters.groupId = f.group
  if (f.assignee === 'me' && me) filters.assigneeId = me
  else if (f.assignee === 'none') filters.unassigned = true
  else if (f.assignee) filters.assigneeId = f.assignee
  if (f.breached) filters.breached = f.breached === 'true'
  if (f.q) filters.q = f.q
  return { filters, sort: f.sort || DEFAULT_SORT }
}

function fromApi (v: ApiView, me: string | undefined): Filters {
  const f = v.filters ?? {}
  const status = f.status?.length ? ([...f.status].sort().join(',') === [...ACTIVE].sort().join(',') ? 'active' : f.status.join(',')) : ''
  return {
    ...noFilters,
    status,
    type: f.type?.join(',') ?? '',
    priority: f.priority?.join(',') ?? '',
    group: f.groupId ?? '',
    assignee: f.unassigned ? 'none' : f.assigneeId ? (f.assigneeId === me ? 'me' : f.assigneeId) : '',
    breached: f.breached === undefined ? '' : String(f.breached),
    q: f.q ?? '',
    sort: (SORTS as readonly string[]).includes(v.sort) ? v.sort : DEFAULT_SORT
  }
}

/** The agent's own saved views and the ones others shared, kept on the server. */
export function useSavedViews (): {
  views: SavedView[]
  save: (name: string, filters: Filters, shared: boolean, replace?: string) => Promise<SavedView>
  remove: (id: string) => Promise<void>
} {
  const api = useApi()
  const me = useMe()?.user.id
  const data = useApiData<{ items: ApiView[] }>('/api/v1/itsm/views')
  const { reload } = data
  const views = (data.data?.items ?? []).map(v => ({ id: v.id, name: v.name, shared: v.shared, mine: v.ownerId === me, filters: fromApi(v, me) }))

  const save = useCallback(async (name: string, filters: Filters, shared: boolean, replace?: string) => {
    const body = { name, shared, ...toApi(filters, me) }
    const v = replace
      ? await api.patch<ApiView>(`/api/v1/itsm/views/${encodeURIComponent(replace)}`, body)
      : await api.post<ApiView>('/api/v1/itsm/views', body)
    reload()
    return { id: v.id, name: v.name, shared: v.shared, mine: true, filters: fromApi(v, me) }
  }, [api, me, reload])

  const remove = useCallback(async (id: string) => {
    await api.del(`/api/v1/itsm/views/${encodeURIComponent(id)}`)
    reload()
  }, [api, reload])
  return { views, save, remove }
}
