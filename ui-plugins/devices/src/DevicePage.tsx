import { useCallback, type ReactNode } from 'react'
import {
  ApiError, DelayedSpinner, EmptyState, ErrorState, Link, NavLink, joinPath, useApiData, useFormat, useHasPermission, useT, type ModuleProps
} from '@monozu/ui-sdk'
import { useCatchUp } from '@monozu/ui-sdk/components'
import { ActivityTab } from './ActivityTab.tsx'
import { DeviceStatusBadge, LiveBadge } from './badges.tsx'
import { CommandsTab } from './CommandsTab.tsx'
import { Tags, When } from './display.tsx'
import { KeyPanel } from './KeyPanel.tsx'
import { useLive, useNow, useRefresh } from './live.tsx'
import { messages } from './messages.ts'
import { MetricsPanel } from './MetricsPanel.tsx'
import type { Device, DevicesEvent } from './types.ts'

export type DeviceTab = 'overview' | 'commands' | 'activity'

/** One device: header and tabs; the tabs are sub-paths, so each one can be linked to. */
export function DevicePage ({ basePath, id, tab }: ModuleProps & { id: string, tab: DeviceTab }) {
  const t = useT(messages)
  const device = useApiData<Device>(`/api/v1/devices/${encodeURIComponent(id)}`)
  const { setData } = device
  const status = useLive(useCallback((e: DevicesEvent) => {
    if ((e.event === 'device.updated' || e.event === 'device.enrolled') && e.data.device.id === id) setData(e.data.device)
    else if (e.event === 'device.status' && e.data.deviceId === id) {
      setData(d => (d ? { ...d, status: e.data.to, lastSeenAt: e.data.to === 'online' && (!d.lastSeenAt || d.lastSeenAt < e.data.at) ? e.data.at : d.lastSeenAt } : d) as Device)
    }
  }, [id, setData]))
  useCatchUp(status, device.reload)
  useRefresh(device.reload, 60_000)
  useNow()

  const back = <Link to={basePath} className='devices-back'>{t('backToList')}</Link>
  const d = device.data
  if (!d) {
    if (device.error) {
      const missing = device.error instanceof ApiError && (device.error.code === 'not_found' || device.error.code === 'validation_failed')
      return (
        <div className='mz-stack devices'>
          {back}
          {missing ? <EmptyState title={t('deviceNotFound')} /> : <ErrorState error={device.error} onRetry={device.reload} />}
        </div>
      )
    }
    return <DelayedSpinner />
  }

  const base = joinPath(basePath, `/${encodeURIComponent(id)}`)
  return (
    <div className='mz-stack devices'>
      {back}
      <div className='mz-page-header'>
        <div className='mz-row'>
          <h1>{d.hostname}</h1>
          <DeviceStatusBadge status={d.status} />
        </div>
        <LiveBadge status={status} />
      </div>
      <nav className='devices-tabs' aria-label={t('deviceSections')}>
        <NavLink to={base} end>{t('tabOverview')}</NavLink>
        <NavLink to={joinPath(base, '/commands')}>{t('tabCommands')}</NavLink>
        <NavLink to={joinPath(base, '/activity')}>{t('tabActivity')}</NavLink>
      </nav>
      {device.error && <ErrorState error={device.error} onRetry={device.reload} />}
      {tab === 'overview' && <OverviewTab device={d} onChange={setData} />}
      {tab === 'commands' && <CommandsTab device={d} />}
      {tab === 'activity' && <ActivityTab device={d} />}
    </div>
  )
}

function OverviewTab ({ device, onChange }: { device: Device, onChange: (d: Device) => void }) {
  const admin = useHasPermission('devices.admin')
  return (
    <div className='devices-columns'>
      <div className='mz-stack'>
        <Details device={device} />
        {admin && <KeyPanel device={device} onChange={onChange} />}
      </div>
      <MetricsPanel deviceId={device.id} />
    </div>
  )
}

function Details ({ device: d }: { device: Device }) {
  const t = useT(messages)
  const fmt = useFormat()
  const rows: Array<[string, ReactNode]> = [
    [t('lastContact'), <When key='seen' at={d.lastSeenAt} />],
    [t('os'), d.os],
    [t('agentVersion'), d.agentVersion],
    [t('site'), d.site ?? '–'],
    [t('tags'), <Tags key='tags' tags={d.tags} />],
    [t('enrolledAt'), fmt.dateTime(d.enrolledAt)],
    [t('hardwareId'), <code key='hw'>{d.hardwareId}</code>],
    [t('deviceId'), <code key='id'>{d.id}</code>]
  ]
  if (d.revokedAt) rows.push([t('revokedAt'), fmt.dateTime(d.revokedAt)])
  return (
    <section className='mz-card' aria-labelledby='devices-details-title'>
      <h2 id='devices-details-title' className='mz-card__title'>{t('details')}</h2>
      <dl className='devices-dl'>
        {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
    </section>
  )
}
