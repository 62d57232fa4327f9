import { problems, type ErrorCode, type FieldRule } from './errors.ts'

/**
 * On every answer, errors and preflights included: the API serves JSON only, so a CSP that
 * allows nothing, no framing, no referrer. HSTS always: production is https, and browsers
 * ignore it over the plain http of local runs.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains'
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  ...SECURITY_HEADERS
}

export function json (status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const h = new Headers(BASE_HEADERS)
  for (const [name, value] of Object.entries(headers)) h.set(name, value)
  return new Response(JSON.stringify(body), { status, headers: h })
}

export function problem (code: ErrorCode, extra: { fields?: Record<string, FieldRule>, headers?: Record<string, string> } = {}): Response {
  const { status, message } = problems[code]
  const body = extra.fields ? { ok: false, code, message, fields: extra.fields } : { ok: false, code, message }
  return json(status, body, extra.headers)
}

/** A bodiless answer (preflight, OPTIONS). */
export function empty (status: number, headers: Record<string, string>): Response {
  return new Response(null, { status, headers: { ...SECURITY_HEADERS, ...headers } })
}
