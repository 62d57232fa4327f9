import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { ApiError, isUuid, type PluginContext, type Transaction } from '@monozu/kernel'
import { ItsmError } from '../http.ts'
import { NUMBER_TOKEN } from '../tickets/model.ts'
import { storeAttachment } from '../tickets/routes.ts'
import { addMessage, afterCommit } from '../tickets/service.ts'
import { insertTicket, TICKET_COLUMNS, type TicketRow } from '../tickets/store.ts'

const SECRET = /^mzin_([0-9a-f]{32})_[A-Za-z0-9_-]{20,}$/

/** The tenant a secret names (its uuid is inside the secret); the hash check comes after. */
export function tenantOfSecret (secret: string): string | null {
  const m = SECRET.exec(secret)
  if (!m) return null
  const h = m[1]!
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  return isUuid(id) ? id : null
}

/** Why a message must not get an answer or a ticket (auto-replies, bounces, lists), or null. */
export function loopReason (mail: ParsedMail): string | null {
  const h = mail.headers
  const header = (name: string) => { const v = h.get(name); return v === undefined ? '' : String(typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v).toLowerCase().trim() }
  const auto = header('auto-submitted')
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`
  const precedence = header('precedence')
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`
  if (h.has('x-autoreply') || h.has('x-autorespond') || header('x-auto-response-suppress').includes('all')) return 'auto-reply header'
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? ''
  if (/^(mailer-daemon|postmaster|noreply|no-reply)@/.test(from)) return `sender ${from}`
  return null
}

const ids = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map(s => s.trim()).filter(s => s.length > 2 && s.length <= 300)

export function inboundEmail (ctx: PluginContext, app: FastifyInstance, opts: { maxEmailBytes: number, maxAttachmentBytes: number }): void {
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: opts.maxEmailBytes }, (_req, body, done) => done(null, body))
  app.post('/api/v1/itsm/inbound-email', {
    config: { public: true },
    bodyLimit: opts.maxEmailBytes,
    schema: {
      summary: 'Inbound email (a mail provider\'s webhook or an MTA pipe): the raw RFC 822 message as message/rfc822; Authorization: Bearer <the tenant\'s inbound secret>',
      security: [],
      response: { 200: { type: 'object', properties: { action: { enum: ['created', 'threaded', 'ignored', 'duplicate'] }, reason: { type: 'string' }, ticketId: { type: 'string' }, number: { type: 'string' } } } }
    }
  }, async request => {
    const auth = String(request.headers.authorization ?? '')
    const secret = auth.startsWith('Bearer ') ? auth.slice(7).trim() : String(request.headers['x-inbound-secret'] ?? '')
    const tenantId = tenantOfSecret(secret)
    if (!tenantId) throw new ItsmError('itsm_inbound_secret')
    if (!await ctx.enabledFor(tenantId)) throw new ApiError('feature_disabled')
    const raw = request.body
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw new ApiError('unsupported_media_type', 'Send the raw message as message/rfc822')
    const digest = createHash('sha256').update(secret).digest()
    const ok = await ctx.db.withTenant(tenantId, async trx => {
      const row = await trx('itsm_settings').first('inbound_secret_hash')
      return Boolean(row?.inbound_secret_hash) && timingSafeEqual(Buffer.from(row.inbound_secret_hash, 'hex'), digest)
    })
    if (!ok) throw new ItsmError('itsm_inbound_secret')
    const mail = await simpleParser(raw, { skipHtmlToText: false })
    const loop = loopReason(mail)
    if (loop) {
      request.log.info({ reason: loop, messageId: mail.messageId }, 'itsm: inbound email ignored (loop protection)')
      return { action: 'ignored', reason: loop }
    }
    const result = await ctx.db.withTenant(tenantId, trx => receive(ctx, trx, tenantId, mail, opts.maxAttachmentBytes))
    request.log.info({ ...result, messageId: mail.messageId }, 'itsm: inbound email')
    return result
  })
}

