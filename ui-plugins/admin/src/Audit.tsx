import { EmptyState, joinPath, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, TextFilter, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { useUrlFilters } from './filters.ts'
import { ListHeader } from './ListHeader.tsx'
import { messages } from './messages.ts'
import { TenantFilter, TenantName, useTenants } from './tenant-names.tsx'
import type { AuditEntry } from './types.ts'

const KEYS = ['tenant', 'action', 'actor'] as const

/** The audit log of every tenant and the platform, newest first, page by page. */
export function Audit ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const tenants = useTenants()
  const { filters, set, active } = useUrlFilters(joinPath(basePath, '/audit'), KEYS)
  const list = useCursorList<AuditEntry>('/api/v1/admin/audit', { ...filters, limit: 50 })

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('at'), render: e => <span className='admin-nowrap'>{fmt.dateTime(e.at, { seconds: true })}</span> },
    { key: 'tenantId', header: t('tenant'), render: e => <TenantName id={e.tenantId} tenants={tenants} /> },
    { key: 'actor', header: t('actor'), render: e => <span className='admin-mono'>{e.actor}</span> },
    { key: 'action', header: t('action'), render: e => <span className='admin-mono'>{e.action}</span> },
    { key: 'target', header: t('target'), render: e => <span className='admin-mono'>{e.target ?? ''}</span> },
    { key: 'details', header: t('details'), sortable: false, render: e => (e.details == null ? '' : <code className='admin-details'>{JSON.stringify(e.details)}</code>) }
  ]

  return (
    <div className='mz-stack admin'>
      <ListHeader title={t('auditTitle')} list={list} />
      <form className='admin-filters' aria-label={t('filters')} onSubmit={e => e.preventDefault()}>
        <TenantFilter id='admin-audit-tenant' value={filters.tenant} tenants={tenants} onChange={tenant => set({ tenant })} />
        <TextFilter id='admin-audit-action' label={t('action')} placeholder={t('actionHint')} value={filters.action} onChange={action => set({ action })} />
        <TextFilter id='admin-audit-actor' label={t('actor')} placeholder={t('actorHint')} value={filters.actor} onChange={actor => set({ actor })} />
        {active && <button type='button' className='mz-button mz-button--ghost' onClick={() => set({ tenant: '', action: '', actor: '' })}>{t('clearFilters')}</button>}
      </form>
      <CursorTable list={list} caption={t('auditTitle')} columns={columns} rowKey={e => e.id}
        empty={<EmptyState title={t('noEntries')} />}
      />
    </div>
  )
}
