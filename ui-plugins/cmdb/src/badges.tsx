import { useFormat, useT, type ChannelStatus } from '@monozu/ui-sdk'
import { StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Provenance } from './types.ts'

const statusTones: Record<string, Tone> = { planned: 'info', active: 'success', maintenance: 'warning', retired: 'neutral' }

export function CiStatusBadge ({ status }: { status: string }) {
  const t = useT(messages)
  return <StatusBadge status={status} tone={statusTones[status] ?? 'neutral'} label={t.has(`status.${status}`) ? t(`status.${status}`) : status} />
}

/** Whether the page is receiving live events. */
export function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  const tone = status === 'open' ? 'success' : status === 'forbidden' ? 'warning' : 'neutral'
  return <span role='status' className='cmdb-live'><StatusBadge status={status} tone={tone} label={t(`channel.${status}`)} /></span>
}

const sourceTones: Record<Provenance['by'], Tone> = { user: 'info', import: 'neutral', discovery: 'success', review: 'warning' }

/**
 * Where a field's value came from: a person, an import, a review, or which discovery tool and
 * when. The text says it all (colour is never the only signal); the exact time is in the title.
 */
export function ProvenanceBadge ({ provenance }: { provenance: Provenance | undefined }) {
  const t = useT(messages)
  const fmt = useFormat()
  if (!provenance) return <span className='mz-muted cmdb-small'>{t('source.none')}</span>
  const who = provenance.by === 'discovery'
    ? t('source.discovery', { source: provenance.source ?? '?' })
    : t(`source.${provenance.by}`)
  const exact = fmt.dateTime(provenance.at, { seconds: true })
  const title = provenance.deviceId ? `${exact} · ${t('source.device', { id: provenance.deviceId })}` : exact
  return (
    <span className={`mz-badge mz-badge--${sourceTones[provenance.by] ?? 'neutral'} cmdb-source`} data-source={provenance.by} title={title}>
      {who} · <time dateTime={provenance.at}>{fmt.relative(provenance.at)}</time>
    </span>
  )
}
