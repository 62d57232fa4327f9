import { useApiData, useT } from '@monozu/ui-sdk'
import { SelectFilter, type Page } from '@monozu/ui-sdk/components'
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

/** The tenant filter, "any" first; a tenant id from the URL that is not among the loaded ones stays choosable. */
export function TenantFilter ({ id, value, tenants, onChange }: { id: string, value: string, tenants: Tenant[], onChange: (id: string) => void }) {
  const t = useT(messages)
  const ids = tenants.map(x => x.id)
  const label = (tenantId: string) => { const x = tenants.find(y => y.id === tenantId); return x ? `${x.name} (${x.slug})` : tenantId }
  return <SelectFilter id={id} label={t('tenant')} anyLabel={t('anyTenant')} options={value && !ids.includes(value) ? [...ids, value] : ids} optionLabel={label} value={value} onChange={onChange} />
}
