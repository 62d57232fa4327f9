// The contact form in the browser: checks the fields, renders the Turnstile widget, posts JSON to
// the contact API and shows the outcome in the status line (data-state idle|sending|success|error).
import { characters, contactFields, contactLimits, turnstileScriptUrl, type ContactField } from '../data/contact.ts'
import type { Dictionary, FieldRule } from '../i18n/types.ts'

interface Turnstile {
  render: (container: string | HTMLElement, options: Record<string, unknown>) => string | undefined
  getResponse?: (widgetId?: string) => string | undefined
  reset?: (widgetId?: string) => void
}
declare global {
  interface Window { turnstile?: Turnstile }
}

interface Messages {
  status: Dictionary['contact']['status']
  fieldErrors: Dictionary['contact']['fieldErrors']
  submit: string
  sending: string
}
type State = 'idle' | 'sending' | 'success' | 'error'

const form = document.querySelector<HTMLFormElement>('form[data-testid="contact-form"]')
if (form) setUp(form)

function setUp (form: HTMLFormElement): void {
  const messages = JSON.parse(document.getElementById('contact-messages')?.textContent ?? '{}') as Messages
  const status = form.querySelector<HTMLElement>('[data-testid="contact-status"]')!
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!
  const endpoint = form.dataset.endpoint ?? ''
  const locale = form.dataset.locale ?? 'pl'
  let widgetId: string | undefined
  let token = ''
  let captchaUnavailable = false
  // Resolved by the widget's next token: a reset widget takes a moment to issue a fresh one.
  let nextToken: (value: string) => void = () => {}

  const setStatus = (state: State, text: string) => {
    status.dataset.state = state
    status.textContent = text
  }

  // Explicit rendering: the widget appears once Cloudflare's script has loaded.
  const script = document.createElement('script')
  script.src = turnstileScriptUrl
  script.async = true
  script.addEventListener('load', () => {
    if (!window.turnstile) return markCaptchaUnavailable()
    widgetId = window.turnstile.render('#turnstile', {
      sitekey: form.dataset.sitekey,
      language: locale,
      callback: (value: string) => { token = value; nextToken(value) },
      'expired-callback': () => { token = '' },
      'error-callback': () => { token = '' }
    }) ?? undefined
  })
  script.addEventListener('error', markCaptchaUnavailable)
  document.head.append(script)

  function markCaptchaUnavailable (): void {
    captchaUnavailable = true
    setStatus('error', messages.status.captchaUnavailable)
  }

  function currentToken (): string {
    if (token) return token
    const fromWidget = window.turnstile?.getResponse?.(widgetId)
    if (fromWidget) return fromWidget
    // The widget also keeps its token in a hidden input inside the form.
    return form.querySelector<HTMLInputElement>('input[name="cf-turnstile-response"]')?.value ?? ''
  }

  /** The token, waiting up to `ms` for a widget that is still solving its challenge. */
  async function awaitToken (ms: number): Promise<string> {
    const now = currentToken()
    if (now || captchaUnavailable || widgetId === undefined) return now
    return await new Promise<string>(resolve => {
      const timer = setTimeout(() => resolve(currentToken()), ms)
      nextToken = value => { clearTimeout(timer); resolve(value) }
    })
  }

  function resetCaptcha (): void {
    token = ''
    try { window.turnstile?.reset?.(widgetId) } catch { /* no widget to reset */ }
  }

  const field = (name: ContactField) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement

  function showFieldError (name: string, rule: string): boolean {
    if (!(contactFields as readonly string[]).includes(name)) return false
    const limits = contactLimits[name as ContactField]
    const template = messages.fieldErrors[rule as FieldRule] ?? messages.fieldErrors.invalid
    const error = form.querySelector<HTMLElement>(`[data-field-error="${name}"]`)
    if (error) error.textContent = template.replace('{min}', String(limits.min)).replace('{max}', String(limits.max))
    field(name as ContactField).setAttribute('aria-invalid', 'true')
    return true
  }

  function clearFieldErrors (): void {
    for (const name of contactFields) {
      field(name).removeAttribute('aria-invalid')
      const error = form.querySelector<HTMLElement>(`[data-field-error="${name}"]`)
      if (error) error.textContent = ''
    }
  }

  function validate (values: Record<ContactField, string>): Partial<Record<ContactField, FieldRule>> {
    const errors: Partial<Record<ContactField, FieldRule>> = {}
    for (const name of contactFields) {
      const value = values[name]
      const { required, min, max } = contactLimits[name]
      if (!value) { if (required) errors[name] = 'required'; continue }
      // Code points, as the API counts: 5000 emoji fit in the message, and "😀" is one character.
      if (characters(value) > max) errors[name] = 'too_long'
      else if (characters(value) < min) errors[name] = 'too_short'
      else if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) errors[name] = 'format'
    }
    return errors
  }

  /**
   * The 429's Retry-After (seconds, or an HTTP date) as the wait people read: "45 seconds",
   * "2 minutes" in the page's language. Null when the header is missing or unreadable.
   */
  function retryWait (header: string | null): string | null {
    if (!header) return null
    const seconds = /^\d+$/.test(header.trim()) ? Number(header) : Math.ceil((Date.parse(header) - Date.now()) / 1000)
    if (!Number.isFinite(seconds) || seconds < 0) return null
    const [value, unit] = seconds < 60 ? [Math.max(1, seconds), 'second'] : seconds < 3600 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour']
    const text = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value)
    // "za 1 minutę", not the nominative "1 minuta" Intl gives (plurals are the same in both cases).
    return locale === 'pl' && value === 1 ? text.replace(/a$/, 'ę') : text
  }

  form.addEventListener('submit', event => {
    event.preventDefault()
    if (status.dataset.state === 'sending') return
    void send()
  })

  async function send (): Promise<void> {
    clearFieldErrors()
    const values = Object.fromEntries(contactFields.map(name => [name, field(name).value.trim()])) as Record<ContactField, string>
    const invalid = Object.entries(validate(values))
    if (invalid.length > 0) {
      for (const [name, rule] of invalid) showFieldError(name, rule)
      setStatus('error', messages.status.invalid)
      field(invalid[0]![0] as ContactField).focus()
      return
    }
    setStatus('sending', messages.status.sending)
    button.disabled = true
    button.textContent = messages.sending
    form.setAttribute('aria-busy', 'true')
    let sent = false
    try {
      const turnstileToken = await awaitToken(8000)
      if (!turnstileToken) {
        setStatus('error', captchaUnavailable ? messages.status.captchaUnavailable : messages.status.captchaMissing)
        return
      }
      sent = true
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          ...values,
          locale,
          website: (form.elements.namedItem('website') as HTMLInputElement).value,
          turnstileToken
        })
      })
      const body = await response.json().catch(() => null) as { ok?: boolean, code?: string, fields?: Record<string, string> } | null
      if (response.ok && body?.ok === true) {
        form.reset()
        setStatus('success', messages.status.success)
        return
      }
      let shown = false
      for (const [name, rule] of Object.entries(body?.fields ?? {})) shown = showFieldError(name, rule) || shown
      const codes: Record<string, string> = messages.status.codes
      const wait = response.status === 429 ? retryWait(response.headers.get('retry-after')) : null
      if (wait) setStatus('error', messages.status.rateLimitedFor.replace('{wait}', wait))
      else setStatus('error', (body?.code && codes[body.code]) || (shown ? messages.status.invalid : messages.status.unknown))
    } catch {
      setStatus('error', messages.status.network)
    } finally {
      // A token is good for one verification, whatever the outcome: once sent, get a fresh one.
      if (sent) resetCaptcha()
      button.disabled = false
      button.textContent = messages.submit
      form.removeAttribute('aria-busy')
    }
  }
}
