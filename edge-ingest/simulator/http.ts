/** A JSON call to the platform; problem+json answers become an HttpError with their `code`. */
export class HttpError extends Error {
  status: number
  code: string
  headers: Headers
  constructor (status: number, code: string, detail: string, headers: Headers) {
    super(`${status} ${code}${detail ? `: ${detail}` : ''}`)
    this.status = status
    this.code = code
    this.headers = headers
  }
}

export interface CallOptions {
  method?: string
  headers?: Record<string, string>
  body?: unknown
  timeoutMs?: number
}

export async function call<T = any> (base: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(new URL(path, base), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000)
  })
  const text = await res.text()
  let body: any = null
  try { body = text ? JSON.parse(text) : null } catch { body = text }
  if (!res.ok) throw new HttpError(res.status, body?.code ?? 'http_error', body?.detail ?? body?.title ?? String(text).slice(0, 200), res.headers)
  return body as T
}

/** Seconds (or an HTTP date) in `Retry-After`, as milliseconds; `fallback` when absent or bad. */
export function retryAfterMs (headers: Headers, fallback: number): number {
  const value = headers.get('retry-after')
  if (!value) return fallback
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? fallback : Math.max(0, at - Date.now())
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise(resolve => {
  if (signal?.aborted) return resolve()
  const timer = setTimeout(done, ms)
  function done () { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
  signal?.addEventListener('abort', done, { once: true })
})

/** A short description of a fetch failure (the useful part is usually in `cause`). */
export function describe (err: unknown): string {
  if (err instanceof HttpError) return err.message
  const e = err as { message?: string, cause?: { code?: string, message?: string }, name?: string }
  if (e?.name === 'TimeoutError') return 'timed out'
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)
}
