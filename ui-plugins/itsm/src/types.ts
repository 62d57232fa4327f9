/** Shapes of the ITSM API (plugins/itsm: tickets, messages, SLA, admin), as the module reads them. */

export const TICKET_TYPES = ['incident', 'request', 'problem', 'change'] as const
export type TicketType = typeof TICKET_TYPES[number]

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const
export type TicketStatus = typeof STATUSES[number]

/** Impact and urgency: 1 high, 2 medium, 3 low. */
export const LEVELS = ['1', '2', '3'] as const
export type Level = number

/** Priority from the tenant's impact × urgency matrix: 1 critical … 5 planning. */
export const PRIORITIES = ['1', '2', '3', '4', '5'] as const

/** A person as tickets name them (requester, assignee, author). */
export interface Person { id: string, name?: string | null, email?: string | null }

/** One SLA target's clock as the API gives it. `due` is null while the clock is paused. */
export interface SlaClock {
  due: string | null
  warnedAt?: string | null
  breachedAt?: string | null
  /** The server's sentence explaining the due time, in both languages. */
  explanation?: { en: string, pl: string } | null
}

export const SLA_TARGETS = ['firstResponse', 'nextUpdate', 'resolution'] as const
export type SlaTarget = typeof SLA_TARGETS[number]

export interface TicketSla {
  policyId?: string | null
  breached?: boolean
  paused?: boolean
  firstResponse?: SlaClock
  nextUpdate?: SlaClock
  resolution?: SlaClock
}

export const LINK_KINDS = ['cis', 'devices', 'findings'] as const
export type LinkKind = typeof LINK_KINDS[number]
export type Links = Record<LinkKind, string[]>

export interface Approval {
  approverId: string
  approverName?: string | null
  /** pending | approved | rejected */
  state: string
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
  priority: number
  impact: number
  urgency: number
  category?: string | null
  requester?: Person | null
  assigneeId?: string | null
  assigneeName?: string | null
  groupId?: string | null
  groupName?: string | null
  /** web | email | alert */
  source?: string
  /** none | pending | approved | rejected (changes with approvers) */
  approval?: string
  links?: Links
  alertCount?: number
  sla?: TicketSla | null
  firstResponseAt?: string | null
  resolvedAt?: string | null
  closedAt?: string | null
  createdAt: string
  updatedAt: string
  version: number
}

export interface Attachment {
  id: string
  ticketId: string
  messageId?: string | null
  visibility: 'public' | 'internal'
  filename: string
  contentType?: string | null
  size: number
  createdAt: string
}

export interface Message {
  id: string
  ticketId?: string
  /** public: a reply everyone on the ticket sees; internal: a note only agents see. */
  visibility: 'public' | 'internal'
  body: string
  /** agent | requester | email | system */
  authorKind?: string | null
  authorId?: string | null
  authorName?: string | null
  createdAt: string
}

export interface Transition { from: string | null, to: string, reason?: string | null, actorId: string, actorName?: string | null, at: string }

/** The workflow (plugins/itsm tickets/model.ts TRANSITIONS): which status may follow which. The server checks it. */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'resolved', 'closed'],
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: []
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
export interface Impact { root: string, name: string | null, nodes: ImpactNode[], truncated: boolean }
/** A link with the name its plugin gives it now (GET /tickets/:id/links); `found: false` once it is gone. */
export interface NamedLink { id: string, found: boolean, name: string | null, kind: string | null, status: string | null }
export type NamedLinks = Record<LinkKind, NamedLink[]>

/** Events on the channel `itsm` (ids only: pages read again what they show). */
export type ItsmEvent =
  | { event: 'ticket.created', data: { id: string, number?: string, status?: string } }
  | { event: 'ticket.changed', data: { id: string, number?: string, status?: string, version?: number } }
  | { event: 'message.created', data: { ticketId: string, id?: string, visibility?: string } }
  | { event: 'presence', data: { ticketId: string, userId: string, name?: string, leaving?: boolean, at?: string, ttlSeconds?: number } }
  | { event: 'config.changed', data: { kind?: string } }
