import { useMemo } from 'react'
import { EmptyState, Link, joinPath, navigate, useApiData, useFormat, useLocation, useT, type ModuleProps } from '@monozu/ui-sdk'
import { BarChart, CursorItems, CursorTable, SelectFilter, TextFilter, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { STATUSES } from '@monozu/plugin-backup/model'
import { LiveBadge, useLiveReload } from './live.tsx'
import { messages } from './messages.ts'
import { ProtectionBadge, SectionNav } from './shared.tsx'
import type { DeviceProtection, Job } from './types.ts'

interface Summary { devices: Record<string, number>, jobs: Record<string, number>, disabledJobs: number }

/** Devices × protection status, filterable by status and name (kept in the URL). */
export function Overview ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const { search } = useLocation()
  const params = useMemo(() => new URLSearchParams(search), [search])
  const status = params.get('status') ?? ''
  const q = params.get('q') ?? ''
  const list = useCursorList<DeviceProtection>('/api/v1/backup/protection', { limit: 50, ...(status ? { status } : {}), ...(q ? { q } : {}) })
  const summary = useApiData<Summary>('/api/v1/backup/protection/summary')
  const live = useLiveReload(() => { list.reload(); summary.reload() })
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search)
    if (value) next.set(key, value); else next.delete(key)
    const s = next.toString()
    navigate(basePath + (s ? `?${s}` : ''), { replace: true })
  }
  const open = (d: DeviceProtection) => joinPath(basePath, `/devices/${d.deviceId}`)
  const columns: Column<DeviceProtection>[] = [
    { key: 'name', header: t('device'), render: d => <Link to={open(d)}>{d.name}</Link> },
    { key: 'status', header: t('status'), render: d => <ProtectionBadge status={d.status} /> },
    { key: 'reason', header: t('reason'), render: d => t(`reason.${d.reason}`) },
    { key: 'jobs', header: t('jobCount'), render: d => <>{d.jobs}{d.jobsDisabled > 0 && <span className='bak-muted'> ({t('disabledCount', { n: d.jobsDisabled })})</span>}</> },
    { key: 'lastSuccessAt', header: t('lastSuccess'), render: d => d.lastSuccessAt ? fmt.dateTime(d.lastSuccessAt) : t('never') }
  ]
  return (
    <div className='mz-stack bak'>
      <div className='mz-page-header'><h1>{t('title')}</h1><LiveBadge status={live} /></div>
      <SectionNav basePath={basePath} />
      {summary.data && (
        <div className='bak-summary'>
          <BarChart title={t('summary')} valueLabel={t('devicesTitle')}
            bars={STATUSES.map(s => ({ label: t(`status.${s}`), value: summary.data!.devices[s] ?? 0 }))} />
          <p>{t('disabledJobs', { n: summary.data.disabledJobs })}</p>
        </div>
      )}
      <div className='mz-row bak-filters' role='search'>
        <SelectFilter label={t('status')} anyLabel={t('anyStatus')} options={STATUSES} optionLabel={s => t(`status.${s}`)} value={status} onChange={v => set('status', v)} />
        <TextFilter label={t('search')} value={q} maxLength={253} onChange={v => set('q', v)} />
      </div>
      <h2>{t('devicesTitle')}</h2>
      <CursorTable list={list} caption={t('devicesTitle')} columns={columns} rowKey={d => d.deviceId} onRowClick={d => navigate(open(d))}
        empty={status || q
          ? <EmptyState title={t('noMatches')} action={<button type='button' className='mz-button' onClick={() => navigate(basePath, { replace: true })}>{t('clearFilters')}</button>} />
          : <EmptyState title={t('noDevices')}>{t('noDevicesHint')}</EmptyState>} />
    </div>
  )
}

/** One device's jobs. */
export function DevicePage ({ basePath, deviceId }: ModuleProps & { deviceId: string }) {
  const t = useT(messages)
  const data = useApiData<DeviceProtection & { jobList: Job[] }>(`/api/v1/backup/protection/devices/${encodeURIComponent(deviceId)}`)
  useLiveReload(data.reload, { deviceId })
  if (!data.data) return null
  const d = data.data
  return (
    <div className='mz-stack bak'>
      <Link to={basePath}>{t('backToOverview')}</Link>
      <div className='mz-page-header'><h1>{d.name}</h1><ProtectionBadge status={d.status} /></div>
      <p>{t(`reason.${d.reason}`)}</p>
      <JobTable basePath={basePath} jobs={d.jobList} />
    </div>
  )
}

export function JobTable ({ basePath, jobs }: { basePath: string, jobs: Job[] }) {
  const t = useT(messages)
  const fmt = useFormat()
  if (jobs.length === 0) return <EmptyState title={t('noJobs')} />
  return (
    <table className='mz-table'>
      <caption className='mz-visually-hidden'>{t('jobsTitle')}</caption>
      <thead><tr><th scope='col'>{t('name')}</th><th scope='col'>{t('device')}</th><th scope='col'>{t('status')}</th><th scope='col'>{t('reason')}</th><th scope='col'>{t('rpo')}</th><th scope='col'>{t('lastRun')}</th></tr></thead>
      <tbody>
        {jobs.map(j => (
          <tr key={j.id}>
            <td><Link to={joinPath(basePath, `/jobs/${j.id}`)}>{j.name}</Link></td>
            <td>{j.deviceName ?? '—'}</td>
            <td><ProtectionBadge status={j.status} /></td>
            <td>{j.enabled ? t(`reason.${j.reason}`) : `${t('disabled')}: ${j.disabledReason ?? ''}`}</td>
            <td>{j.rpoMinutes % 60 === 0 ? t('hours', { n: j.rpoMinutes / 60 }) : t('minutes', { n: j.rpoMinutes })}</td>
            <td>{j.lastRunAt ? `${fmt.dateTime(j.lastRunAt)} · ${t(`state.${j.lastRunState ?? 'started'}`)}` : t('never')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function JobsList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const { search } = useLocation()
  const status = new URLSearchParams(search).get('status') ?? ''
  const list = useCursorList<Job>('/api/v1/backup/jobs', { limit: 100, ...(status ? { status } : {}) })
  useLiveReload(list.reload)
  return (
    <div className='mz-stack bak'>
      <div className='mz-page-header'><h1>{t('jobsTitle')}</h1></div>
      <SectionNav basePath={basePath} />
      <div className='mz-row bak-filters' role='search'>
        <SelectFilter label={t('status')} anyLabel={t('anyStatus')} options={STATUSES} optionLabel={s => t(`status.${s}`)} value={status}
          onChange={v => navigate(joinPath(basePath, '/jobs') + (v ? `?status=${v}` : ''), { replace: true })} />
      </div>
      <CursorItems list={list} empty={<EmptyState title={t('noJobs')} />}>{items => <JobTable basePath={basePath} jobs={items} />}</CursorItems>
    </div>
  )
}
