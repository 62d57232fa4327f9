import { useId } from 'react'
import { useFormat } from '@monozu/ui-sdk'
import type { Tone } from './StatusBadge.tsx'
import './BarChart.css'

export interface Bar { label: string, value: number, tone?: Tone }

export interface BarChartProps {
  /** The chart's visible title and accessible name. */
  title: string
  bars: Bar[]
  /** The value axis' name, e.g. "Devices" (shown under the bars and read with each value). */
  valueLabel: string
  formatValue?: (v: number) => string
}

/**
 * Horizontal bars for counts by category. A table underneath: labels, values and the axis name
 * are real text, so screen readers read it as the data it is and no separate description is needed.
 */
export function BarChart ({ title, bars, valueLabel, formatValue }: BarChartProps) {
  const fmt = useFormat()
  const titleId = useId()
  const fv = formatValue ?? ((v: number) => fmt.number(v))
  const max = Math.max(1, ...bars.map(b => b.value))
  return (
    <figure className='mz-bars' aria-labelledby={titleId}>
      <figcaption id={titleId} className='mz-bars__title'>{title}</figcaption>
      <table className='mz-bars__table'>
        <thead className='mz-visually-hidden'><tr><th scope='col'>{title}</th><th scope='col'>{valueLabel}</th></tr></thead>
        <tbody>
          {bars.map(b => (
            <tr key={b.label}>
              <th scope='row' className='mz-bars__label'>{b.label}</th>
              <td className='mz-bars__cell'>
                <span className='mz-bars__track' aria-hidden='true'>
                  <span className={`mz-bars__bar mz-bars__bar--${b.tone ?? 'info'}`} style={{ width: `${(b.value / max) * 100}%` }} />
                </span>
                <span className='mz-bars__value'>{fv(b.value)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className='mz-bars__axis' aria-hidden='true'>{valueLabel}</p>
    </figure>
  )
}
