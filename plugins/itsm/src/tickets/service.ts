import { randomUUID } from 'node:crypto'
import type { PluginContext, Transaction } from '@monozu/kernel'
import { ItsmError, invalid, json } from '../http.ts'
import { matchPolicy, type SlaState } from '../sla/policy.ts'
import { TRANSITIONS, type Status } from './model.ts'
import { fetchTicket, indexText, loadPolicies, priorityOf, slaColumns, type TicketRow } from './store.ts'

export interface Who { id: string, name: string | null, kind: 'agent' | 'requester' | 'email' | 'system' }

/** Live updates on channel `itsm` once the transaction commits (never when it rolls back). */
export function afterCommit (ctx: PluginContext, trx: Transaction, tenantId: string, event: string, data: Record<string, unknown>): void {
  trx.executionPromise.then(() => {
    ctx.channels.publish(tenantId, 'itsm', event, data).catch(err => ctx.log.warn({ err, event }, 'itsm: live event not published'))
  }, () => {})
}

export interface TicketChanges {
  title?: string, description?: string, status?: Status, pendingReason?: string | null
  assigneeId?: string | null, groupId?: string | null, category?: string | null, impact?: number, urgency?: number
  links?: TicketRow['links'], approval?: string
}

/**
 * Applies changes to a locked ticket: checks the workflow transition (and a change's approval),
 * keeps the SLA pauses, re-matches the policy and re-evaluates the clocks, records the transition,
 * publishes `itsm.ticket_changed`, notifies a new assignee. Returns the ticket as stored.
 */
export async function changeTicket (ctx: PluginContext, trx: Transaction, tenantId: string, before: TicketRow, changes: TicketChanges, who: Who, reason: string | null = null): Promise<TicketRow> {
  const now = ctx.clock.now()
  const update: Record<string, unknown> = {}
  const sla = json<SlaState>(before.sla)
  let pauses = sla.pauses ?? []
  const to = changes.status
  if (to !== undefined && to !== before.status) {
    if (!TRANSITIONS[before.status].includes(to)) throw new ItsmError('itsm_transition', `A ${before.status} ticket cannot become ${to}; allowed: ${TRANSITIONS[before.status].join(', ') || 'none'}`)
    if (before.type === 'change' && (to === 'open' || to === 'pending' || to === 'resolved') && before.approval !== 'approved' && before.approval !== 'none' && changes.approval !== 'approved') {
      throw new ItsmError('itsm_approval_required', `${before.number} is ${before.approval === 'rejected' ? 'rejected' : 'awaiting approval'}`)
    }
    if (to === 'pending') {
      const why = changes.pendingReason ?? null
      if (!why || !why.trim()) throw invalid('/pendingReason', 'a pending ticket needs a reason (e.g. waiting for the customer)', 'required')
      update.pending_reason = why.trim()
      pauses = [...pauses, { from: now.getTime(), to: null }]
    } else {
      update.pending_reason = null
    }
    if (before.status === 'pending') pauses = pauses.map(p => p.to === null ? { ...p, to: now.getTime() } : p)
    if (to === 'resolved') update.resolved_at = now
    if (to === 'open' && before.status === 'resolved') update.resolved_at = null
    if (to === 'closed') update.closed_at = now
    update.status = to
  } else if (changes.pendingReason !== undefined && before.status === 'pending' && changes.pendingReason) {
    update.pending_reason = changes.pendingReason
  }
  for (const [key, column] of [['title', 'title'], ['description', 'description'], ['assigneeId', 'assignee_id'], ['groupId', 'group_id'], ['category', 'category'], ['impact', 'impact'], ['urgency', 'urgency'], ['approval', 'approval']] as const) {
    if (changes[key] !== undefined && changes[key] !== before[column]) update[column] = changes[key]
  }
  if (changes.links !== undefined) update.links = JSON.stringify(changes.links)
  const impact = (update.impact as number | undefined) ?? before.impact
  const urgency = (update.urgency as number | undefined) ?? before.urgency
  const priority = update.impact !== undefined || update.urgency !== undefined ? await priorityOf(trx, impact, urgency) : before.priority
  if (priority !== before.priority) update.priority = priority

  const merged = { ...before, ...update } as TicketRow
  const policy = matchPolicy(await loadPolicies(trx), { type: merged.type, priority, category: merged.category })
  const { columns, evaluation } = slaColumns(policy, merged, { ...sla, pauses }, now.getTime())
  Object.assign(update, columns)
  if (update.title !== undefined || update.description !== undefined) {
    const text = `${merged.number} ${merged.title} ${merged.description}`
    update.search = trx.raw("to_tsvector('simple', ?)", [text])
    update.search_all = trx.raw("to_tsvector('simple', ?)", [text])
  }
  update.updated_at = now
  update.version = before.version + 1
  await trx('itsm_tickets').where({ id: before.id }).update(update)
  if (update.status !== undefined) {
    await trx('itsm_transitions').insert({ tenant_id: tenantId, ticket_id: before.id, from_status: before.status, to_status: update.status, reason: reason ?? (update.pending_reason as string | null) ?? null, actor_id: who.id, actor_name: who.name, at: now })
  }
  const after = (await fetchTicket(trx, before.id))!
  await ctx.events.publish(trx, 'itsm.ticket_changed', { ticketId: after.id, number: after.number, change: update.status !== undefined ? 'status' : 'updated', status: after.status, ...(update.status !== undefined ? { previous: before.status } : {}) }, { subject: after.id })
  afterCommit(ctx, trx, tenantId, 'ticket.changed', { id: after.id, number: after.number, status: after.status, version: after.version })
  if (update.assignee_id && update.assignee_id !== who.id) {
    await ctx.notify({ tenantId, type: 'itsm.assigned', to: { users: [update.assignee_id as string] }, title: { en: `${after.number} assigned to you`, pl: `Przypisano Ci ${after.number}` }, body: { en: after.title, pl: after.title }, link: `/itsm/tickets/${after.id}` }, trx)
  }
  // The requester's live path: a notification to them alone (the channel `itsm` is for agents).
  // new → open is the first reply, which the requester hears of as itsm.reply.
  if (update.status !== undefined && !(before.status === 'new' && after.status === 'open') && after.requester_id && after.requester_id !== who.id) {
    const [en, pl] = STATUS_TEXT[after.status as Status]
    await ctx.notify({ tenantId, type: 'itsm.status', to: { users: [after.requester_id] }, title: { en: `${after.number} is ${en}`, pl: `${after.number}: ${pl}` }, body: { en: after.title, pl: after.title }, link: `/itsm/tickets/${after.id}` }, trx)
  }
  if (evaluation && (evaluation.newWarnings.length || evaluation.newBreaches.length)) await notifySla(ctx, trx, tenantId, after, evaluation.newWarnings, evaluation.newBreaches)
  return after
}