async function receive (ctx: PluginContext, trx: Transaction, tenantId: string, mail: ParsedMail, maxAttachmentBytes: number) {
  const messageId = mail.messageId?.slice(0, 300) ?? null
  if (messageId && await trx('itsm_messages').where({ email_message_id: messageId }).first('id')) return { action: 'duplicate' as const, reason: `${messageId} was received before` }
  const from = (mail.from as AddressObject | undefined)?.value[0]
  // A sender who is one of the tenant's users becomes the requester, so the ticket is in their portal.
  const [user] = from?.address ? await ctx.tenants.users(trx, { emails: [from.address], limit: 1 }) : []
  const sender = user
    ? { id: user.id, name: user.name, email: user.email }
    : { id: null, name: from?.name || from?.address || 'unknown sender', email: from?.address ?? null }
  const body = (mail.text ?? '').trim().slice(0, 100_000) || '(no text)'
  const subject = (mail.subject ?? '').trim() || '(no subject)'

  // Threading: a reply names a message we stored, or carries the ticket number in its subject.
  let ticket: TicketRow | undefined
  const refs = [...ids(mail.inReplyTo), ...ids(mail.references)]
  if (refs.length) {
    const hit = await trx('itsm_messages').whereIn('email_message_id', refs).first('ticket_id')
    if (hit) ticket = await trx('itsm_tickets').where({ id: hit.ticket_id }).forUpdate().first(TICKET_COLUMNS)
  }
  const token = NUMBER_TOKEN.exec(subject)?.[1]
  if (!ticket && token) ticket = await trx('itsm_tickets').where({ number: token }).forUpdate().first(TICKET_COLUMNS)
  let action: 'created' | 'threaded' = 'threaded'
  let messageRowId: string | null = null
  if (ticket && ticket.status !== 'closed') {
    const added = await addMessage(ctx, trx, tenantId, ticket, { body, visibility: 'public', emailMessageId: messageId }, { id: sender.email ?? 'email', name: sender.name, kind: 'email' })
    messageRowId = added.id
  } else {
    action = 'created'
    const title = subject.replace(NUMBER_TOKEN, '').replace(/^\s*((re|fw|fwd|odp|pd)\s*:\s*)+/i, '').trim().slice(0, 200) || '(no subject)'
    ticket = await insertTicket(trx, tenantId, { type: 'incident', title, description: body, requester: sender, impact: 3, urgency: 3, source: 'email' }, ctx.clock.now())
    const note = await addMessage(ctx, trx, tenantId, ticket, { body: `Opened by email from ${sender.email ?? sender.name}${messageId ? ` (${messageId})` : ''}${token ? `; ${token} is closed, so this is a new ticket` : ''}.`, visibility: 'internal', emailMessageId: messageId }, { id: 'email', name: 'Email', kind: 'system' })
    messageRowId = note.id
    await ctx.events.publish(trx, 'itsm.ticket_changed', { ticketId: ticket.id, number: ticket.number, change: 'created', status: ticket.status }, { subject: ticket.id })
    afterCommit(ctx, trx, tenantId, 'ticket.created', { id: ticket.id, number: ticket.number, status: ticket.status })
  }
  for (const a of mail.attachments ?? []) {
    if (a.size > maxAttachmentBytes) {
      await addMessage(ctx, trx, tenantId, ticket, { body: `Attachment ${a.filename ?? 'unnamed'} (${a.size} bytes) was over the ${maxAttachmentBytes}-byte limit and was not kept.`, visibility: 'internal' }, { id: 'email', name: 'Email', kind: 'system' })
      continue
    }
    await storeAttachment(ctx, trx, tenantId, ticket.id, messageRowId, { filename: a.filename ?? 'attachment', contentType: a.contentType ?? 'application/octet-stream', visibility: 'public', data: a.content }, sender.email)
  }
  return { action, ticketId: ticket.id, number: ticket.number }
}
