import { isUuid } from '../db/database.ts'
import type { LocalText } from '../plugins/manifest.ts'
import { TENANT_ROLES } from '../tenancy/roles.ts'
import { LANGUAGES, type NotificationInput, type NotificationSeverity } from './types.ts'

export const LIMITS = { title: 200, body: 4000, link: 1000, recipients: 10_000 } as const
const SEVERITIES: readonly NotificationSeverity[] = ['info', 'warning', 'critical']

/** NotificationInput once checked: severity defaulted, link null when absent, `to` lists present. */
export interface CheckedInput extends Omit<NotificationInput, 'severity' | 'link' | 'to'> {
  severity: NotificationSeverity
  link: string | null
  to: { users: string[], roles: string[], permissions: string[] }
}

const fail = (what: string): never => { throw new TypeError(`ctx.notify: ${what}`) }

function localText (value: unknown, field: 'title' | 'body'): LocalText {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail(`${field} must be { en, pl }`)
  const text = value as Record<string, unknown>
  const extra = Object.keys(text).filter(k => !(LANGUAGES as readonly string[]).includes(k))
  if (extra.length > 0) fail(`${field} has unknown language(s) ${extra.join(', ')}; expected en and pl`)
  for (const lang of LANGUAGES) {
    const s = text[lang]
    if (typeof s !== 'string' || s.trim().length === 0) fail(`${field}.${lang} must be a non-empty string (every notification is shown in English and Polish)`)
    if ((s as string).length > LIMITS[field]) fail(`${field}.${lang} is longer than ${LIMITS[field]} characters`)
  }
  return { en: text.en as string, pl: text.pl as string }
}

/**
 * A link is a path inside the UI. Anything a browser could resolve to another origin is refused:
 * an absolute URL or scheme (no leading '/'), a protocol-relative '//host', a backslash (browsers
 * read '/\host' as '//host'), and whitespace or control characters (URL parsers drop tabs and
 * newlines, so '/\t/host' becomes '//host').
 */
export function checkLink (link: unknown): string | null {
  if (link === undefined || link === null) return null
  if (typeof link !== 'string') return fail('link must be a string')
  if (link.length > LIMITS.link) fail(`link is longer than ${LIMITS.link} characters`)
  if (!link.startsWith('/') || link.startsWith('//') || link.includes('\\') || /[\s\u0000-\u001f\u007f]/.test(link)) {
    fail(`link must be a path inside the UI starting with a single '/' (e.g. /devices/42), without spaces or backslashes; got ${JSON.stringify(link.slice(0, 100))}`)
  }
  return link
}

function list (value: unknown, field: string, check: (item: string) => boolean, expected: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) return fail(`to.${field} must be an array`)
  for (const item of value) if (typeof item !== 'string' || !check(item)) fail(`to.${field} holds ${JSON.stringify(item)}, which is not ${expected}`)
  return [...new Set(value as string[])]
}

/** Checks what a plugin passed to ctx.notify; every problem is a TypeError naming the field. */
export function checkInput (input: NotificationInput, knownPermission: (id: string) => boolean): CheckedInput {
  if (!input || typeof input !== 'object') fail('needs { tenantId, type, to, title, body }')
  if (!isUuid(input.tenantId)) fail(`tenantId must be the tenant's uuid, got ${JSON.stringify(input.tenantId)}`)
  if (typeof input.type !== 'string') fail('type must be a string')
  const severity = input.severity ?? 'info'
  if (!SEVERITIES.includes(severity)) fail(`severity must be one of ${SEVERITIES.join(', ')}`)
  const to = input.to as unknown
  if (!to || typeof to !== 'object' || Array.isArray(to)) fail('to must be { users?, roles?, permissions? }')
  const unknownKeys = Object.keys(to as object).filter(k => !['users', 'roles', 'permissions'].includes(k))
  if (unknownKeys.length > 0) fail(`to has unknown field(s) ${unknownKeys.join(', ')}; expected users, roles, permissions`)
  const raw = to as Record<string, unknown>
  const checked = {
    users: list(raw.users, 'users', isUuid, 'a user id (uuid)'),
    roles: list(raw.roles, 'roles', r => (TENANT_ROLES as readonly string[]).includes(r), `a role (${TENANT_ROLES.join(', ')})`),
    permissions: list(raw.permissions, 'permissions', knownPermission, 'a permission declared by the kernel or an installed plugin')
  }
  if (checked.users.length + checked.roles.length + checked.permissions.length === 0) fail('to names nobody: give users, roles or permissions')
  if (checked.users.length > LIMITS.recipients) fail(`to.users names more than ${LIMITS.recipients} users`)
  return {
    tenantId: input.tenantId,
    type: input.type,
    to: checked,
    title: localText(input.title, 'title'),
    body: localText(input.body, 'body'),
    severity,
    link: checkLink(input.link)
  }
}
