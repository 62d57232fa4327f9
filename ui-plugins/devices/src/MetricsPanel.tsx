import { useEffect, useId, useState } from 'react'
import { EmptyState, ErrorState, useApiData, useFormat, useT } from '@monozu/ui-sdk'
import { TimeSeriesChart } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Metrics } from './types.ts'

const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const
type Range = keyof typeof RANGES

function windowOf (range: Range): { from: string, to: string } {
  const to = Math.floor(Date.now() / 1000) * 1000
  return { from: new Date(to - RANGES[range]).toISOString(), to: new Date(to).toISOString() }
}

/** Telemetry of one device: one metric at a time (their units differ), average and peak per bucket. */
export function MetricsPanel ({ deviceId }: { deviceId: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const name = useId()
  const [range, setRange] = useState<Range>('1h')
  const [win, setWin] = useState(() => windowOf('1h'))
  const [metric, setMetric] = useState<string | null>(null)
  const metrics = useApiData<Metrics>(`/api/v1/devices/${encodeURIComponent(deviceId)}/metrics`, win)

  // The window slides with time: read it again every minute.
  useEffect(() => {
    const timer = setInterval(() => setWin(windowOf(range)), 60_000)
    return () => clearInterval(timer)
  }, [range])

  const choose = (r: Range) => { setRange(r); setWin(windowOf(r)) }
  const series = metrics.data?.series ?? []
  const names = series.map(s => s.name).sort()
  const current = metric !== null && names.includes(metric) ? metric : (names.includes('cpu.percent') ? 'cpu.percent' : names[0])
  const points = series.find(s => s.name === current)?.points ?? []

  return (
    <section className='mz-card devices-metrics' aria-labelledby='devices-metrics-title' aria-busy={metrics.loading}>
      <div className='devices-card-header'>
        <h2 id='devices-metrics-title' className='mz-card__title'>{t('metrics')}</h2>
        <fieldset className='devices-segmented'>
          <legend className='mz-visually-hidden'>{t('range')}</legend>
          {(Object.keys(RANGES) as Range[]).map(r => (
            <label key={r}>
              <input type='radio' name={name} value={r} checked={range === r} onChange={() => choose(r)} />
              <span>{t(`range.${r}`)}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {names.length > 1 && (
        <div className='mz-field devices-metric-select'>
          <label className='mz-field__label' htmlFor={`${name}-metric`}>{t('metric')}</label>
          <select id={`${name}-metric`} value={current} onChange={e => setMetric(e.target.value)}>
            {names.map(n => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
      )}
      {metrics.error
        ? <ErrorState error={metrics.error} onRetry={metrics.reload} />
        : metrics.data && (
          current
            ? (
              <TimeSeriesChart
                title={t('metricChart', { metric: current, range: t(`range.${range}`) })}
                hideTitle={names.length > 1}
                series={[
                  { name: t('avg'), points: points.map(p => ({ t: p.t, v: p.avg })) },
                  // A peak line only where buckets hold several samples; otherwise it would hide the average.
                  ...(points.some(p => p.max !== p.avg) ? [{ name: t('max'), points: points.map(p => ({ t: p.t, v: p.max })) }] : [])
                ]}
                formatValue={v => fmt.number(v, { maximumFractionDigits: 1 })}
              />
              )
            : <EmptyState title={t('noMetrics')}>{t('noMetricsHint')}</EmptyState>
          )}
    </section>
  )
}
