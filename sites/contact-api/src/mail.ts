// The mail the team receives. Everything in it comes from the submission and the configuration
// only (no time, no IP): a client retry must produce the very same payload, or Resend would
// refuse the reused Idempotency-Key instead of answering with the first send.

import type { Config } from './config.ts'
import type { ContactInput } from './validate.ts'

export interface Mail {
  from: string
  to: string[]
  reply_to: string
  subject: string
  text: string
  html: string
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, c => HTML_ESCAPES[c]!)
}

export function composeMail (config: Config, input: ContactInput, id: string): Mail {
  const who = input.company !== '' ? `${input.name} (${input.company})` : input.name
  const rows: Array<[string, string]> = [
    ['Name', input.name],
    ['Email', input.email],
    ['Company', input.company || '-'],
    ['Language', input.locale === 'pl' ? 'Polish' : 'English'],
    ['Reference', id]
  ]
  const text = [
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    input.message,
    ''
  ].join('\n')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${label}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p style="white-space:pre-wrap">${escapeHtml(input.message)}</p>`,
    '</body></html>'
  ].join('\n')
  return {
    from: config.contactFrom,
    to: config.contactTo,
    // The bare address only: a display name built from user input could smuggle a second
    // address into the header.
    reply_to: input.email,
    subject: `Contact form: ${who}`,
    text,
    html
  }
}
