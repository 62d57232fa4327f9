import { useCallback } from 'react'
import { ApiError, DelayedSpinner, EmptyState, ErrorState, Link, NavLink, joinPath, useApiData, useT, type ModuleProps } from '@monozu/ui-sdk'
import { useCatchUp } from '@monozu/ui-sdk/components'
import { CiStatusBadge, LiveBadge } from '../badges.tsx'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { useDebounced, useLive } from '../live.tsx'
import type { Ci, CmdbEvent } from '../types.ts'
import { FieldsTab } from './FieldsTab.tsx'
import { HistoryTab } from './HistoryTab.tsx'
import { ImpactTab } from './ImpactTab.tsx'
import { ciMessages } from './messages.ts'
import { RelationsTab } from './RelationsTab.tsx'

export type CiTab = 'fields' | 'relations' | 'impact' | 'history'

/** One CI: header and tabs; the tabs are sub-paths, so each one can be linked to. */
export function CiPage ({ basePath, id, tab }: ModuleProps & { id: string, tab: CiTab }) {
  const t = useT(ciMessages)
  const { byKey } = useCatalog()
  const path = `/api/v1/cmdb/cis/${encodeURIComponent(id)}`
  const ci = useApiData<Ci>(path)
  const reload = useDebounced(ci.reload, 150)
  const status = useLive(useCallback((e: CmdbEvent) => {
    if ((e.event === 'ci.updated' || e.event === 'ci.deleted') && e.data.id === id) reload()
    else if (e.event === 'cis.changed' && e.data.ids.includes(id)) reload()
  }, [id, reload]))
  useCatchUp(status, ci.reload)

  const back = <Link to={basePath} className='cmdb-back'>{t('backToList')}</Link>
  // Moving from one CI to another keeps the old one's data until the new one arrives: not shown.
  const c = ci.data?.id === id.toLowerCase() ? ci.data : undefined
  if (!c || (ci.error instanceof ApiError && ci.error.code === 'not_found')) {
    if (ci.error) {
      const missing = ci.error instanceof ApiError && (ci.error.code === 'not_found' || ci.error.code === 'validation_failed')
      return (
        <div className='mz-stack cmdb'>
          {back}
          {missing ? <EmptyState title={t('ciNotFound')} /> : <ErrorState error={ci.error} onRetry={ci.reload} />}
        </div>
      )
    }
    return <DelayedSpinner />
  }

  const type = byKey.get(c.type)
  const base = joinPath(basePath, `/ci/${encodeURIComponent(id)}`)
  return (
    <div className='mz-stack cmdb'>
      {back}
      <div className='mz-page-header'>
        <div className='mz-row'>
          <h1>{c.name}</h1>
          <span className='mz-badge mz-badge--neutral'>{typeLabel(t, c.type, type)}</span>
          <CiStatusBadge status={c.status} />
        </div>
        <LiveBadge status={status} />
      </div>
      <nav className='cmdb-tabs' aria-label={t('ciSections')}>
        <NavLink to={base} end>{t('tabFields')}</NavLink>
        <NavLink to={joinPath(base, '/relations')}>{t('tabRelations')}</NavLink>
        <NavLink to={joinPath(base, '/impact')}>{t('tabImpact')}</NavLink>
        <NavLink to={joinPath(base, '/history')}>{t('tabHistory')}</NavLink>
      </nav>
      {ci.error && <ErrorState error={ci.error} onRetry={ci.reload} />}
      {tab === 'fields' && <FieldsTab basePath={basePath} ci={c} type={type} onChange={ci.setData} onReload={ci.reload} />}
      {tab === 'relations' && <RelationsTab basePath={basePath} ci={c} />}
      {tab === 'impact' && <ImpactTab basePath={basePath} ci={c} />}
      {tab === 'history' && <HistoryTab basePath={basePath} ci={c} />}
    </div>
  )
}
