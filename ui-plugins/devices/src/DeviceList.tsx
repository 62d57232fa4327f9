import { useEffect, useMemo, useState } from 'react'
import { EmptyState, Link, joinPath, navigate, useHasPermission, useLocation, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, TextFilter, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { DeviceStatusBadge, LiveBadge } from './badges.tsx'
import { Tags, When } from './display.tsx'
import { useLive, useNow, useRefresh } from './live.tsx'
import { messages } from './messages.ts'
import { SectionNav } from './SectionNav.tsx'
import { DEVICE_STATUSES, type Device, type DevicesEvent } from './types.ts'

interface Filters { status: string, site: string, q: string }
const PAGE = 50

/** Does a device belong in the list under these filters? Mirrors the server's filter for live rows. */
export function matches (d: Device, f: Filters): boolean {
  if (f.status && d.status !== f.status) return false
  if (f.site && d.site !== f.site) return false
  if (f.q) {
    const q = f.q.toLocaleLowerCase()
    if (![d.hostname, d.os, d.hardwareId].some(v => v.toLocaleLowerCase().includes(q))) return false
  }
  return true
}

/** Applies one live event to the loaded rows (sorted by hostname, like the API). */
export function applyEvent (rows: Device[], e: DevicesEvent, f: Filters, complete: boolean): Device[] {
  if (e.event === 'device.status') {
    const { deviceId, to, at } = e.data
    return rows.flatMap(d => {
      if (d.id !== deviceId) return [d]
      const next = { ...d, status: to, lastSeenAt: to === 'online' && (!d.lastSeenAt || d.lastSeenAt < at) ? at : d.lastSeenAt }
      return matches(next, f) ? [next] : []
    })
  }
  if (e.event !== 'device.enrolled' && e.event !== 'device.updated') return rows
  const device = e.data.device
  const without = rows.filter(d => d.id !== device.id)
  if (!matches(device, f)) return without
  const known = without.length !== rows.length
  const last = rows[rows.length - 1]
  // A new row past the last loaded one belongs to a page not loaded yet.
  if (!known && !complete && last && device.hostname.localeCompare(last.hostname) > 0) return rows
  return [...without, device].sort((a, b) => a.hostname.localeCompare(b.hostname))
}

export function DeviceList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const admin = useHasPermission('devices.admin')
  const { search: qs } = useLocation()
  const filters = useMemo<Filters>(() => {
    const p = new URLSearchParams(qs)
    return { status: p.get('status') ?? '', site: p.get('site') ?? '', q: p.get('q') ?? '' }
  }, [qs])
  // The search box follows the URL (back button, "clear") but is typed into freely.
  const [search, setSearch] = useState(filters.q)
  const [shownQ, setShownQ] = useState(filters.q)
  if (shownQ !== filters.q) { setShownQ(filters.q); setSearch(filters.q) }
  const list = useCursorList<Device>('/api/v1/devices', { ...filters, limit: PAGE })
  useNow()

  const setFilters = (next: Partial<Filters>) => {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries({ ...filters, ...next })) if (v) qs.set(k, v)
    const s = qs.toString()
    navigate(s ? `${basePath}?${s}` : basePath, { replace: true })
  }

  // Typing searches after a short pause, not on every key.
  useEffect(() => {
    if (search.trim() === filters.q) return
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 300)
    return () => clearTimeout(timer)
  }, [search]) // only typing starts a search; a URL change updates `search` itself

  const { setItems, reload, hasMore } = list
  const status = useLive(e => setItems(rows => applyEvent(rows, e, filters, !hasMore)))
  useCatchUp(status, reload)
  // Only while one page is shown: a reload starts again from the first page.
  useRefresh(reload, 60_000, list.items.length <= PAGE)

  const open = (d: Device) => joinPath(basePath, `/${d.id}`)
  const columns: Column<Device>[] = [
    { key: 'hostname', header: t('hostname'), render: d => <Link to={open(d)} className='devices-strong'>{d.hostname}</Link> },
    { key: 'status', header: t('status'), render: d => <DeviceStatusBadge status={d.status} />, sortValue: d => DEVICE_STATUSES.indexOf(d.status) },
    { key: 'lastSeenAt', header: t('lastContact'), render: d => <When at={d.lastSeenAt} /> },
    { key: 'os', header: t('os') },
    { key: 'agentVersion', header: t('agentVersion') },
    { key: 'site', header: t('site'), render: d => d.site ?? <span className='mz-muted' aria-hidden='true'>–</span> },
    { key: 'tags', header: t('tags'), render: d => <Tags tags={d.tags} />, sortable: false }
  ]
  const filtered = Boolean(filters.status || filters.site || filters.q)

  return (
    <div className='mz-stack devices'>
      <div className='mz-page-header'>
        <h1>{t('devicesTitle')}</h1>
        <LiveBadge status={status} />
      </div>
      <SectionNav basePath={basePath} />
      <form role='search' className='devices-filters' aria-label={t('filters')} onSubmit={e => { e.preventDefault(); setFilters({ q: search.trim() }) }}>
        <div className='mz-field'>
          <label className='mz-field__label' htmlFor='devices-q'>{t('search')}</label>
          <input id='devices-q' type='search' className='mz-input' value={search} placeholder={t('searchHint')} onChange={e => setSearch(e.target.value)} />
        </div>
        <SelectFilter id='devices-status' label={t('status')} anyLabel={t('anyStatus')} options={DEVICE_STATUSES} optionLabel={s => t(`deviceStatus.${s}`)} value={filters.status} onChange={status => setFilters({ status })} />
        <TextFilter id='devices-site' label={t('site')} placeholder={t('anySite')} value={filters.site} onChange={site => setFilters({ site })} />
        {filtered && <button type='button' className='mz-button mz-button--ghost' onClick={() => { setSearch(''); navigate(basePath, { replace: true }) }}>{t('clearFilters')}</button>}
      </form>
      <CursorTable list={list} caption={t('devicesTitle')} columns={columns} rowKey={d => d.id}
        onRowClick={d => navigate(open(d))}
        empty={filtered
          ? <EmptyState title={t('noMatchingDevices')} />
          : (
            <EmptyState title={t('noDevices')} action={admin ? <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/enrollment')}>{t('enrollFirst')}</Link> : undefined}>
              {t(admin ? 'noDevicesHintAdmin' : 'noDevicesHint')}
            </EmptyState>
            )}
      />
    </div>
  )
}
