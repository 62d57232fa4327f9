import { setTimeout as sleep } from 'node:timers/promises'

export interface FetchOptions {
  timeoutMs: number
  retryBaseMs: number
  maxRetries: number
  signal?: AbortSignal
  headers?: Record<string, string>
  /** Conditional request validators from the last run. */
  etag?: string | null
  lastModified?: string | null
  log?: (msg: string, data?: Record<string, unknown>) => void
}

export class FeedHttpError extends Error {
  readonly status: number
  constructor (url: string, status: number, detail = '') {
    super(`GET ${redact(url)}: HTTP ${status}${detail ? ` ${detail}` : ''}`)
    this.status = status
  }
}

/** Never log an api key that a URL might carry. */
export const redact = (url: string) => url.replace(/([?&](?:api_?key|token)=)[^&]+/gi, '$1***')

const RETRY = new Set([403, 429, 503])

/** Delay a 403/429/503 asks for: Retry-After (seconds or a date) wins, else exponential from the base. */
export function backoffMs (attempt: number, baseMs: number, retryAfter: string | null, now = Date.now()): number {
  if (retryAfter) {
    const s = Number(retryAfter)
    if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, 15 * 60_000)
    const at = Date.parse(retryAfter)
    if (!Number.isNaN(at)) return Math.max(0, Math.min(at - now, 15 * 60_000))
  }
  return baseMs * 2 ** attempt
}

/**
 * GET with a timeout, conditional validators (If-None-Match / If-Modified-Since: `null` on 304)
 * and backoff on 403, 429 and 503 (NVD answers 403 when rate-limited). Other errors throw at once.
 */
export async function get (url: string, o: FetchOptions): Promise<Response | null> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { 'user-agent': 'MonozuCloud-Security/1.0', ...(o.headers ?? {}) }
    if (o.etag) headers['if-none-match'] = o.etag
    if (o.lastModified) headers['if-modified-since'] = o.lastModified
    const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs)
    const res = await fetch(url, { headers, signal, redirect: 'follow' })
    if (res.status === 304) { await res.body?.cancel(); return null }
    if (res.ok) return res
    const text = (await res.text().catch(() => '')).slice(0, 200)
    if (RETRY.has(res.status) && attempt < o.maxRetries) {
      const wait = backoffMs(attempt, o.retryBaseMs, res.headers.get('retry-after'))
      o.log?.('feed request throttled, backing off', { url: redact(url), status: res.status, attempt: attempt + 1, waitMs: wait })
      await sleep(wait, undefined, o.signal ? { signal: o.signal } : undefined)
      continue
    }
    throw new FeedHttpError(url, res.status, text)
  }
}

export const validators = (res: Response) => ({ etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') })
