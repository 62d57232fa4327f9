import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  DelayedSpinner, EmptyState, ErrorState, StatusBadge, TimeSeriesChart, useApiData, useChannel, useFormat, useMe, useT,
  type ChannelEvent, type ChannelStatus
} from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** GET /api/v1/overview/summary */
export interface Summary {
  tenant: { name: string }
  users: number
  jobs: { pending: number, running: number, dead: number }
  recentActivity: Activity[]
}
export interface Activity { at: string, action: string, actor: string | null }

const MAX_ITEMS = 20
const POLL_MS = 30_000
const MAX_SAMPLES = 120

export function isSummary (data: unknown): data is Summary {
  const d = data as Partial<Summary> | null
  return !!d && typeof d === 'object' && typeof d.users === 'number' && !!d.jobs && Array.isArray(d.recentActivity)
}

/** A live event as an activity entry (the event's data is expected to be { at, action, actor }). */
export function toActivity (event: ChannelEvent): Activity {
  const d = (event.data && typeof event.data === 'object' ? event.data : {}) as Partial<Record<'at' | 'action' | 'actor', unknown>>
  return {
    at: typeof d.at === 'string' ? d.at : (event.ts ?? new Date().toISOString()),
    action: typeof d.action === 'string' ? d.action : event.event,
    actor: typeof d.actor === 'string' ? d.actor : null
  }
}

/** Counts activity into `buckets` equal intervals ending now. */
export function bucketActivity (items: Activity[], now: number, buckets = 12): Array<{ t: number, v: number }> {
  const times = items.map(a => new Date(a.at).getTime()).filter(Number.isFinite)
  if (times.length === 0) return []
  const span = Math.max(now - Math.min(...times), 60 * 60_000)
  const size = span / buckets
  const start = now - span
  const counts = new Array<number>(buckets).fill(0)
  for (const t of times) counts[Math.min(buckets - 1, Math.max(0, Math.floor((t - start) / size)))]! += 1
  return counts.map((v, i) => ({ t: start + (i + 1) * size, v }))
}

export function Dashboard () {
  const t = useT(messages)
  const fmt = useFormat()
  const me = useMe()
  const summary = useApiData<Summary>('/api/v1/overview/summary')
  const [live, setLive] = useState<Activity[]>([])
  const [samples, setSamples] = useState<Array<{ t: number, pending: number, running: number, dead: number }>>([])
  const { reload, setData } = summary

  const pendingReload = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(pendingReload.current), [])

  // The channel pushes a fresh summary (event "summary") every few seconds; any other event is
  // an activity entry ({ at, action, actor }) and makes us re-read the summary soon after.
  const onEvent = useCallback((event: ChannelEvent) => {
    if (event.event === 'summary' && isSummary(event.data)) { setData(event.data); return }
    setLive(items => [toActivity(event), ...items].slice(0, MAX_ITEMS))
    if (!pendingReload.current) pendingReload.current = setTimeout(() => { pendingReload.current = undefined; reload() }, 2000)
  }, [reload, setData])
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

  const activity = useMemo(() => {
    const all = [...live, ...(data?.recentActivity ?? [])]
    const seen = new Set<string>()
    return all.filter(a => { const k = `${a.at}|${a.action}|${a.actor ?? ''}`; if (seen.has(k)) return false; seen.add(k); return true })
      .sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_ITEMS)
  }, [live, data])

  if (!data) {
    if (summary.error) return <ErrorState error={summary.error} onRetry={reload} />
    return <DelayedSpinner />
  }

  const jobSeries = [
    { name: t('pendingSeries'), points: samples.map(s => ({ t: s.t, v: s.pending })) },
    { name: t('runningSeries'), points: samples.map(s => ({ t: s.t, v: s.running })) },
    { name: t('deadSeries'), points: samples.map(s => ({ t: s.t, v: s.dead })) }
  ]

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
      <div className='overview-columns'>
        <section className='mz-card' aria-labelledby='overview-activity-title'>
          <h2 id='overview-activity-title' className='mz-card__title'>{t('activity')}</h2>
          {activity.length === 0
            ? <EmptyState title={t('noActivity')}>{t('noActivityHint')}</EmptyState>
            : (
              <ol className='overview-activity' aria-live='polite' aria-relevant='additions'>
                {activity.map(a => (
                  <li key={`${a.at}|${a.action}|${a.actor ?? ''}`}>
                    <span className='overview-activity__action'>{a.action}</span>
                    <time className='overview-activity__time mz-muted' dateTime={a.at} title={fmt.date(a.at)}>{fmt.relative(a.at)}</time>
                    {a.actor && <span className='overview-activity__actor mz-muted'>{t('by', { actor: a.actor })}</span>}
                  </li>
                ))}
              </ol>
              )}
          <TimeSeriesChart variant='sparkline' title={t('activityChart')} series={[{ name: t('eventsSeries'), points: bucketActivity(activity, Date.now()) }]} />
        </section>
        <section className='mz-card'>
          <TimeSeriesChart title={t('jobsChart')} series={jobSeries} formatValue={v => fmt.number(v, { maximumFractionDigits: 0 })} />
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
