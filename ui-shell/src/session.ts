// The body of POST /api/v1/auth/login and /refresh, as the kernel declares it (a type only:
// nothing of the kernel reaches the bundle).
import type { SignedIn } from '@monozu/kernel/host'
import { ApiError, toApiError, type Session } from '@monozu/ui-sdk'

export interface ShellSession extends Session {
  /** On page load: trade the refresh cookie (if any) for an access token. */
  restore (): Promise<boolean>
  login (input: { email: string, password: string, tenant?: string }): Promise<SignedIn>
  logout (): Promise<void>
  /** Called once when the session ends without the user signing out (expired, revoked). */
  onEnded (listener: (code: string) => void): () => void
}

const COOKIE_HEADERS = { 'x-requested-with': 'monozu', accept: 'application/json' }
const SYNC_CHANNEL = 'monozu.session'
/** Renew this long before the access token expires. */
const EARLY_MS = 60_000

async function post (path: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      credentials: 'include',
      headers: body === undefined ? COOKIE_HEADERS : { ...COOKIE_HEADERS, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
  } catch (err) {
    throw new ApiError({ status: 0, code: 'network_error', title: 'Network error', detail: (err as Error).message })
  }
}

async function failure (res: Response): Promise<ApiError> {
  let body: unknown
  try { body = await res.json() } catch { body = undefined }
  return toApiError(res.status, body)
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * The access token lives only in this closure: never in localStorage, sessionStorage or a
 * readable cookie. The refresh token is the HttpOnly cookie the server rotates.
 */
export function createShellSession (): ShellSession {
  let token: string | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: Promise<string | null> | null = null
  const listeners = new Set<(token: string | null) => void>()
  const ended = new Set<(code: string) => void>()
  const sync = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(SYNC_CHANNEL)

  const publish = () => { for (const l of listeners) l(token) }

  const clear = () => {
    clearTimeout(timer)
    token = null
    publish()
  }

  const accept = (signedIn: SignedIn) => {
    token = signedIn.accessToken
    clearTimeout(timer)
    const ttl = signedIn.expiresIn * 1000
    // ~60 s early; for very short tokens, at 3/4 of their life.
    const delay = ttl > 2 * EARLY_MS ? ttl - EARLY_MS : ttl * 0.75
    timer = setTimeout(() => { void scheduledRefresh() }, delay)
    publish()
  }

  const end = (code: string) => {
    const wasSignedIn = token !== null
    clear()
    if (wasSignedIn) for (const l of ended) l(code)
  }

  /** One POST /refresh at a time; a 401 refresh_conflict (another tab won the race) is retried once. Null: signed out. */
  async function doRefresh (): Promise<string | null> {
    for (let attempt = 0; ; attempt++) {
      const res = await post('/api/v1/auth/refresh')
      // 204: no session cookie at all, so signed out (a first visit, or the cookie expired).
      if (res.status === 204) {
        end('session_missing')
        return null
      }
      if (res.ok) {
        accept(await res.json() as SignedIn)
        return token
      }
      const error = await failure(res)
      if (error.code === 'refresh_conflict' && attempt === 0) { await sleep(400); continue }
      throw error
    }
  }

  function refresh (): Promise<string | null> {
    inflight ??= doRefresh().then(
      t => t,
      (error: ApiError) => {
        // Network trouble keeps the current token (it may still be valid); a refused cookie ends the session.
        if (error.code !== 'network_error' && error.status !== 429 && error.status < 500) end(error.code)
        return null
      }
    ).finally(() => { inflight = null })
    return inflight
  }

  async function scheduledRefresh (): Promise<void> {
    const t = await refresh()
    if (!t && token) timer = setTimeout(() => { void scheduledRefresh() }, 10_000) // network trouble: try again soon
  }

  sync?.addEventListener('message', (e: MessageEvent) => {
    if (e.data === 'signed-out') end('signed_out')
  })

  return {
    getToken: () => token,
    refresh,
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    onEnded (listener) {
      ended.add(listener)
      return () => { ended.delete(listener) }
    },
    async restore () {
      inflight ??= doRefresh().catch(() => null).finally(() => { inflight = null })
      return (await inflight) !== null
    },
    async login ({ email, password, tenant }) {
      const res = await post('/api/v1/auth/login', { email, password, ...(tenant ? { tenant } : {}) })
      if (!res.ok) throw await failure(res)
      const signedIn = await res.json() as SignedIn
      accept(signedIn)
      return signedIn
    },
    async logout () {
      try { await post('/api/v1/auth/logout') } catch { /* signed out locally either way */ }
      clear()
      sync?.postMessage('signed-out')
    }
  }
}