const STATUS_TEXT: Record<Status, [string, string]> = { new: ['new', 'nowe'], open: ['open', 'otwarte'], pending: ['pending', 'oczekuje'], resolved: ['resolved', 'rozwiązane'], closed: ['closed', 'zamknięte'] }

const TARGET_TEXT = { firstResponse: { en: 'first response', pl: 'pierwsza odpowiedź' }, nextUpdate: { en: 'next update', pl: 'kolejna aktualizacja' }, resolution: { en: 'resolution', pl: 'rozwiązanie' } } as const

export async function notifySla (ctx: PluginContext, trx: Transaction, tenantId: string, t: TicketRow, warnings: string[], breaches: string[]): Promise<void> {
  const to = t.assignee_id ? { users: [t.assignee_id] } : { permissions: ['itsm.agent'] }
  for (const [kind, targets] of [['itsm.sla_breach', breaches], ['itsm.sla_warning', warnings]] as const) {
    if (targets.length === 0) continue
    const en = targets.map(x => TARGET_TEXT[x as keyof typeof TARGET_TEXT].en).join(', ')
    const pl = targets.map(x => TARGET_TEXT[x as keyof typeof TARGET_TEXT].pl).join(', ')
    const breach = kind === 'itsm.sla_breach'
    await ctx.notify({
      tenantId, type: kind, to, severity: breach ? 'critical' : 'warning', link: `/itsm/tickets/${t.id}`,
      title: breach ? { en: `${t.number} breached its SLA (${en})`, pl: `${t.number} przekroczyło SLA (${pl})` } : { en: `${t.number}: SLA ${en} due soon`, pl: `${t.number}: zbliża się termin SLA (${pl})` },
      body: { en: t.title, pl: t.title }
    }, trx)
  }
  if (breaches.length > 0) await ctx.events.publish(trx, 'itsm.ticket_changed', { ticketId: t.id, number: t.number, change: 'breached', status: t.status }, { subject: t.id })
}

/**
 * A public reply to a requester known only by email (an inbound message opened the ticket): sent
 * through the kernel's ctx.mail, threaded on the requester's last message, and its Message-ID kept
 * on the reply so the answer threads back (and a bounced copy of it is a duplicate, not a loop).
 */
