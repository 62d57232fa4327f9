import { useMemo } from 'react'
import { navigate, useLocation } from '@monozu/ui-sdk'

/**
 * A list's filters kept in the URL (`?state=dead&tenant=…`): the back button and a shared link
 * bring them back. `set` replaces the history entry, so filtering does not fill the history.
 */
export function useUrlFilters<K extends string> (path: string, keys: readonly K[]): { filters: Record<K, string>, set: (next: Partial<Record<K, string>>) => void, active: boolean } {
  const { search } = useLocation()
  const filters = useMemo(() => {
    const p = new URLSearchParams(search)
    return Object.fromEntries(keys.map(k => [k, p.get(k) ?? ''])) as Record<K, string>
  }, [search, keys])
  const set = (next: Partial<Record<K, string>>) => {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries({ ...filters, ...next })) if (v) qs.set(k, String(v))
    const s = qs.toString()
    navigate(s ? `${path}?${s}` : path, { replace: true })
  }
  return { filters, set, active: keys.some(k => filters[k] !== '') }
}
