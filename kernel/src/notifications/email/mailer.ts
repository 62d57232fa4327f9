import type { FastifyBaseLogger } from 'fastify'
import nodemailer from 'nodemailer'
import type { KernelConfig } from '../../config/config.ts'

export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html?: string
  /** Threading (plugin mail, `ctx.mail`): nodemailer writes them as Message-ID, In-Reply-To, References. */
  messageId?: string
  inReplyTo?: string
  references?: string
  replyTo?: string
}

export interface Mailer {
  send (mail: OutgoingMail): Promise<{ messageId: string }>
  close (): void
}

/** Where mail goes, for logs: the host and port of SMTP_URL without its user and password. */
export function smtpTarget (smtpUrl: string): string {
  const url = new URL(smtpUrl)
  return `${url.protocol}//${url.host}`
}

/**
 * The SMTP transport of SMTP_URL (nodemailer parses the URL: `smtps://` is TLS from the start,
 * `smtp://` upgrades with STARTTLS when offered; user and password come from the URL).
 * Null when SMTP_URL is unset: email is off, which is logged once here.
 */
export function createMailer (config: Pick<KernelConfig, 'smtpUrl' | 'mailFrom'>, log: FastifyBaseLogger): Mailer | null {
  if (!config.smtpUrl) {
    log.info('email is off (SMTP_URL is not set): notifications are delivered in the app only')
    return null
  }
  const from = config.mailFrom
  if (!from) throw new Error('MAIL_FROM is required when SMTP_URL is set')
  // nodemailer's own logger stays off (it would print the AUTH exchange). Timeouts well inside
  // the send job's two minutes: a server that hangs fails the attempt, which is then retried.
  const transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 }, { from })
  log.info({ smtp: smtpTarget(config.smtpUrl), from }, 'email is on: notifications are also sent by SMTP')
  return {
    async send (mail) {
      // Auto-Submitted (RFC 3834) keeps vacation responders from answering a machine.
      const info = await transport.sendMail({ from, ...mail, headers: { 'Auto-Submitted': 'auto-generated' } })
      return { messageId: info.messageId }
    },
    close () { transport.close() }
  }
}
