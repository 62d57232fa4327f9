import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Database, Transaction } from '../db/database.ts'
import type { Clock } from '../clock/clock.ts'
import type { PluginManifest } from '../plugins/manifest.ts'

/** One message to one address that is not a user of the tenant (a ticket's email-only requester). */
export interface MailInput {
  tenantId: string
  to: string
  subject: string
  /** Plain text; the kernel sends text only. */
  text: string
  /** `<id@domain>`; the kernel makes one when absent. Keep it to thread the answer (In-Reply-To). */
  messageId?: string
  inReplyTo?: string
  references?: string[]
  replyTo?: string
}

/**
 * `ctx.mail` (kernel API 1.6), for plugins whose plugin.json says `"mail": true`. `send` stores the
 * message in `trx` when given (it leaves only if that transaction commits), else in its own;
 * `queued` is false when email is off (SMTP_URL unset): the row then records what was not sent.
 * Throws a TypeError for a bad address, a header with a line break or an oversized part, and a
 * RangeError (`code: 'mail_rate_limited'`) past the tenant's hourly cap.
 */
export interface PluginMail {
  send (input: MailInput, trx?: Transaction): Promise<{ id: string, messageId: string, queued: boolean }>
}

/** Messages per tenant per hour, all plugins together: a plugin must not become an open relay. */
export const HOURLY_CAP = 500
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/
const MESSAGE_ID = /^<[^\s<>@]+@[^\s<>@]+>$/

function header (name: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`ctx.mail.send: ${name} must be a non-empty string`)
  if (/[\r\n\0]/.test(value)) throw new TypeError(`ctx.mail.send: ${name} must not contain a line break`)
  if (value.length > max) throw new TypeError(`ctx.mail.send: ${name} is longer than ${max} characters`)
  return value
}

function address (name: string, value: unknown): string {
  const v = header(name, value, 320)
  if (!ADDRESS.test(v)) throw new TypeError(`ctx.mail.send: ${name} "${v}" is not one email address`)
  return v
}

function messageId (name: string, value: unknown): string {
  const v = header(name, value, 255)
  if (!MESSAGE_ID.test(v)) throw new TypeError(`ctx.mail.send: ${name} "${v}" is not a Message-ID (<id@domain>)`)
  return v
}

interface MailRow { id: string, tenant_id: string, recipient: string, reply_to: string | null, subject: string, text: string, message_id: string, in_reply_to: string | null, references: string | null }

/** The checked row of one message. */
export function checkMail (input: MailInput, domain: string): MailRow {
  if (typeof input?.tenantId !== 'string') throw new TypeError('ctx.mail.send: tenantId is required')
  if (typeof input.text !== 'string' || input.text.length > 200_000) throw new TypeError('ctx.mail.send: text must be a string of at most 200000 characters')
  const refs = input.references ?? []
  if (!Array.isArray(refs) || refs.length > 50) throw new TypeError('ctx.mail.send: references must be an array of at most 50 Message-IDs')
  return {
    id: randomUUID(),
    tenant_id: input.tenantId,
    recipient: address('to', input.to),
    reply_to: input.replyTo === undefined ? null : address('replyTo', input.replyTo),
    subject: header('subject', input.subject, 300),
    text: input.text,
    message_id: input.messageId === undefined ? `<${randomUUID()}@${domain}>` : messageId('messageId', input.messageId),
    in_reply_to: input.inReplyTo === undefined ? null : messageId('inReplyTo', input.inReplyTo),
    references: refs.length === 0 ? null : refs.map(r => messageId('references', r)).join(' ')
  }
}

export interface OutboundMail {
  forPlugin (manifest: PluginManifest): PluginMail
}

/** `ctx.mail` for each plugin; `sendAfterCommit` is the send job's enqueue (null when email is off). */
export function createOutboundMail (deps: { db: Database, clock: Clock, mailFrom: string | undefined, log: FastifyBaseLogger, sendAfterCommit: ((trx: Transaction, tenantId: string, id: string) => void) | null }): OutboundMail {
  const domain = deps.mailFrom?.match(/@([^\s>]+)/)?.[1] ?? 'monozu.invalid'
  async function store (trx: Transaction, pluginId: string, input: MailInput) {
    const row = { ...checkMail(input, domain), plugin_id: pluginId, state: deps.sendAfterCommit ? 'queued' : 'off' }
    const since = new Date(deps.clock.nowMs() - 3_600_000)
    const sent = Number((await trx('outbound_mail').where('created_at', '>', since).count('* as n').first())?.n ?? 0)
    if (sent >= HOURLY_CAP) {
      deps.log.warn({ tenantId: input.tenantId, plugin: pluginId, cap: HOURLY_CAP }, 'outbound mail refused: the tenant reached its hourly cap')
      throw Object.assign(new RangeError(`ctx.mail.send: tenant ${input.tenantId} reached ${HOURLY_CAP} messages in the last hour`), { code: 'mail_rate_limited' })
    }
    await trx('outbound_mail').insert({ ...row, created_at: deps.clock.now() })
    if (deps.sendAfterCommit) deps.sendAfterCommit(trx, input.tenantId, row.id)
    return { id: row.id, messageId: row.message_id, queued: deps.sendAfterCommit !== null }
  }
  return {
    forPlugin (manifest) {
      return {
        async send (input, trx) {
          if (manifest.mail !== true) throw new TypeError(`ctx.mail.send: plugin "${manifest.id}" does not declare "mail": true in plugin.json`)
          return trx ? store(trx, manifest.id, input) : deps.db.withTenant(input.tenantId, t => store(t, manifest.id, input))
        }
      }
    }
  }
}
