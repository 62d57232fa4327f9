// Cloudflare Turnstile's siteverify API: POST { secret, response, remoteip, idempotency_key },
// answered with { success, "error-codes", challenge_ts, hostname, action, cdata }.
// A token can be verified once; the idempotency key makes a retry of the same verification
// (ours or the client's) get the first answer back instead of `timeout-or-duplicate`.

import type { Config } from './config.ts'

export type Verdict =
  | { outcome: 'passed' }
  | { outcome: 'failed', reason: string }
  | { outcome: 'unavailable', reason: string }
  | { outcome: 'misconfigured', reason: string }

interface SiteverifyResponse {
  success?: unknown
  'error-codes'?: unknown
  hostname?: unknown
  action?: unknown
}

export async function verifyTurnstile (config: Config, token: string, remoteIp: string | null, idempotencyKey: string): Promise<Verdict> {
  const body: Record<string, string> = { secret: config.turnstileSecret, response: token, idempotency_key: idempotencyKey }
  if (remoteIp !== null) body.remoteip = remoteIp
  let response: Response
  try {
    response = await fetch(config.turnstileVerifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.turnstileTimeoutMs)
    })
  } catch (error) {
    return { outcome: 'unavailable', reason: isTimeout(error) ? 'timeout' : 'network' }
  }
  let result: SiteverifyResponse
  try {
    result = await response.json() as SiteverifyResponse
  } catch (error) {
    return { outcome: 'unavailable', reason: isTimeout(error) ? 'timeout' : `http_${response.status}_not_json` }
  }
  if (!response.ok || typeof result !== 'object' || result === null || typeof result.success !== 'boolean') {
    return { outcome: 'unavailable', reason: `http_${response.status}` }
  }
  const codes = Array.isArray(result['error-codes']) ? result['error-codes'].filter(c => typeof c === 'string') : []
  if (!result.success) {
    // Their fault, not the visitor's: retrying may help, so not a 403.
    if (codes.includes('internal-error')) return { outcome: 'unavailable', reason: 'internal-error' }
    if (codes.includes('missing-input-secret') || codes.includes('invalid-input-secret')) {
      return { outcome: 'misconfigured', reason: codes.join(',') }
    }
    return { outcome: 'failed', reason: codes.join(',') || 'no_error_codes' }
  }
  // Both are integrity-protected by Cloudflare; checking them stops a token solved on another
  // site (or for another widget) with the same key from being replayed here.
  if (config.turnstileHostnames !== null) {
    const hostname = typeof result.hostname === 'string' ? result.hostname.toLowerCase() : ''
    if (!config.turnstileHostnames.includes(hostname)) return { outcome: 'failed', reason: 'hostname_mismatch' }
  }
  if (config.turnstileAction !== null && result.action !== config.turnstileAction) {
    return { outcome: 'failed', reason: 'action_mismatch' }
  }
  return { outcome: 'passed' }
}

export function isTimeout (error: unknown): boolean {
  // DOMException is not an Error subclass on every runtime: look at the name only.
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined
  return name === 'TimeoutError' || name === 'AbortError'
}
