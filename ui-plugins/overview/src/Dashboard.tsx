import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  DelayedSpinner, EmptyState, ErrorState, useApiData, useChannel, useFeatures, useFormat, useMe, useT, type ChannelEvent, type ChannelStatus
} from '@monozu/ui-sdk'
import { BarChart, ModuleWidgets, StatusBadge, TimeSeriesChart } from '@monozu/ui-sdk/components'
import { sentence, type Activity } from './activity.ts'
import { messages } from './messages.ts'

/** GET /api/v1/overview/summary; `recentActivity` only for callers who may read the audit log. */
export interface Summary {
  tenant: { name: string }
  users: number
  jobs: { pending: number, running: number, dead: number }
  recentActivity?: Activity[]
}

const POLL_MS = 30_000
const MAX_SAMPLES = 120
const BUCKETS = 6

/** The counts the channel pushes (it never carries activity: every overview reader receives it). */
export function isCounts (data: unknown): data is Omit<Summary, 'recentActivity'> {
  const d = data as Partial<Summary> | null
  return !!d && typeof d === 'object' && typeof d.users === 'number' && !!d.jobs && typeof d.jobs === 'object'
}

/** Counts activity into `buckets` equal intervals ending now (at least an hour in all). */
export function bucketActivity (items: Activity[], now: number, buckets = BUCKETS): Array<{ from: number, to: number, count: number }> {
  const times = items.map(a => new Date(a.at).getTime()).filter(Number.isFinite)
  if (times.length === 0) return []
  const span = Math.max(now - Math.min(...times), 60 * 60_000)
  const size = span / buckets
  const start = now - span
  const counts = new Array<number>(buckets).fill(0)
  for (const t of times) counts[Math.min(buckets - 1, Math.max(0, Math.floor((t - start) / size)))]! += 1
  return counts.map((count, i) => ({ from: start + i * size, to: start + (i + 1) * size, count }))
}

export function Dashboard () {
  const t = useT(messages)
  const fmt = useFormat()
  const me = useMe()
  const features = useFeatures()
  const summary = useApiData<Summary>('/api/v1/overview/summary')
  const [samples, setSamples] = useState<Array<{ t: number, pending: number, running: number, dead: number }>>([])
  const { reload, setData } = summary
  const showsActivity = summary.data?.recentActivity !== undefined
  const activityReload = useRef(reload)
  activityReload.current = showsActivity ? reload : () => {}

  // The channel pushes fresh counts every few seconds; a page that shows activity then reads it
  // again over HTTP, where the audit permission is checked.
  const onEvent = useCallback((event: ChannelEvent) => {
    if (event.event !== 'summary' || !isCounts(event.data)) return
    const counts = event.data
    setData(old => ({ ...old, ...counts }))
    activityReload.current()
  }, [setData])
  const status = useChannel('overview.activity', onEvent)

  // Without the live channel, poll.
  useEffect(() => {
    if (status === 'open') return
    const timer = setInterval(reload, POLL_MS)
    return () => clearInterval(timer)
  }, [reload, status])

  const data = summary.data
  useEffect(() => {
    if (!data) return
    setSamples(s => [...s, { t: Date.now(), ...data.jobs }].slice(-MAX_SAMPLES))
  }, [data])

  const activity = useMemo(() => [...(data?.recentActivity ?? [])].sort((a, b) => b.at.localeCompare(a.at)), [data])

  if (!data) {
    if (summary.error) return <ErrorState error={summary.error} onRetry={reload} />
    return <DelayedSpinner />
  }

  const jobSeries = [
    { name: t('pendingSeries'), points: samples.map(s => ({ t: s.t, v: s.pending })) },
    { name: t('runningSeries'), points: samples.map(s => ({ t: s.t, v: s.running })) },
    { name: t('deadSeries'), points: samples.map(s => ({ t: s.t, v: s.dead })) }
  ]
  const time = (ms: number) => fmt.date(ms, { hour: '2-digit', minute: '2-digit' })

  return (
    <div className='mz-stack overview'>
      <div className='mz-page-header'>
        <div>
          <h1>{t('title')}</h1>
          <p className='mz-muted overview-tenant'>{data.tenant.name || me?.tenant?.name}</p>
        </div>
        <LiveBadge status={status} />
      </div>
      {summary.error && <ErrorState error={summary.error} onRetry={reload} />}
      <div className='mz-grid overview-stats' role='list'>
        <Stat label={t('users')} value={fmt.number(data.users)} />
        <Stat label={t('pending')} value={fmt.number(data.jobs.pending)} />
        <Stat label={t('running')} value={fmt.number(data.jobs.running)} />
        <Stat label={t('dead')} value={fmt.number(data.jobs.dead)} tone={data.jobs.dead > 0 ? 'danger' : undefined} />
      </div>
      <ModuleWidgets className='overview-widgets' exclude={['overview']} />
      <div className='overview-columns'>
        <section className='mz-card' aria-labelledby='overview-activity-title'>
          <h2 id='overview-activity-title' className='mz-card__title'>{t('activity')}</h2>
          {!showsActivity
            ? <p className='mz-muted' data-testid='overview-activity-hidden'>{t('activityHidden')}</p>
            : activity.length === 0
              ? <EmptyState title={t('noActivity')}>{t('noActivityHint')}</EmptyState>
              : (
                <>
                  <ol className='overview-activity' data-testid='overview-activity'>
                    {activity.map(a => (
                      <li key={`${a.at}|${a.action}|${a.actor.id}|${a.subject?.id ?? ''}`}>
                        <span className='overview-activity__text'>{sentence(t, a, features)}</span>
                        <time className='overview-activity__time mz-muted' dateTime={a.at} title={fmt.date(a.at)}>{fmt.relative(a.at)}</time>
                      </li>
                    ))}
                  </ol>
                  <BarChart
                    title={t('activityChart')}
                    valueLabel={t('eventsSeries')}
                    bars={bucketActivity(activity, Date.now()).map(b => ({ label: `${time(b.from)}–${time(b.to)}`, value: b.count }))}
                  />
                </>
                )}
        </section>
        <section className='mz-card'>
          <TimeSeriesChart title={t('jobsChart')} valueLabel={t('jobsAxis')} series={jobSeries} formatValue={v => fmt.number(v, { maximumFractionDigits: 0 })} />
        </section>
      </div>
    </div>
  )
}

function Stat ({ label, value, tone }: { label: string, value: string, tone?: 'danger' }) {
  return (
    <div className={`mz-card overview-stat${tone ? ` overview-stat--${tone}` : ''}`} role='listitem'>
      <p className='mz-card__title'>{label}</p>
      <p className='mz-stat'>{value}</p>
    </div>
  )
}

function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  const tone = status === 'open' ? 'success' : status === 'forbidden' ? 'warning' : 'neutral'
  return <span role='status'><StatusBadge status={status} tone={tone} label={t(`channel.${status}`)} /></span>
}
