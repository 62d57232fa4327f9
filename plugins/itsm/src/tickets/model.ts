export const TYPES = ['incident', 'request', 'problem', 'change'] as const
export type TicketType = typeof TYPES[number]
export const PREFIX: Record<TicketType, string> = { incident: 'INC', request: 'REQ', problem: 'PRB', change: 'CHG' }
export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const
export type Status = typeof STATUSES[number]

/** The workflow: which status may follow which. Checked on the server for every change. */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  new: ['open', 'pending', 'resolved', 'closed'],
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: []
}

export interface Links { cis: string[], devices: string[], findings: string[] }

/** Default impact × urgency matrix (1 = high): priority 1 (critical) to 5 (planning). */
export const defaultPriority = (impact: number, urgency: number) => Math.min(5, Math.max(1, impact + urgency - 1))

export const formatNumber = (type: TicketType, n: number) => `${PREFIX[type]}-${String(n).padStart(6, '0')}`
export const NUMBER_TOKEN = /\[((?:INC|REQ|PRB|CHG)-\d{6,})\]/
