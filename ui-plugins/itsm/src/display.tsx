import { useFormat, useMe, useT, type ChannelStatus } from '@monozu/ui-sdk'
import { RelativeTime, StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { agentName, useAgents } from './agents.tsx'
import { useGroups } from './groups.tsx'
import { SLA_TARGETS, type Person, type SlaClock, type SlaTarget, type Ticket } from './types.ts'

const statusTones: Record<string, Tone> = { new: 'info', open: 'info', pending: 'warning', resolved: 'success', closed: 'neutral' }
const priorityTones: Record<string, Tone> = { 1: 'danger', 2: 'warning', 3: 'info', 4: 'neutral', 5: 'neutral' }

/** A text key's translation, or the value itself when the module has no text for it (a newer server). */
export function label (t: ReturnType<typeof useT>, prefix: string, value: string | null | undefined): string {
  if (!value) return ''
  return t.has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value
}

export function TicketStatusBadge ({ status }: { status: string }) {
  const t = useT(messages)
  return <span data-status={status}><StatusBadge status={status} tone={statusTones[status] ?? 'neutral'} label={label(t, 'status', status)} /></span>
}

export function PriorityBadge ({ priority }: { priority: number | null | undefined }) {
  const t = useT(messages)
  if (priority == null) return <Dash />
  const p = String(priority)
  return <span data-priority={p}><StatusBadge status={p} tone={priorityTones[p] ?? 'neutral'} label={label(t, 'priority', p)} /></span>
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

/** The clock that runs out first among those still running: first response (until given), next update, resolution. */
export function nextClock (ticket: Pick<Ticket, 'sla' | 'firstResponseAt' | 'status'>): { target: SlaTarget, clock: SlaClock } | null {
  const sla = ticket.sla
  if (!sla || ticket.status === 'resolved' || ticket.status === 'closed') return null
  const running = SLA_TARGETS
    .filter(k => !(k === 'firstResponse' && ticket.firstResponseAt))
    .map(k => ({ target: k, clock: sla[k] }))
    .filter((c): c is { target: SlaTarget, clock: SlaClock } => Boolean(c.clock?.due))
  running.sort((a, b) => Date.parse(a.clock.due!) - Date.parse(b.clock.due!))
  return running[0] ?? null
}

export function clockState (clock: SlaClock | undefined, paused: boolean | undefined, met?: boolean): string {
  if (clock?.breachedAt) return 'breached'
  if (met) return 'met'
  if (paused) return 'paused'
  if (clock?.warnedAt) return 'warning'
  return 'running'
}

const stateTones: Record<string, Tone> = { breached: 'danger', warning: 'warning', paused: 'neutral', met: 'success', running: 'info' }

export function SlaStateBadge ({ state }: { state: string }) {
  const t = useT(messages)
  return <span data-sla={state}><StatusBadge status={state} tone={stateTones[state] ?? 'neutral'} label={label(t, 'sla.state', state)} /></span>
}

/**
 * The queue's SLA cell: when the resolution is due (what the queue sorts by), and the ticket's
 * SLA state in words (colour is never the only signal): overdue if any target was breached, due
 * soon if a running one was warned, paused while pending. The exact time is on hover.
 */
export function SlaDue ({ ticket }: { ticket: Pick<Ticket, 'sla' | 'firstResponseAt' | 'status'> }) {
  const fmt = useFormat()
  const sla = ticket.sla
  if (!sla?.policyId || ticket.status === 'closed') return <Dash />
  const done = ticket.status === 'resolved'
  const warned = SLA_TARGETS.some(k => sla[k]?.warnedAt && !sla[k]?.breachedAt && !(k === 'firstResponse' && ticket.firstResponseAt))
  const state = sla.breached ? 'breached' : done ? 'met' : sla.paused ? 'paused' : warned ? 'warning' : 'running'
  const due = done ? null : sla.resolution?.due ?? nextClock(ticket)?.clock.due ?? null
  return (
    <span className='itsm-nowrap' title={due ? fmt.dateTime(due) : undefined}>
      <SlaStateBadge state={state} />
      {due && <>{' '}<time dateTime={due}>{fmt.relative(due)}</time></>}
    </span>
  )
}

/**
 * The assignee by name (the API's `assigneeName`, else the agents list); the signed-in agent's
 * own name is marked "(me)". A short id only when no name is known (e.g. a deleted user).
 */
export function Assignee ({ ticket }: { ticket: Pick<Ticket, 'assigneeId' | 'assigneeName'> }) {
  const t = useT(messages)
  const me = useMe()
  const { byId } = useAgents()
  if (!ticket.assigneeId) return <span className='mz-muted'>{t('nobody')}</span>
  const known = byId.get(ticket.assigneeId)
  const name = ticket.assigneeName || (known ? agentName(known) : null)
  if (ticket.assigneeId === me?.user.id) return <>{name ? t('assignee.meName', { name }) : t('assignee.me')}</>
  return <>{name ?? <code>{ticket.assigneeId.slice(0, 8)}</code>}</>
}

export function GroupName ({ id }: { id: string | null | undefined }) {
  const { byId } = useGroups()
  if (!id) return <Dash />
  return <>{byId.get(id)?.name ?? <code>{id.slice(0, 8)}</code>}</>
}
