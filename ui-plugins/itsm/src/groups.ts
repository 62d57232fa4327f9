import { useApiData, useHasPermission } from '@monozu/ui-sdk'
import type { Group } from './types.ts'

/** The tenant's agent groups (for filters and pickers); agents and admins may read them. */
export function useGroups (): { groups: Group[], reload: () => void } {
  const agent = useHasPermission('itsm.agent')
  const admin = useHasPermission('itsm.admin')
  const allowed = agent || admin
  const data = useApiData<{ items: Group[] }>(allowed ? '/api/v1/itsm/groups' : null, { limit: 200 })
  return { groups: data.data?.items ?? [], reload: data.reload }
}
