import { decodeCursor, encodeCursor, type Transaction } from '@monozu/kernel'
import { TICKET_COLUMNS, type TicketRow } from './store.ts'

export const SORTS = ['due', '-created', 'created', '-updated', 'priority', 'number'] as const
export type Sort = typeof SORTS[number]

export interface Filters {
  status?: string[], type?: string[], priority?: number[], assigneeId?: string, groupId?: string, requesterId?: string
  category?: string, q?: string, breached?: boolean, unassigned?: boolean
}

// sort key: column, direction, cursor kind of its value
const KEYS: Record<Sort, [string, 'asc' | 'desc', 'date' | 'number' | 'string']> = {
  due: ['due_sort', 'asc', 'date'],
  '-created': ['created_at', 'desc', 'date'],
  created: ['created_at', 'asc', 'date'],
  '-updated': ['updated_at', 'desc', 'date'],
  priority: ['priority', 'asc', 'number'],
  number: ['number', 'asc', 'string']
}

/**
 * One page of the queue. Requesters (scope.requesterId) see only their own tickets and search
 * only public text. Keyset pagination on (sort column, id).
 */
export async function listTickets (trx: Transaction, f: Filters, sort: Sort, limit: number, cursor: string | undefined, scope: { requesterId: string | null }) {
  const [column, dir, kind] = KEYS[sort]
  const after = decodeCursor(cursor, { v: kind, id: 'uuid' } as const)
  const q = trx('itsm_tickets').select(TICKET_COLUMNS.concat(['due_sort']))
  if (scope.requesterId) q.where('requester_id', scope.requesterId)
  if (f.requesterId) q.where('requester_id', f.requesterId)
  if (f.status?.length) q.whereIn('status', f.status)
  if (f.type?.length) q.whereIn('type', f.type)
  if (f.priority?.length) q.whereIn('priority', f.priority)
  if (f.assigneeId) q.where('assignee_id', f.assigneeId)
  if (f.unassigned) q.whereNull('assignee_id')
  if (f.groupId) q.where('group_id', f.groupId)
  if (f.category) q.where('category', f.category)
  if (f.breached !== undefined) q.where('sla_breached', f.breached)
  if (f.q) q.whereRaw(`${scope.requesterId ? 'search' : 'search_all'} @@ websearch_to_tsquery('simple', ?)`, [f.q])
  if (after) {
    const value = kind === 'date' ? new Date(after.v as string) : after.v
    q.where(b => b.where(column, dir === 'asc' ? '>' : '<', value).orWhere(c => c.where(column, value).andWhere('id', dir === 'asc' ? '>' : '<', after.id)))
  }
  const rows = await q.orderBy([{ column, order: dir }, { column: 'id', order: dir }]).limit(limit + 1) as Array<TicketRow & { due_sort: Date }>
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  const raw = last ? (last as unknown as Record<string, unknown>)[column] : null
  const nextCursor = rows.length > limit && last ? encodeCursor({ v: raw instanceof Date ? raw.toISOString() : kind === 'number' ? Number(raw) : String(raw), id: last.id }) : null
  return { items, nextCursor }
}
