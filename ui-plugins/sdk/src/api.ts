import { useCallback, useEffect, useRef, useState } from 'react'
import { useMonozu } from './context.tsx'
import type { Session } from './types.ts'

/** One entry of problem+json `errors`; `rule` names the broken rule where the API says (e.g. `required`). */
export interface ProblemFieldError { in?: string, pointer?: string, message: string, rule?: string }

/**
 * An API failure. The server sends RFC 9457 problem+json with a stable `code`
 * (match on it, never on the text); network failures get the code `network_error`.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string
  readonly requestId: string | undefined
  readonly errors: ProblemFieldError[]
  constructor (init: { status: number, code: string, title?: string, detail?: string, requestId?: string, errors?: ProblemFieldError[] }) {
    const title = init.title ?? `HTTP ${init.status}`
    const detail = init.detail ?? ''
    super(detail && detail !== title ? `${title}: ${detail}` : title)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.title = title
    this.detail = detail
    this.requestId = init.requestId
    this.errors = init.errors ?? []
  }
}

const codeByStatus: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'too_many_requests', 500: 'internal_error', 503: 'service_unavailable' }

/** Turns any response body of a failed request into an ApiError (problem+json or not). */
export function toApiError (status: number, body: unknown): ApiError {
  const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
  return new ApiError({
    status,
    code: str(p.code) ?? codeByStatus[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'),
    title: str(p.title) ?? `HTTP ${status}`,
    detail: str(p.detail) ?? (typeof body === 'string' ? body.slice(0, 200) : ''),
    requestId: str(p.requestId),
    errors: Array.isArray(p.errors) ? (p.errors as ProblemFieldError[]) : []
  })
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  method?: string
  query?: Query
  /** JSON-encoded, except FormData, a Blob (File) or an ArrayBuffer, which are sent as they are. */
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Send the bearer token and refresh on 401 (default true). */
  auth?: boolean
}

export interface ApiClient {
  request<T = unknown> (path: string, options?: RequestOptions): Promise<T>
  get<T = unknown> (path: string, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>
  post<T = unknown> (path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>
  put<T = unknown> (path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>
  patch<T = unknown> (path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>
  del<T = unknown> (path: string, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>
}

export function withQuery (path: string, query?: Query): string {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  const s = qs.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

async function readBody (res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  if (!text) return undefined
  if (type.includes('json')) {
    try { return JSON.parse(text) } catch { return text }
  }
  return text
}

const isRaw = (body: unknown): body is Blob | ArrayBuffer =>
  (typeof Blob !== 'undefined' && body instanceof Blob) || body instanceof ArrayBuffer

/**
 * fetch with the in-memory bearer token. A 401 triggers one refresh (shared by concurrent
 * callers, see Session.refresh) and one retry; errors become ApiError.
 */
export function createApiClient (session: Pick<Session, 'getToken' | 'refresh'>, base = ''): ApiClient {
  async function send (path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers }
    if (token) headers.authorization = `Bearer ${token}`
    let body: BodyInit | undefined
    if (options.body !== undefined) {
      if (typeof FormData !== 'undefined' && options.body instanceof FormData) body = options.body
      else if (isRaw(options.body)) {
        // A file or bytes go as they are (e.g. a CSV upload), typed by the caller's header or the file.
        body = options.body
        if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type') && options.body instanceof Blob && options.body.type) headers['content-type'] = options.body.type
      } else { body = JSON.stringify(options.body); headers['content-type'] = 'application/json' }
    }
    try {
      return await fetch(base + withQuery(path, options.query), { method: options.method ?? 'GET', headers, body, credentials: 'same-origin', signal: options.signal })
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      throw new ApiError({ status: 0, code: 'network_error', title: 'Network error', detail: (err as Error).message })
    }
  }

  async function request<T> (path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth !== false
    let res = await send(path, options, auth ? session.getToken() : null)
    if (res.status === 401 && auth) {
      const token = await session.refresh()
      if (token) res = await send(path, options, token)
    }
    const body = await readBody(res)
    if (!res.ok) throw toApiError(res.status, body)
    return body as T
  }

  return {
    request,
    get: (path, o) => request(path, { ...o, method: 'GET' }),
    post: (path, body, o) => request(path, { ...o, method: 'POST', body }),
    put: (path, body, o) => request(path, { ...o, method: 'PUT', body }),
    patch: (path, body, o) => request(path, { ...o, method: 'PATCH', body }),
    del: (path, o) => request(path, { ...o, method: 'DELETE' })
  }
}

/** The API client of the signed-in session. */
export function useApi (): ApiClient {
  return useMonozu().api
}

export interface ApiData<T> {
  data: T | undefined
  error: ApiError | Error | undefined
  loading: boolean
  /** Fetches again (keeps the old data while loading). */
  reload: () => void
  /** Replaces the data locally (e.g. after a live event). */
  setData: (update: T | ((old: T | undefined) => T)) => void
}

/** GETs a path when it (or the query) changes; `path: null` waits. */
export function useApiData<T> (path: string | null, query?: Query): ApiData<T> {
  const api = useApi()
  const [state, setState] = useState<{ data: T | undefined, error: ApiError | Error | undefined, loading: boolean }>({ data: undefined, error: undefined, loading: path !== null })
  const [tick, setTick] = useState(0)
  const key = path === null ? null : withQuery(path, query)
  const current = useRef(key)
  current.current = key
  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    setState(s => ({ ...s, loading: true, error: undefined }))
    api.get<T>(key, { signal: controller.signal }).then(
      data => { if (current.current === key) setState({ data, error: undefined, loading: false }) },
      (error: Error) => { if (error.name !== 'AbortError' && current.current === key) setState(s => ({ ...s, error, loading: false })) }
    )
    return () => controller.abort()
  }, [api, key, tick])
  const reload = useCallback(() => setTick(t => t + 1), [])
  const setData = useCallback((update: T | ((old: T | undefined) => T)) => {
    setState(s => ({ ...s, data: typeof update === 'function' ? (update as (old: T | undefined) => T)(s.data) : update }))
  }, [])
  return { ...state, reload, setData }
}
