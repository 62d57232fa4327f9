import { useApiData, useT, type Page } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import type { Tenant } from './types.ts'

/** Tenants for filters and for naming a tenant id in job and audit rows (the first 200 by slug). */
export function useTenants (): Tenant[] {
  return useApiData<Page<Tenant>>('/api/v1/admin/tenants', { limit: 200 }).data?.items ?? []
}

/** A row's tenant by name; the id when it is not among the loaded tenants; "Platform" for none. */
export function TenantName ({ id, tenants }: { id: string | null, tenants: Tenant[] }) {
  const t = useT(messages)
  if (id === null) return <span className='admin-muted'>{t('platform')}</span>
  const tenant = tenants.find(x => x.id === id)
  return tenant ? <>{tenant.name}</> : <span className='admin-mono'>{id}</span>
}

/** A `<select>` of tenants for a filter, "any" first. */
export function TenantSelect ({ id, value, tenants, onChange }: { id: string, value: string, tenants: Tenant[], onChange: (id: string) => void }) {
  const t = useT(messages)
  return (
    <select id={id} className='mz-input' value={value} onChange={e => onChange(e.target.value)}>
      <option value=''>{t('anyTenant')}</option>
      {tenants.map(x => <option key={x.id} value={x.id}>{x.name} ({x.slug})</option>)}
      {value && !tenants.some(x => x.id === value) && <option value={value}>{value}</option>}
    </select>
  )
}
