import { DelayedSpinner, ErrorState, Link, defineMessages, useApiData, useFormat, useT, type WidgetProps } from '@monozu/ui-sdk'
import { BarChart, defineWidgets } from '@monozu/ui-sdk/components'
import './widgets.css'

/** GET /api/v1/devices/counts */
interface Counts { online: number, overdue: number, offline: number, never: number, revoked: number, total: number }

const messages = defineMessages({
  en: {
    title: 'Devices',
    chart: 'Devices by status',
    axis: 'Number of devices',
    online: 'Online',
    overdue: 'Overdue',
    offline: 'Offline',
    never: 'Never seen',
    none: 'No devices enrolled yet.',
    all: 'All devices ({count})'
  },
  pl: {
    title: 'Urządzenia',
    chart: 'Urządzenia według stanu',
    axis: 'Liczba urządzeń',
    online: 'Online',
    overdue: 'Opóźnione',
    offline: 'Offline',
    never: 'Jeszcze niewidziane',
    none: 'Nie zarejestrowano jeszcze urządzeń.',
    all: 'Wszystkie urządzenia ({count})'
  }
})

const STATUSES = [
  { key: 'online', tone: 'success' },
  { key: 'overdue', tone: 'warning' },
  { key: 'offline', tone: 'danger' }
] as const

/** Online, overdue and offline devices (revoked ones are not part of the fleet). */
function DeviceStatus ({ basePath }: WidgetProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const { data, error, reload } = useApiData<Counts>('/api/v1/devices/counts')
  if (error) return <ErrorState error={error} onRetry={reload} />
  if (!data) return <DelayedSpinner />
  const fleet = data.total - data.revoked
  if (fleet === 0) return <p className='mz-muted'>{t('none')}</p>
  return (
    <div className='devices-widget'>
      <ul className='devices-widget__counts'>
        {STATUSES.map(s => (
          <li key={s.key} className={`devices-widget__count devices-widget__count--${s.tone}`}>
            <Link to={`${basePath}?status=${s.key}`}>
              <span className='mz-stat' data-testid={`devices-${s.key}`}>{fmt.number(data[s.key])}</span>
              <span className='devices-widget__label'>{t(s.key)}</span>
            </Link>
          </li>
        ))}
      </ul>
      <BarChart
        title={t('chart')}
        valueLabel={t('axis')}
        bars={[...STATUSES.map(s => ({ label: t(s.key), value: data[s.key], tone: s.tone })), ...(data.never > 0 ? [{ label: t('never'), value: data.never, tone: 'neutral' as const }] : [])]}
      />
      <Link to={basePath}>{t('all', { count: fmt.number(fleet) })}</Link>
    </div>
  )
}

export default defineWidgets([
  { id: 'status', title: { en: 'Devices', pl: 'Urządzenia' }, permission: 'devices.read', component: DeviceStatus }
])
