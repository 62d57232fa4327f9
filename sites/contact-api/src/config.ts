// The worker's configuration, read from the Workers `env` (vars and secrets are strings there) or,
// in the Node adapter, from process.env. Problems are collected, not thrown one by one, so a
// deployer sees every missing or malformed variable at once. Values are never echoed back:
// some of them are secrets.

/** The one route the worker serves. */
export const ROUTE = '/api/contact'

export const DEFAULT_TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'
export const DEFAULT_RESEND_API_URL = 'https://api.resend.com'
export const DEFAULT_ALLOWED_ORIGINS = ['https://monozu.cloud', 'https://www.monozu.cloud']

export interface Config {
  turnstileSecret: string
  turnstileVerifyUrl: string
  /** Hostnames siteverify may report the widget was solved on; null: not checked. */
  turnstileHostnames: string[] | null
  /** The widget `action` siteverify must report; null: not checked. */
  turnstileAction: string | null
  turnstileTimeoutMs: number
  resendApiKey: string
  resendApiUrl: string
  resendTimeoutMs: number
  contactTo: string[]
  contactFrom: string
  allowedOrigins: string[]
  rateLimitMax: number
  rateLimitWindowSeconds: number
  maxBodyBytes: number
}

export type ConfigResult =
  | { ok: true, config: Config }
  | { ok: false, errors: string[], allowedOrigins: string[] }

// The same shape as the form's own check, so an address the API accepts is one a person can type.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

export function isEmail (value: string): boolean {
  return value.length <= 254 && EMAIL.test(value)
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function loadConfig (env: Record<string, unknown>): ConfigResult {
  const errors: string[] = []
  const str = (name: string): string | undefined => {
    const value = env[name]
    if (value === undefined || value === null || value === '') return undefined
    if (typeof value !== 'string') { errors.push(`${name} must be a string`); return undefined }
    return value.trim() || undefined
  }
  const required = (name: string): string => {
    const value = str(name)
    if (value === undefined) errors.push(`${name} is required`)
    return value ?? ''
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!/^\d+$/.test(raw) || n < min || n > max) { errors.push(`${name} must be a whole number from ${min} to ${max}`); return fallback }
    return n
  }
  // https only, except on loopback (local stand-ins): a plain-http URL elsewhere would send the
  // secret or the API key in clear text.
  const endpoint = (name: string, fallback: string): string => {
    const raw = str(name) ?? fallback
    let url: URL
    try { url = new URL(raw) } catch { errors.push(`${name} must be an absolute URL`); return fallback }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      errors.push(`${name} must be an https URL (plain http only on 127.0.0.1, localhost or [::1])`)
    }
    return raw.replace(/\/+$/, '')
  }

  const allowedOrigins = origins(str('ALLOWED_ORIGINS'), errors)

  const contactTo = (str('CONTACT_TO') ?? '').split(',').map(s => s.trim()).filter(Boolean)
  if (contactTo.length === 0) errors.push('CONTACT_TO is required')
  else if (contactTo.length > 50) errors.push('CONTACT_TO may list at most 50 addresses')
  else if (!contactTo.every(isEmail)) errors.push('CONTACT_TO must be comma-separated email addresses')

  const contactFrom = required('CONTACT_FROM')
  if (contactFrom !== '') {
    const address = /^[^<>]*<([^<>]+)>$/.exec(contactFrom)?.[1] ?? contactFrom
    if (!isEmail(address.trim())) errors.push('CONTACT_FROM must be `addr@domain` or `Name <addr@domain>`')
  }

  const hostnames = str('TURNSTILE_HOSTNAMES')
  const config: Config = {
    turnstileSecret: required('TURNSTILE_SECRET_KEY'),
    turnstileVerifyUrl: endpoint('TURNSTILE_VERIFY_URL', DEFAULT_TURNSTILE_VERIFY_URL),
    turnstileHostnames: hostnames === '*' ? null
      : hostnames !== undefined ? hostnames.split(',').map(h => h.trim().toLowerCase()).filter(Boolean)
        : [...new Set(allowedOrigins.map(o => new URL(o).hostname))],
    turnstileAction: str('TURNSTILE_ACTION') ?? null,
    turnstileTimeoutMs: int('TURNSTILE_TIMEOUT_MS', 5000, 100, 60_000),
    resendApiKey: required('RESEND_API_KEY'),
    resendApiUrl: endpoint('RESEND_API_URL', DEFAULT_RESEND_API_URL),
    resendTimeoutMs: int('RESEND_TIMEOUT_MS', 10_000, 100, 60_000),
    contactTo,
    contactFrom,
    allowedOrigins,
    rateLimitMax: int('RATE_LIMIT_MAX', 5, 1, 10_000),
    rateLimitWindowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', 600, 1, 86_400),
    maxBodyBytes: int('MAX_BODY_BYTES', 16_384, 1024, 1_048_576)
  }
  return errors.length > 0 ? { ok: false, errors, allowedOrigins } : { ok: true, config }
}

/** Origins exactly as browsers send them: scheme, host and port only; no wildcard. */
function origins (raw: string | undefined, errors: string[]): string[] {
  if (raw === undefined) return DEFAULT_ALLOWED_ORIGINS
  const list = raw.split(',').map(s => s.trim()).filter(Boolean)
  const valid: string[] = []
  for (const item of list) {
    let origin: string | undefined
    try { origin = new URL(item).origin } catch { /* reported below */ }
    if (origin === undefined || origin === 'null' || origin !== item.replace(/\/$/, '').toLowerCase()) {
      errors.push(`ALLOWED_ORIGINS: "${item}" is not an origin like https://www.example.com`)
    } else valid.push(origin)
  }
  if (list.length === 0) errors.push('ALLOWED_ORIGINS must list at least one origin')
  return valid
}
