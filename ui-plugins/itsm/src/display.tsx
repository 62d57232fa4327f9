import { useFormat, useT, type ChannelStatus } from '@monozu/ui-sdk'
import { RelativeTime, StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Person, Ticket } from './types.ts'

const statusTones: Record<string, Tone> = { new: 'info', open: 'info', pending: 'warning', resolved: 'success', closed: 'neutral' }
const priorityTones: Record<string, Tone> = { critical: 'danger', high: 'warning', medium: 'info', low: 'neutral', planning: 'neutral' }

/** A text key's translation, or the value itself when the module has no text for it (a newer server). */
export function label (t: ReturnType<typeof useT>, prefix: string, value: string | null | undefined): string {
  if (!value) return ''
  return t.has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value
}

export function TicketStatusBadge ({ status }: { status: string }) {
  const t = useT(messages)
  return <span data-status={status}><StatusBadge status={status} tone={statusTones[status] ?? 'neutral'} label={label(t, 'status', status)} /></span>
}

export function PriorityBadge ({ priority }: { priority: string | null | undefined }) {
  const t = useT(messages)
  if (!priority) return <Dash />
  return <StatusBadge status={priority} tone={priorityTones[priority] ?? 'neutral'} label={label(t, 'priority', priority)} />
}

/** Whether the page is receiving live events. */
export function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  const tone = status === 'open' ? 'success' : status === 'forbidden' ? 'warning' : 'neutral'
  return <span role='status' className='itsm-live'><StatusBadge status={status} tone={tone} label={t(`channel.${status}`)} /></span>
}

export function When ({ at }: { at: string | null | undefined }) {
  return at ? <RelativeTime at={at} /> : <Dash />
}

export function Dash () {
  return <span className='mz-muted' aria-label='–'>–</span>
}

export function PersonName ({ person, id }: { person?: Person | null, id?: string | null }) {
  const t = useT(messages)
  if (!person && !id) return <span className='mz-muted'>{t('nobody')}</span>
  return <>{person?.name || person?.email || (id ? <code>{id.slice(0, 8)}</code> : '')}</>
}

/**
 * When the ticket's next SLA target is due, as people read it: "in 3 hours", "overdue by 2 hours",
 * with the state in words (colour is never the only signal) and the exact time on hover.
 */
export function SlaDue ({ ticket }: { ticket: Pick<Ticket, 'slaDueAt' | 'slaState' | 'status'> }) {
  const t = useT(messages)
  const fmt = useFormat()
  const due = ticket.slaDueAt
  if (!due || ticket.status === 'resolved' || ticket.status === 'closed') return <Dash />
  const state = ticket.slaState ?? (Date.parse(due) < Date.now() ? 'breached' : 'running')
  const tone: Tone = state === 'breached' ? 'danger' : state === 'warning' ? 'warning' : state === 'paused' ? 'neutral' : 'info'
  return (
    <span className='itsm-nowrap' data-sla={state} title={fmt.dateTime(due)}>
      <StatusBadge status={state} tone={tone} label={label(t, 'sla.state', state)} />{' '}
      <time dateTime={due}>{fmt.relative(due)}</time>
    </span>
  )
}
