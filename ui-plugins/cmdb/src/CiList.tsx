import { useMemo, useState } from 'react'
import {
  EmptyState, Link, describeError, joinPath, navigate, useApi, useHasPermission, useLocation, useT, useToast, type ModuleProps
} from '@monozu/ui-sdk'
import { CursorTable, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { CiStatusBadge, LiveBadge } from './badges.tsx'
import { typeLabel, useCatalog } from './catalog.tsx'
import { Dash, When } from './display.tsx'
import { isFiltered, parseFilters, toQuery, toSearch, type Filters } from './filters.ts'
import { ListFilters } from './ListFilters.tsx'
import { useDebounced, useLive } from './live.tsx'
import { messages } from './messages.ts'
import { SavedViews } from './SavedViews.tsx'
import { SectionNav } from './SectionNav.tsx'
import type { Ci } from './types.ts'

const PAGE = 50

/** Saves a text as a file through a temporary link (the export is small enough to hold in memory). */
function download (text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function CiList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const write = useHasPermission('cmdb.write')
  const { byKey } = useCatalog()
  const { search } = useLocation()
  const filters = useMemo(() => parseFilters(search), [search])
  const query = useMemo(() => ({ ...toQuery(filters), limit: PAGE }), [filters])
  const list = useCursorList<Ci>('/api/v1/cmdb/cis', query)
  const [stale, setStale] = useState(false)
  const [exporting, setExporting] = useState(false)

  const setFilters = (next: Partial<Filters>) => navigate(basePath + toSearch({ ...filters, ...next }), { replace: true })
  const pick = (f: Filters) => navigate(basePath + toSearch(f), { replace: true })

  const { setItems, reload, items } = list
  const refresh = useDebounced(() => { setStale(false); reload() })
  // Events carry ids only. One page on screen is cheap to read again; past that, a reload
  // would throw away what was loaded, so only deletions apply and the rest is offered.
  const status = useLive(e => {
    if (!e.event.startsWith('ci.') && e.event !== 'cis.changed') return
    if (items.length <= PAGE) { refresh(); return }
    if (e.event === 'ci.deleted') setItems(rows => rows.filter(r => r.id !== e.data.id))
    else setStale(true)
  })
  useCatchUp(status, reload)

  const exportCsv = async () => {
    setExporting(true)
    try {
      download(await api.get<string>('/api/v1/cmdb/export', { query: toQuery(filters) }), `cmdb-${new Date().toISOString().slice(0, 10)}.csv`)
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setExporting(false) }
  }

  const open = (ci: Ci) => joinPath(basePath, `/ci/${encodeURIComponent(ci.id)}`)
  const columns: Column<Ci>[] = [
    { key: 'name', header: t('field.name'), sortable: false, render: ci => <Link to={open(ci)} className='cmdb-strong'>{ci.name}</Link> },
    { key: 'type', header: t('type'), sortable: false, render: ci => typeLabel(t, ci.type, byKey.get(ci.type)) },
    { key: 'status', header: t('status'), sortable: false, render: ci => <CiStatusBadge status={ci.status} /> },
    { key: 'site', header: t('field.site'), sortable: false, render: ci => ci.site ?? <Dash /> },
    { key: 'hostname', header: t('field.hostname'), sortable: false, render: ci => ci.hostname ? <code>{ci.hostname}</code> : <Dash /> },
    { key: 'serial', header: t('field.serial'), sortable: false, render: ci => ci.serial ? <code>{ci.serial}</code> : <Dash /> },
    { key: 'updatedAt', header: t('updated'), sortable: false, render: ci => <span className='cmdb-nowrap'><When at={ci.updatedAt} /></span> }
  ]
  const filtered = isFiltered(filters)

  return (
    <div className='mz-stack cmdb'>
      <div className='mz-page-header'>
        <div className='mz-row'>
          <h1>{t('cisTitle')}</h1>
          <LiveBadge status={status} />
        </div>
        <div className='mz-row'>
          <button type='button' className='mz-button' onClick={() => { void exportCsv() }} disabled={exporting}>{exporting ? t('exporting') : t('exportCsv')}</button>
          {write && <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/new')}>{t('newCi')}</Link>}
        </div>
      </div>
      <SectionNav basePath={basePath} />
      <SavedViews filters={filters} onPick={pick} />
      <ListFilters filters={filters} onChange={setFilters} />
      {stale && (
        <p className='cmdb-note' role='status'>
          {t('listChanged')} <button type='button' className='mz-button' onClick={refresh}>{t('reloadList')}</button>
        </p>
      )}
      <CursorTable list={list} caption={t('cisTitle')} columns={columns} rowKey={ci => ci.id}
        onRowClick={ci => navigate(open(ci))}
        empty={filtered
          ? <EmptyState title={t('noMatchingCis')} action={<button type='button' className='mz-button' onClick={() => navigate(basePath, { replace: true })}>{t('clearFilters')}</button>} />
          : (
            <EmptyState title={t('noCis')} action={write ? <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/import')}>{t('importFirst')}</Link> : undefined}>
              {t(write ? 'noCisHintWriter' : 'noCisHint')}
            </EmptyState>
            )}
      />
    </div>
  )
}
