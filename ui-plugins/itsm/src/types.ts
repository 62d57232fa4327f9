/** Shapes of the ITSM API (plugins/itsm: tickets, messages, SLA, admin), as the module reads them. */

export const TICKET_TYPES = ['incident', 'request', 'problem', 'change'] as const
export type TicketType = typeof TICKET_TYPES[number]

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const
export type TicketStatus = typeof STATUSES[number]

export const LEVELS = ['high', 'medium', 'low'] as const
export type Level = typeof LEVELS[number]

export const PRIORITIES = ['critical', 'high', 'medium', 'low', 'planning'] as const

/** A person as tickets name them (requester, assignee, author). */
export interface Person { id: string, name?: string | null, email?: string | null }

/** One SLA target's clock: when it is due, whether it is met, paused, warned or breached. */
export interface SlaTarget {
  dueAt: string | null
  /** running | paused | met | breached | warning (the server's word; unknown ones show as they are) */
  state: string
  /** When the target was met (first response given, resolved). */
  metAt?: string | null
  breachedAt?: string | null
  warnedAt?: string | null
  /** The server's sentence explaining the due time ("due Tue 14:00 Europe/Warsaw: 8 business hours from …"). */
  explanation?: string | null
}

export interface TicketSla {
  policyId?: string | null
  policyName?: string | null
  timeZone?: string | null
  firstResponse?: SlaTarget | null
  nextUpdate?: SlaTarget | null
  resolution?: SlaTarget | null
}

export const LINK_KINDS = ['ci', 'device', 'finding'] as const
export type LinkKind = typeof LINK_KINDS[number]

export interface TicketLink { kind: LinkKind, id: string, name?: string | null, status?: string | null }

export interface Approval {
  approverId: string
  approverName?: string | null
  /** pending | approved | rejected */
  decision: string
  comment?: string | null
  decidedAt?: string | null
}

export interface Ticket {
  id: string
  number: string
  type: TicketType
  title: string
  description: string
  status: TicketStatus
  pendingReason?: string | null
  priority?: string | null
  impact?: Level | null
  urgency?: Level | null
  category?: string | null
  requester?: Person | null
  requesterId?: string
  assignee?: Person | null
  assigneeId?: string | null
  groupId?: string | null
  groupName?: string | null
  createdAt: string
  updatedAt: string
  resolvedAt?: string | null
  closedAt?: string | null
  /** Due times the list sorts by (also inside `sla`). */
  slaDueAt?: string | null
  slaState?: string | null
  sla?: TicketSla | null
  links?: TicketLink[]
  approvals?: Approval[]
  /** change: approved | pending | rejected | not_required */
  approvalState?: string | null
  /** Transitions the server allows the caller from here. */
  allowedTransitions?: string[]
  version?: number
}

export interface Attachment { id: string, filename: string, size: number, contentType?: string | null }

export interface Message {
  id: string
  /** public: a reply everyone on the ticket sees; internal: a note only agents see. */
  visibility: 'public' | 'internal'
  body: string
  author?: Person | null
  authorId?: string | null
  /** user | requester | agent | email | system */
  source?: string | null
  createdAt: string
  attachments?: Attachment[]
}

export interface Group { id: string, name: string, description?: string | null, members?: string[] }

export interface CalendarHours { day: number, start: string, end: string }

export interface Calendar {
  id: string
  name: string
  timeZone: string
  hours: CalendarHours[]
  country?: string | null
  region?: string | null
  customHolidays?: string[]
}

export interface SlaPolicy {
  id: string
  name: string
  calendarId: string
  match: { types?: string[], priorities?: string[], categories?: string[] }
  firstResponseMinutes?: number | null
  nextUpdateMinutes?: number | null
  resolutionMinutes?: number | null
  warnAtPercent?: number | null
  order?: number
  enabled?: boolean
}

export interface AlertRule {
  id: string
  name: string
  eventTypes: string[]
  ticketType?: string
  impact?: Level
  urgency?: Level
  groupId?: string | null
  resolveOnClear?: boolean
  enabled?: boolean
}

export interface ImpactNode { id: string, name: string, class: string, depth: number }
export interface Impact { root: string, nodes: ImpactNode[], truncated: boolean }

/** Events on the channel `itsm` (ids only: pages read again what they show). */
export type ItsmEvent =
  | { event: 'ticket.created', data: { id: string } }
  | { event: 'ticket.updated', data: { id: string } }
  | { event: 'message.created', data: { ticketId: string, id?: string, visibility?: string } }
  | { event: 'ticket.viewers', data: { ticketId: string, viewers: Person[] } }
  | { event: 'sla.changed', data: { id?: string, ticketId?: string } }
  | { event: 'config.changed', data: { kind?: string } }
