import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { useApiData, useHasPermission } from '@monozu/ui-sdk'
import { useDebounced, useLive } from './live.tsx'
import type { Group } from './types.ts'

interface Groups { groups: Group[], byId: Map<string, Group>, reload: () => void }
const GroupsContext = createContext<Groups | null>(null)

/** The tenant's agent groups, read once for the module (agents and admins only) and again when they change. */
export function GroupsProvider ({ children }: { children: ReactNode }) {
  const agent = useHasPermission('itsm.agent')
  const admin = useHasPermission('itsm.admin')
  const data = useApiData<{ items: Group[] }>(agent || admin ? '/api/v1/itsm/groups' : null)
  const reload = useDebounced(data.reload, 200)
  useLive(e => { if (e.event === 'config.changed') reload() })
  const value = useMemo<Groups>(() => {
    const groups = data.data?.items ?? []
    return { groups, byId: new Map(groups.map(g => [g.id, g])), reload: data.reload }
  }, [data.data, data.reload])
  return <GroupsContext.Provider value={value}>{children}</GroupsContext.Provider>
}

export function useGroups (): Groups {
  const groups = useContext(GroupsContext)
  if (!groups) throw new Error('useGroups needs the GroupsProvider (Module.tsx)')
  return groups
}
