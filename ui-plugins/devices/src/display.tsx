import { useFormat, useT } from '@monozu/ui-sdk'
import { RelativeTime } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

/** A moment as relative time ("3 minutes ago"), the exact date on hover and for machines. */
export function When ({ at, empty }: { at: string | null | undefined, empty?: string }) {
  const t = useT(messages)
  if (!at) return <span className='mz-muted'>{empty ?? t('never')}</span>
  return <RelativeTime at={at} />
}

export function Tags ({ tags }: { tags: string[] | null | undefined }) {
  if (!tags || tags.length === 0) return <span className='mz-muted' aria-hidden='true'>–</span>
  return <ul className='devices-tags'>{tags.map(tag => <li key={tag}>{tag}</li>)}</ul>
}

/** 90 → "1 min 30 s", 7200 → "2 h": durations as people read them. */
export function useDuration (): (ms: number) => string {
  const fmt = useFormat()
  return ms => {
    if (ms < 1000) return `${fmt.number(ms)} ms`
    const s = Math.round(ms / 1000)
    if (s < 60) return `${fmt.number(ms / 1000, { maximumFractionDigits: 1 })} s`
    const parts: string[] = []
    const d = Math.floor(s / 86400); const h = Math.floor((s % 86400) / 3600); const m = Math.floor((s % 3600) / 60); const r = s % 60
    if (d) parts.push(`${d} d`)
    if (h) parts.push(`${h} h`)
    if (m && !d) parts.push(`${m} min`)
    if (r && !d && !h) parts.push(`${r} s`)
    return parts.join(' ')
  }
}
