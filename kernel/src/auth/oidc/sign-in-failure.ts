/** A sign-in failure the browser is sent back to the UI with: `/sign-in?error=<code>`. */
export class SignInFailure extends Error {
  readonly code: string
  constructor (code: string, detail: string) { super(detail); this.code = code }
}

/**
 * A value from outside (a provider's error code, an ID-token claim) made safe for the log and the
 * audit trail: printable ASCII only, so it cannot forge log lines or carry markup, and short.
 */
export function printable (value: unknown, max = 160): string {
  const text = String(value).replace(/[^\x20-\x7e]/g, '?')
  return text.length > max ? `${text.slice(0, max)}...` : text
}

/** An OAuth error code (RFC 6749 section 4.1.2.1) as the provider sent it, or `other`. */
export function oauthErrorCode (value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,40}$/.test(value) ? value : 'other'
}
