import { useCallback, useEffect, useState } from 'react'
import { useMe } from '@monozu/ui-sdk'
import type { Filters } from './filters.ts'

/** A named filter set. The backend has no API for these: they live in this browser's localStorage. */
export interface SavedView { id: string, name: string, filters: Filters }

const MAX_VIEWS = 50

function storageKey (tenantId: string | undefined, userId: string | undefined): string | null {
  return tenantId && userId ? `monozu.cmdb.views.${tenantId}.${userId}` : null
}

function read (key: string | null): SavedView[] {
  if (!key) return []
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((v): v is SavedView => Boolean(v && typeof v.id === 'string' && typeof v.name === 'string' && v.filters && typeof v.filters === 'object')) : []
  } catch { return [] }
}

/** The signed-in user's saved views in this tenant (kept per tenant and user, shared by tabs). */
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
    // Private windows and full quotas refuse writes: the views then last as long as the page.
    try { if (key) localStorage.setItem(key, JSON.stringify(next)) } catch { /* kept in memory only */ }
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
