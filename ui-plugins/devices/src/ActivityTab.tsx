import { useCallback, useState } from 'react'
import { EmptyState, useFormat, useT } from '@monozu/ui-sdk'
import { CursorItems, StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { DeviceStatusBadge } from './badges.tsx'
import { When } from './display.tsx'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import type { Device, DevicesEvent, LogEntry, StatusChange } from './types.ts'
import { useCursorList } from '@monozu/ui-sdk/components'

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
const levelTones: Record<string, Tone> = { debug: 'neutral', info: 'info', warn: 'warning', error: 'danger' }

/** Status history (live) beside the device's recent logs. */
export function ActivityTab ({ device }: { device: Device }) {
  return (
    <div className='devices-columns devices-columns--activity'>
      <StatusHistory deviceId={device.id} />
      <Logs deviceId={device.id} />
    </div>
  )
}

function StatusHistory ({ deviceId }: { deviceId: string }) {
  const t = useT(messages)
  const list = useCursorList<StatusChange>(`/api/v1/devices/${encodeURIComponent(deviceId)}/history`, { limit: 20 })
  const { setItems } = list
  useLive(useCallback((e: DevicesEvent) => {
    if (e.event === 'device.status' && e.data.deviceId === deviceId) setItems(rows => [{ from: e.data.from, to: e.data.to, at: e.data.at }, ...rows])
  }, [deviceId, setItems]))

  return (
    <section className='mz-card' aria-labelledby='devices-history-changes'>
      <h2 id='devices-history-changes' className='mz-card__title'>{t('statusHistory')}</h2>
      <CursorItems list={list} empty={<EmptyState title={t('noHistory')} />}>
        {items => (
          <ol className='devices-timeline'>
            {items.map(h => (
              <li key={`${h.at}|${h.to}`}>
                <span className='devices-timeline__change'>
                  {h.from ? <DeviceStatusBadge status={h.from} /> : <span className='mz-muted'>–</span>}
                  <span aria-hidden='true'>→</span><span className='mz-visually-hidden'>{t('changedTo')}</span>
                  <DeviceStatusBadge status={h.to} />
                </span>
                <When at={h.at} />
              </li>
            ))}
          </ol>
        )}
      </CursorItems>
    </section>
  )
}

function Logs ({ deviceId }: { deviceId: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const [level, setLevel] = useState('')
  const list = useCursorList<LogEntry>(`/api/v1/devices/${encodeURIComponent(deviceId)}/logs`, { level, limit: 50 })

  return (
    <section className='mz-card' aria-labelledby='devices-logs-title'>
      <div className='devices-card-header'>
        <h2 id='devices-logs-title' className='mz-card__title'>{t('logs')}</h2>
        <div className='mz-row'>
          <div className='devices-inline-field'>
            <label htmlFor='devices-log-level'>{t('level')}</label>
            <select id='devices-log-level' className='mz-input' value={level} onChange={e => setLevel(e.target.value)}>
              <option value=''>{t('anyLevel')}</option>
              {LEVELS.map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
            </select>
          </div>
          <button type='button' className='mz-button' onClick={list.reload} disabled={list.loading}>{t('refresh')}</button>
        </div>
      </div>
      <CursorItems list={list} empty={<EmptyState title={level ? t('noLogsAtLevel') : t('noLogs')}>{level ? undefined : t('noLogsHint')}</EmptyState>}>
        {items => (
          <ol className='devices-logs'>
            {items.map((l, i) => (
              <li key={`${l.ts}|${i}`}>
                <time dateTime={l.ts} className='mz-muted'>{fmt.dateTime(l.ts, { seconds: true })}</time>
                <StatusBadge status={l.level} tone={levelTones[l.level] ?? 'neutral'} label={t.has(`level.${l.level}`) ? t(`level.${l.level}`) : l.level} />
                {l.source && <span className='devices-logs__source'>{l.source}</span>}
                <span className='devices-logs__message'>{l.message}</span>
              </li>
            ))}
          </ol>
        )}
      </CursorItems>
    </section>
  )
}
