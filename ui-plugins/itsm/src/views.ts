import { useCallback, useEffect, useState } from 'react'
import { useMe } from '@monozu/ui-sdk'
import { noFilters, type Filters } from './filters.ts'

/** A named filter set: built in (`builtIn`, named by a text key) or the user's own. */
export interface SavedView { id: string, name: string, filters: Filters, builtIn?: boolean }

/** The views every agent starts with (names are text keys, translated where shown). */
export const BUILT_IN_VIEWS: SavedView[] = [
  { id: 'builtin:mine', name: 'view.mine', builtIn: true, filters: { ...noFilters, assignee: 'me', status: 'active' } },
  { id: 'builtin:unassigned', name: 'view.unassigned', builtIn: true, filters: { ...noFilters, assignee: 'none', status: 'active' } },
  { id: 'builtin:active', name: 'view.active', builtIn: true, filters: { ...noFilters, status: 'active' } },
  { id: 'builtin:pending', name: 'view.pending', builtIn: true, filters: { ...noFilters, status: 'pending' } }
]

const MAX_VIEWS = 50

function storageKey (tenantId: string | undefined, userId: string | undefined): string | null {
  return tenantId && userId ? `monozu.itsm.views.${tenantId}.${userId}` : null
}

function read (key: string | null): SavedView[] {
  if (!key) return []
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]')
    return Array.isArray(parsed)
      ? parsed.filter((v): v is SavedView => Boolean(v && typeof v.id === 'string' && typeof v.name === 'string' && v.filters && typeof v.filters === 'object'))
        .map(v => ({ ...v, builtIn: false, filters: { ...noFilters, ...v.filters } }))
      : []
  } catch { return [] }
}

/**
 * The signed-in agent's own views in this tenant. They live in this browser's localStorage (per
 * tenant and user, shared by its tabs), like the CMDB's: the API keeps no views.
 */
export function useSavedViews (): { views: SavedView[], save: (name: string, filters: Filters) => SavedView, remove: (id: string) => void } {
  const me = useMe()
  const key = storageKey(me?.tenant?.id, me?.user.id)
  const [views, setViews] = useState(() => read(key))
  useEffect(() => {
    setViews(read(key))
    const onStorage = (e: StorageEvent) => { if (e.key === key) setViews(read(key)) }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [key])

  const write = useCallback((next: SavedView[]) => {
    setViews(next)
    try { if (key) localStorage.setItem(key, JSON.stringify(next)) } catch { /* private window or full quota: kept for this page */ }
  }, [key])

  const save = useCallback((name: string, filters: Filters) => {
    const current = read(key)
    const existing = current.find(v => v.name.toLocaleLowerCase() === name.toLocaleLowerCase())
    const view: SavedView = { id: existing?.id ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, name, filters }
    write([...current.filter(v => v.id !== view.id), view].sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_VIEWS))
    return view
  }, [key, write])

  const remove = useCallback((id: string) => write(read(key).filter(v => v.id !== id)), [key, write])
  return { views, save, remove }
}
