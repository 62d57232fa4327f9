// Resend's `POST /emails`: Bearer API key, JSON { from, to, subject, text, html, reply_to },
// answered 200 { id }. The Idempotency-Key header makes Resend send a mail once per key for 24
// hours and answer a repeat with the first response.

import type { Config } from './config.ts'
import type { Mail } from './mail.ts'
import { isTimeout } from './turnstile.ts'

export type SendResult = { ok: true, resendId: string | null } | { ok: false, reason: string }

export async function sendMail (config: Config, mail: Mail, idempotencyKey: string): Promise<SendResult> {
  let response: Response
  try {
    response = await fetch(`${config.resendApiUrl}/emails`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${config.resendApiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': idempotencyKey,
        'user-agent': 'monozu-contact-api/0.1'
      },
      body: JSON.stringify(mail),
      signal: AbortSignal.timeout(config.resendTimeoutMs)
    })
  } catch (error) {
    return { ok: false, reason: isTimeout(error) ? 'timeout' : 'network' }
  }
  let body: unknown
  try {
    body = await response.json()
  } catch (error) {
    if (isTimeout(error)) return { ok: false, reason: 'timeout' }
    body = null
  }
  if (!response.ok) {
    // Resend's errors are { statusCode, name, message }; `name` is the stable part.
    const name = typeof body === 'object' && body !== null && typeof (body as { name?: unknown }).name === 'string'
      ? (body as { name: string }).name : 'unknown'
    return { ok: false, reason: `http_${response.status}:${name}` }
  }
  const id = typeof body === 'object' && body !== null && typeof (body as { id?: unknown }).id === 'string'
    ? (body as { id: string }).id : null
  return { ok: true, resendId: id }
}
