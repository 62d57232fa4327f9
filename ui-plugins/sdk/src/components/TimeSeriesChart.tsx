import { useId, useMemo } from 'react'
import { useFormat, useT } from '@monozu/ui-sdk'

export interface Point { t: number | string | Date, v: number }
export interface Series { name: string, points: Point[] }

export interface TimeSeriesChartProps {
  series: Series[]
  /** Accessible name (also the visible title unless hideTitle). */
  title: string
  hideTitle?: boolean
  height?: number
  /** 'sparkline': no axes, no legend, small. */
  variant?: 'full' | 'sparkline'
  formatValue?: (v: number) => string
  formatTime?: (t: Date) => string
  /** Lowest value of the y axis (default 0, or the data's minimum when it is negative). */
  yMin?: number
  /** What the values count or measure (the y axis' name, e.g. "Jobs"), shown above the plot. */
  valueLabel?: string
}

const W = 640
const PAD = { top: 12, right: 16, bottom: 28, left: 48 }

/** Rounds a maximum up to a "nice" number for ticks (1, 2, 2.5, 5 × 10^n). */
export function niceMax (max: number): number {
  if (max <= 0) return 1
  const exp = 10 ** Math.floor(Math.log10(max))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= max) return m * exp
  return 10 * exp
}

/** Line chart of values over time in plain SVG: no chart library. */
export function TimeSeriesChart ({ series, title, hideTitle, height, variant = 'full', formatValue, formatTime, yMin, valueLabel }: TimeSeriesChartProps) {
  const t = useT()
  const fmt = useFormat()
  const titleId = useId()
  const spark = variant === 'sparkline'
  const H = height ?? (spark ? 48 : 220)
  const pad = spark ? { top: 4, right: 4, bottom: 4, left: 4 } : PAD
  const fv = formatValue ?? ((v: number) => fmt.number(v, { maximumFractionDigits: 2 }))

  const data = useMemo(() => series.map(s => ({ name: s.name, points: s.points.map(p => ({ t: new Date(p.t).getTime(), v: p.v })).filter(p => Number.isFinite(p.t) && Number.isFinite(p.v)).sort((a, b) => a.t - b.t) })), [series])
  const all = data.flatMap(s => s.points)

  if (all.length === 0) {
    return (
      <figure className={`mz-chart${spark ? ' mz-chart--sparkline' : ''}`} aria-labelledby={titleId}>
        <figcaption id={titleId} className={hideTitle || spark ? 'mz-visually-hidden' : 'mz-chart__title'}>{title}</figcaption>
        <p className='mz-chart__empty'>{t('chart.noData')}</p>
      </figure>
    )
  }

  const t0 = Math.min(...all.map(p => p.t))
  const t1 = Math.max(...all.map(p => p.t))
  // Time labels as precise as the span needs: seconds under 10 minutes, dates over two days.
  const span = t1 - t0
  const ft = formatTime ?? ((d: Date) => fmt.date(d, span > 2 * 86_400_000 ? { month: 'short', day: 'numeric' } : span < 600_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' }))
  const dataMin = Math.min(...all.map(p => p.v))
  const lo = yMin ?? Math.min(0, dataMin)
  let hi = lo + niceMax(Math.max(...all.map(p => p.v)) - lo)
  // Whole-number data (counts) gets whole-number ticks.
  if (all.every(p => Number.isInteger(p.v)) && Number.isInteger(lo)) hi = lo + 4 * Math.max(1, Math.ceil((hi - lo) / 4))
  const x = (tt: number) => pad.left + (t1 === t0 ? (W - pad.left - pad.right) / 2 : ((tt - t0) / (t1 - t0)) * (W - pad.left - pad.right))
  const y = (v: number) => pad.top + (1 - (v - lo) / (hi - lo)) * (H - pad.top - pad.bottom)
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map(f => lo + f * (hi - lo))
  const xTicks = t1 === t0 ? [t0] : [t0, t0 + (t1 - t0) / 2, t1]

  return (
    <figure className={`mz-chart${spark ? ' mz-chart--sparkline' : ''}`} aria-labelledby={titleId}>
      <figcaption id={titleId} className={hideTitle || spark ? 'mz-visually-hidden' : 'mz-chart__title'}>{title}</figcaption>
      {!spark && valueLabel && <p className='mz-chart__value-label mz-muted'>{valueLabel}</p>}
      <svg viewBox={`0 0 ${W} ${H}`} className='mz-chart__svg' role='img' aria-labelledby={titleId} preserveAspectRatio={spark ? 'none' : 'xMidYMid meet'}>
        {!spark && yTicks.map(v => (
          <g key={v} className='mz-chart__grid'>
            <line x1={pad.left} x2={W - pad.right} y1={y(v)} y2={y(v)} />
            <text x={pad.left - 6} y={y(v)} textAnchor='end' dominantBaseline='middle'>{fv(v)}</text>
          </g>
        ))}
        {!spark && xTicks.map((tt, i) => (
          <text key={tt} className='mz-chart__axis' x={x(tt)} y={H - 8} textAnchor={xTicks.length === 1 ? 'middle' : i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}>{ft(new Date(tt))}</text>
        ))}
        {data.map((s, i) => {
          const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')
          return (
            <g key={s.name} className={`mz-chart__series mz-chart__series--${(i % 4) + 1}`}>
              <path d={d} vectorEffect='non-scaling-stroke' />
              {!spark && s.points.length <= 60 && s.points.map(p => (
                <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={3}><title>{`${s.name} · ${ft(new Date(p.t))}: ${fv(p.v)}`}</title></circle>
              ))}
            </g>
          )
        })}
      </svg>
      {!spark && data.length > 1 && (
        <ul className='mz-chart__legend'>
          {data.map((s, i) => <li key={s.name} className={`mz-chart__key mz-chart__series--${(i % 4) + 1}`}>{s.name}</li>)}
        </ul>
      )}
      <div className='mz-visually-hidden'>
        {data.map(s => <p key={s.name}>{t('chart.summary', { name: s.name, count: s.points.length, last: s.points.length ? fv((s.points[s.points.length - 1] as { v: number }).v) : '-' })}</p>)}
      </div>
    </figure>
  )
}
