// The form's body, checked field by field so the form can show each error next to its field.
// Lengths count characters (code points), not UTF-16 units, so "ż" and an emoji count as one,
// as a person would count them.

import { isEmail } from './config.ts'
import type { FieldRule } from './errors.ts'

export interface ContactInput {
  name: string
  email: string
  company: string
  message: string
  locale: 'pl' | 'en'
  turnstileToken: string
}

export type Validation =
  | { ok: true, input: ContactInput }
  | { ok: false, fields: Record<string, FieldRule> }

export const LIMITS = {
  name: { min: 1, max: 100 },
  email: { max: 254 },
  company: { max: 100 },
  message: { min: 10, max: 5000 },
  turnstileToken: { max: 2048 } // Cloudflare's documented maximum token length
} as const

const KNOWN = new Set(['name', 'email', 'company', 'message', 'locale', 'website', 'turnstileToken'])
// One-line fields: no control characters at all (they end up in the mail subject).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
// The message keeps tabs and line breaks, nothing else from the control ranges.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

const length = (s: string): number => [...s].length

/** True when the honeypot field has anything in it: only a bot fills a field nobody sees. */
export function isHoneypotHit (body: Record<string, unknown>): boolean {
  const value = body.website
  return value !== undefined && value !== null && value !== ''
}

export function validate (body: Record<string, unknown>): Validation {
  // No prototype: a "__proto__" key from JSON.parse must land as a field, not as a prototype.
  const fields: Record<string, FieldRule> = Object.create(null)
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) fields[key] = 'unknown'

  const text = (key: string, optional: boolean): string | undefined => {
    const value = body[key]
    if (value === undefined || value === null) {
      if (!optional) fields[key] = 'required'
      return undefined
    }
    if (typeof value !== 'string') { fields[key] = 'type'; return undefined }
    return value.trim()
  }

  const name = text('name', false)
  if (name !== undefined) {
    if (length(name) < LIMITS.name.min) fields.name = 'required'
    else if (length(name) > LIMITS.name.max) fields.name = 'too_long'
    else if (CONTROL.test(name)) fields.name = 'format'
  }

  const email = text('email', false)
  if (email !== undefined) {
    if (email === '') fields.email = 'required'
    else if (email.length > LIMITS.email.max) fields.email = 'too_long'
    else if (!isEmail(email)) fields.email = 'format'
  }

  const company = text('company', true)
  if (company !== undefined) {
    if (length(company) > LIMITS.company.max) fields.company = 'too_long'
    else if (CONTROL.test(company)) fields.company = 'format'
  }

  const message = text('message', false)
  if (message !== undefined) {
    if (message === '') fields.message = 'required'
    else if (length(message) < LIMITS.message.min) fields.message = 'too_short'
    else if (length(message) > LIMITS.message.max) fields.message = 'too_long'
    else if (CONTROL_IN_TEXT.test(message)) fields.message = 'format'
  }

  const locale = text('locale', true)
  if (locale !== undefined && locale !== 'pl' && locale !== 'en') fields.locale = 'invalid'

  const token = text('turnstileToken', false)
  if (token !== undefined) {
    if (token === '') fields.turnstileToken = 'required'
    else if (token.length > LIMITS.turnstileToken.max) fields.turnstileToken = 'too_long'
  }

  if (Object.keys(fields).length > 0) return { ok: false, fields }
  return {
    ok: true,
    input: {
      name: name!,
      email: email!,
      company: company ?? '',
      message: message!,
      locale: locale === 'pl' ? 'pl' : 'en',
      turnstileToken: token!
    }
  }
}
