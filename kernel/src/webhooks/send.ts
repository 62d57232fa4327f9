import { webhookHmac } from '../internal/tokens.ts'
import { OutboundError, type Outbound } from '../outbound/outbound.ts'

export interface AttemptResult {
  ok: boolean
  /** False when trying again cannot help (the address is refused, the URL is unusable). */
  retry: boolean
  responseCode: number | null
  durationMs: number
  /** For the tenant's delivery log: says what happened without telling open ports from closed ones. */
  error: string | null
  response: string | null
}

const RESPONSE_CHARS = 500

/**
 * What the delivery log says about a failed request. Timeouts, refused connections and oversized
 * answers read the same: telling them apart would make webhooks a port scanner.
 */
function describe (err: OutboundError): { error: string, retry: boolean } {
  switch (err.reason) {
    case 'refused_address': return { error: 'refused: the URL resolves to a loopback, private, link-local or metadata address', retry: false }
    case 'unsupported_url': return { error: 'refused: the URL cannot be used (only http and https, no credentials in it)', retry: false }
    case 'unresolvable': return { error: 'the host name does not resolve', retry: true }
    default: return { error: 'no usable answer: the connection failed, timed out or the answer was too large', retry: true }
  }
}

/** The Standard Webhooks headers of one attempt: every secret in `secrets` signs it. */
export function signatureHeaders (id: string, body: string, secrets: string[], now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000))
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets.map(s => `v1,${webhookHmac(s, id, timestamp, body).toString('base64')}`).join(' ')
  }
}

/** One POST of a delivery through the guarded outbound client. Never throws for the endpoint's faults. */
export async function sendOnce (outbound: Outbound, url: string, id: string, body: string, secrets: string[]): Promise<AttemptResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const res = await outbound.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Monozu-Webhooks/1', ...signatureHeaders(id, body, secrets) },
      body
    })
    const text = (await res.text()).slice(0, RESPONSE_CHARS)
    const durationMs = elapsed()
    if (res.status >= 200 && res.status < 300) return { ok: true, retry: false, responseCode: res.status, durationMs, error: null, response: text || null }
    const error = res.status >= 300 && res.status < 400 ? `the endpoint answered ${res.status}; redirects are not followed` : `the endpoint answered ${res.status}`
    return { ok: false, retry: true, responseCode: res.status, durationMs, error, response: text || null }
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err
    return { ok: false, ...describe(err), responseCode: null, durationMs: elapsed(), response: null }
  }
}
