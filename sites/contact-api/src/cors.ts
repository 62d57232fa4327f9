// CORS for the website's origins only. The allowed origin is echoed (never `*`), so every
// answer varies by Origin; no credentials are involved, the form sends none.

const MAX_AGE_SECONDS = 7200 // Chromium caps preflight caching at 2 hours

export function allowedOrigin (request: Request, allowed: readonly string[]): string | null {
  const origin = request.headers.get('origin')
  return origin !== null && allowed.includes(origin) ? origin : null
}

/** Headers for an actual (non-preflight) response: to an allowed origin, or just `Vary`. */
export function corsHeaders (origin: string | null): Record<string, string> {
  if (origin === null) return { vary: 'Origin' }
  return {
    'access-control-allow-origin': origin,
    // The form reads Retry-After off a 429 to tell people when to try again.
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin'
  }
}

/** A preflight to an allowed origin: the browser enforces what we list here. */
export function preflightHeaders (origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': String(MAX_AGE_SECONDS),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'
  }
}
