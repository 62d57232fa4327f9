import { problems, type ErrorCode, type FieldRule } from './errors.ts'

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff'
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
