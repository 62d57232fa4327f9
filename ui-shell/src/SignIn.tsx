import { useEffect, useRef, useState, type FormEvent } from 'react'
import { ApiError, describeError, useApi, useLocation, useT } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { signInMessages } from './signin-messages.ts'

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

interface Methods { password: boolean, oidc: boolean, oidcLoginUrl: string | null }

export interface SignInProps {
  onSignIn: (input: { email: string, password: string, tenant?: string }) => Promise<void>
  /** Why the user is here: the session ended, or they signed out. */
  notice?: 'ended' | 'signedOut' | null
  returnTo: string
}

/** Appends returnTo to the OIDC start URL the server gave (unless it already has one). */
export function oidcHref (url: string, returnTo: string): string {
  if (/[?&]returnTo=/.test(url) || returnTo === '/') return url
  return `${url}${url.includes('?') ? '&' : '?'}returnTo=${encodeURIComponent(returnTo)}`
}

export function SignIn ({ onSignIn, notice, returnTo }: SignInProps) {
  const t = useT(signInMessages)
  const api = useApi()
  const { query } = useLocation()
  const oidcError = query.get('error')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [tenant, setTenant] = useState(query.get('tenant') ?? '')
  const [errors, setErrors] = useState<{ email?: string, password?: string, tenant?: string }>({})
  const [failure, setFailure] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [methods, setMethods] = useState<Methods | null>(null)
  const form = useRef<HTMLFormElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => { heading.current?.focus() }, [])

  // Ask which sign-in methods the organization has (a debounced GET /api/v1/auth/methods).
  useEffect(() => {
    const slug = tenant.trim().toLowerCase()
    if (!SLUG.test(slug)) { setMethods(null); return }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      api.get<Methods>('/api/v1/auth/methods', { query: { tenant: slug }, auth: false, signal: controller.signal })
        .then(setMethods, () => setMethods(null))
    }, 300)
    return () => { clearTimeout(timer); controller.abort() }
  }, [api, tenant])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const slug = tenant.trim().toLowerCase()
    const found: typeof errors = {}
    if (!email.trim()) found.email = t('signIn.emailRequired')
    else if (!EMAIL.test(email.trim())) found.email = t('signIn.emailInvalid')
    if (!password) found.password = t('signIn.passwordRequired')
    if (slug && !SLUG.test(slug)) found.tenant = t('signIn.tenantInvalid')
    setErrors(found)
    setFailure(null)
    const firstInvalid = (['email', 'password', 'tenant'] as const).find(k => found[k])
    if (firstInvalid) {
      form.current?.querySelector<HTMLElement>(`[name="${firstInvalid}"]`)?.focus()
      return
    }
    setBusy(true)
    try {
      await onSignIn({ email: email.trim(), password, ...(slug ? { tenant: slug } : {}) })
    } catch (err) {
      setFailure(err)
      setPassword('')
      if (err instanceof ApiError && err.code === 'tenant_required') {
        setErrors({ tenant: describeError(err, t).message })
        form.current?.querySelector<HTMLElement>('input[name="tenant"]')?.focus()
      }
    } finally {
      setBusy(false)
    }
  }

  const described = failure ? describeError(failure, t) : null
  const oidcMessage = oidcError ? (t.has(`oidc.${oidcError}`) ? t(`oidc.${oidcError}`) : t('oidc.other')) : null

  return (
    <main className='mz-shell-signin' id='content'>
      <div className='mz-card mz-shell-signin__card'>
        <h1 ref={heading} tabIndex={-1}>{t('signIn.title')}</h1>
        {notice && !failure && !oidcMessage && <p className='mz-shell-notice' role='status'>{t(notice === 'ended' ? 'signIn.ended' : 'signIn.signedOut')}</p>}
        {oidcMessage && (
          <div className='mz-state mz-state--error' role='alert' data-testid='signin-error'>
            <p className='mz-state__body'>{oidcMessage}</p>
            <p className='mz-state__meta'>{t('error.code', { code: oidcError ?? '' })}</p>
          </div>
        )}
        {described && (
          <div className='mz-state mz-state--error' role='alert' data-testid='signin-error'>
            <p className='mz-state__body'>{described.message}</p>
            {described.code && <p className='mz-state__meta'>{t('error.code', { code: described.code })}</p>}
          </div>
        )}
        <form ref={form} className='mz-stack' onSubmit={submit} noValidate aria-busy={busy}>
          <Field label={t('signIn.email')} error={errors.email}>
            <input name='email' type='email' autoComplete='username' inputMode='email' value={email} onChange={e => setEmail(e.target.value)} />
          </Field>
          <Field label={t('signIn.password')} error={errors.password}>
            <input name='password' type='password' autoComplete='current-password' value={password} onChange={e => setPassword(e.target.value)} />
          </Field>
          <Field label={t('signIn.tenant')} error={errors.tenant} hint={t('signIn.tenantHint')}>
            <input name='tenant' type='text' autoComplete='organization' autoCapitalize='none' spellCheck={false} value={tenant} onChange={e => setTenant(e.target.value)} />
          </Field>
          <button type='submit' className='mz-button mz-button--primary mz-button--block' disabled={busy}>{t('signIn.submit')}</button>
        </form>
        {methods?.oidc && methods.oidcLoginUrl && (
          <>
            <p className='mz-shell-or'><span>{t('signIn.or')}</span></p>
            <a className='mz-button mz-button--block mz-shell-microsoft' href={oidcHref(methods.oidcLoginUrl, returnTo)}>
              <svg aria-hidden='true' width='16' height='16' viewBox='0 0 16 16'><path fill='#f25022' d='M0 0h7.5v7.5H0z' /><path fill='#7fba00' d='M8.5 0H16v7.5H8.5z' /><path fill='#00a4ef' d='M0 8.5h7.5V16H0z' /><path fill='#ffb900' d='M8.5 8.5H16V16H8.5z' /></svg>
              {t('signIn.microsoft')}
            </a>
          </>
        )}
      </div>
    </main>
  )
}
