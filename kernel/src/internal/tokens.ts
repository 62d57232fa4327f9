import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Constant-time check of X-Internal-Token against every configured secret (two during rotation). */
export function internalTokenMatches (given: string | undefined, secrets: string[]): boolean {
  if (!given) return false
  const presented = digest(given)
  let ok = false
  for (const secret of secrets) ok = timingSafeEqual(presented, digest(secret)) || ok
  return ok
}

export const WEBHOOK_TOLERANCE_SECONDS = 300

/**
 * The Standard Webhooks HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with the base64 part
 * of a `whsec_` secret: the one primitive both for checking deliveries we receive and for
 * signing the tenant webhooks we send (`webhook-signature: v1,<base64 of this>`).
 */
export function webhookHmac (secret: string, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.`).update(body).digest()
}

/**
 * Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` of
 * `${id}.${timestamp}.${rawBody}` keyed with the base64 part of a `whsec_` secret. Any
 * configured secret matching any listed signature passes (rotation on both sides).
 */
export function verifyWebhook (headers: { id?: string, timestamp?: string, signature?: string }, rawBody: Buffer, secrets: string[], now = Date.now()): 'ok' | 'missing' | 'stale' | 'bad_signature' {
  const { id, timestamp, signature } = headers
  if (!id || !timestamp || !signature) return 'missing'
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return 'stale'
  const expected = secrets.map(s => webhookHmac(s, id, timestamp, rawBody))
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',')
    if (version !== 'v1' || !value) continue
    const given = Buffer.from(value, 'base64')
    if (expected.some(e => e.length === given.length && timingSafeEqual(e, given))) return 'ok'
  }
  return 'bad_signature'
}
