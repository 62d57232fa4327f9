import { EmptyState, Link, joinPath, navigate, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { TenantStatusBadge } from './badges.tsx'
import { useUrlFilters } from './filters.ts'
import { Expiry, FeatureList } from './LicenseSummary.tsx'
import { ManagementNote } from './ManagementNote.tsx'
import { messages } from './messages.ts'
import type { Tenant } from './types.ts'

const KEYS = ['status'] as const
const TENANT_STATUSES = ['active', 'suspended'] as const

/** Every tenant with its license: features, seats, expiry. */
export function TenantList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const path = joinPath(basePath, '/tenants')
  const { filters, set, active } = useUrlFilters(path, KEYS)
  const list = useCursorList<Tenant>('/api/v1/admin/tenants', { ...filters, limit: 100 })
  const open = (x: Tenant) => joinPath(basePath, `/tenants/${x.id}`)
  const none = <span className='admin-muted'>{t('noLicense')}</span>
  const columns: Column<Tenant>[] = [
    { key: 'name', header: t('name'), render: x => <Link to={open(x)} className='admin-strong'>{x.name}</Link> },
    { key: 'slug', header: t('slug'), render: x => <span className='admin-mono'>{x.slug}</span> },
    { key: 'status', header: t('status'), render: x => <TenantStatusBadge status={x.status} /> },
    { key: 'features', header: t('features'), sortable: false, filterValue: x => x.license?.features.join(' ') ?? '', render: x => (x.license ? <FeatureList features={x.license.features} /> : none) },
    { key: 'seats', header: t('seats'), align: 'end', sortValue: x => x.license?.seats, render: x => x.license?.seats ?? '' },
    { key: 'expires', header: t('expires'), sortValue: x => x.license?.expiresAt, render: x => (x.license ? <Expiry license={x.license} /> : '') }
  ]
  return (
    <div className='mz-stack admin'>
      <div className='mz-page-header'><h1>{t('tenantsTitle')}</h1></div>
      <ManagementNote />
      <form className='admin-filters' aria-label={t('filters')} onSubmit={e => e.preventDefault()}>
        <SelectFilter id='admin-tenant-status' label={t('status')} anyLabel={t('any')} options={TENANT_STATUSES} optionLabel={s => t(`tenantStatus.${s}`)} value={filters.status} onChange={status => set({ status })} />
      </form>
      <CursorTable list={list} caption={t('tenantsTitle')} columns={columns} rowKey={x => x.id}
        filterable
        onRowClick={x => navigate(open(x))}
        empty={active ? <EmptyState title={t('noMatchingTenants')} /> : <EmptyState title={t('noTenants')}>{t('noTenantsHint')}</EmptyState>}
      />
    </div>
  )
}