async function mailRequester (ctx: PluginContext, trx: Transaction, tenantId: string, ticket: TicketRow, messageId: string, body: string): Promise<void> {
  // The opening message's id sits on the system note that recorded it; later ones on the requester's replies.
  const last = await trx('itsm_messages').where({ ticket_id: ticket.id }).whereIn('author_kind', ['email', 'system']).whereNotNull('email_message_id').orderBy('created_at', 'desc').first('email_message_id')
  const thread = typeof last?.email_message_id === 'string' && /^<[^\s<>@]+@[^\s<>@]+>$/.test(last.email_message_id) ? last.email_message_id as string : undefined
  const subject = `[${ticket.number}] ${ticket.title}`.replace(/[\r\n]+/g, ' ').slice(0, 300)
  const footer = '\n\n--\nReply to this email to add to the ticket. / Odpowiedz na tę wiadomość, aby dopisać się do zgłoszenia.'
  try {
    const sent = await ctx.mail.send({ tenantId, to: ticket.requester_email as string, subject, text: body + footer, ...(thread ? { inReplyTo: thread, references: [thread] } : {}) }, trx)
    await trx('itsm_messages').where({ id: messageId }).update({ email_message_id: sent.messageId })
  } catch (err) {
    // A requester address the kernel refuses, or the tenant's hourly cap: the reply stays on the ticket.
    ctx.log.warn({ err, tenantId, ticket: ticket.number }, 'itsm: the reply was not emailed to the requester')
  }
}

export interface NewMessage { body: string, visibility: 'public' | 'internal', emailMessageId?: string | null }

/**
 * Adds a reply or note. An agent's first public reply is the first response; a requester's reply
 * to a pending or resolved ticket reopens it. Notifies the other side.
 */
export async function addMessage (ctx: PluginContext, trx: Transaction, tenantId: string, ticket: TicketRow, message: NewMessage, who: Who): Promise<{ id: string, ticket: TicketRow }> {
  const now = ctx.clock.now()
  const id = randomUUID()
  await trx('itsm_messages').insert({ tenant_id: tenantId, id, ticket_id: ticket.id, visibility: message.visibility, author_kind: who.kind, author_id: who.id, author_name: who.name, body: message.body, email_message_id: message.emailMessageId ?? null, created_at: now })
  await indexText(trx, ticket.id, message.body, message.visibility === 'internal')
  let after = ticket
  if (who.kind === 'agent' && message.visibility === 'public') {
    const sla = json<SlaState>(ticket.sla)
    await trx('itsm_tickets').where({ id: ticket.id }).update({
      first_response_at: ticket.first_response_at ?? now,
      last_agent_reply_at: now,
      // a new update re-arms the next-update clock
      sla: JSON.stringify({ ...sla, warned: { ...sla.warned, nextUpdate: undefined }, breached: { ...sla.breached, nextUpdate: undefined } })
    })
    const fresh = (await fetchTicket(trx, ticket.id))!
    after = await changeTicket(ctx, trx, tenantId, fresh, ticket.status === 'new' ? { status: 'open' } : {}, who, 'agent replied')
    if (ticket.requester_id) {
      await ctx.notify({ tenantId, type: 'itsm.reply', to: { users: [ticket.requester_id] }, title: { en: `Reply on ${ticket.number}`, pl: `Odpowiedź w ${ticket.number}` }, body: { en: message.body.slice(0, 300), pl: message.body.slice(0, 300) }, link: `/itsm/tickets/${ticket.id}` }, trx)
    } else if (ticket.requester_email) {
      await mailRequester(ctx, trx, tenantId, ticket, id, message.body)
    }
  } else if (who.kind === 'requester' || who.kind === 'email') {
    if (ticket.status === 'pending' || ticket.status === 'resolved') {
      after = await changeTicket(ctx, trx, tenantId, ticket, { status: 'open' }, who, 'requester replied')
    } else {
      await trx('itsm_tickets').where({ id: ticket.id }).update({ updated_at: now })
    }
    const to = ticket.assignee_id ? { users: [ticket.assignee_id] } : null
    if (to) await ctx.notify({ tenantId, type: 'itsm.reply', to, title: { en: `Requester replied on ${ticket.number}`, pl: `Zgłaszający odpowiedział w ${ticket.number}` }, body: { en: message.body.slice(0, 300), pl: message.body.slice(0, 300) }, link: `/itsm/tickets/${ticket.id}` }, trx)
  }
  afterCommit(ctx, trx, tenantId, 'message.created', { ticketId: ticket.id, id, visibility: message.visibility })
  return { id, ticket: after }
}
