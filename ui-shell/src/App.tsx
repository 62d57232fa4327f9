import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import {
  DelayedSpinner, ErrorState, Link, MonozuProvider, createApiClient, matchPath, navigate, useFeatures, useLocation, useMe, useT, type Feature, type Lang, type Me, type MeFeatures
} from '@monozu/ui-sdk'
import { Layout, LanguageSwitch, Brand } from './Layout.tsx'
import { messages } from './messages.ts'
import { ModuleHost } from './ModuleHost.tsx'
import { hasUi, moduleLoader, navHref, registerFeatureRemotes } from './remotes.ts'
import { createShellSession } from './session.ts'

// Only people who are not signed in need the sign-in page: it loads on demand.
const SignIn = lazy(() => import('./SignIn.tsx').then(m => ({ default: m.SignIn })))
const Webhooks = lazy(() => import('./webhooks/Webhooks.tsx').then(m => ({ default: m.Webhooks })))
const Users = lazy(() => import('./users/Users.tsx').then(m => ({ default: m.Users })))
const NotificationSettings = lazy(() => import('./notifications/Settings.tsx').then(m => ({ default: m.NotificationSettings })))

const LANG_KEY = 'monozu.lang'

function initialLang (): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY)
    if (saved === 'en' || saved === 'pl') return saved
  } catch { /* storage blocked */ }
  return navigator.language?.toLowerCase().startsWith('pl') ? 'pl' : 'en'
}

type Phase =
  | { name: 'restoring' }
  | { name: 'signed-out', notice: 'ended' | 'signedOut' | null }
  | { name: 'loading' }
  | { name: 'failed', error: unknown }
  | { name: 'ready', me: Me, features: Feature[] }

/** Only same-origin paths are followed after sign-in. */
function safeReturnTo (value: string | null): string {
  return value && /^\/(?!\/)/.test(value) && !value.startsWith('/sign-in') ? value : '/'
}

export function App () {
  const session = useMemo(() => createShellSession(), [])
  const api = useMemo(() => createApiClient(session), [session])
  const [lang, setLangState] = useState<Lang>(initialLang)
  const [phase, setPhase] = useState<Phase>({ name: 'restoring' })
  const location = useLocation()

  const setLang = useCallback((next: Lang) => {
    setLangState(next)
    try { localStorage.setItem(LANG_KEY, next) } catch { /* storage blocked */ }
  }, [])
  useEffect(() => { document.documentElement.lang = lang }, [lang])

  const loadFeatures = useCallback(async () => {
    setPhase({ name: 'loading' })
    try {
      const body = await api.get<MeFeatures>('/api/v1/me/features')
      registerFeatureRemotes(body.features)
      setPhase({ name: 'ready', me: { tenant: body.tenant, user: body.user }, features: body.features })
    } catch (error) {
      if (!session.getToken()) setPhase({ name: 'signed-out', notice: 'ended' })
      else setPhase({ name: 'failed', error })
    }
  }, [api, session])

  // On page load: the refresh cookie (if any) restores the session.
  useEffect(() => {
    let live = true
    void session.restore().then(ok => {
      if (!live) return
      if (ok) void loadFeatures()
      else setPhase({ name: 'signed-out', notice: null })
    })
    return () => { live = false }
  }, [session, loadFeatures])

  useEffect(() => session.onEnded(code => setPhase({ name: 'signed-out', notice: code === 'signed_out' ? 'signedOut' : 'ended' })), [session])

  // Signed out: every page but /sign-in goes there, remembering where the user wanted to go.
  const signedOut = phase.name === 'signed-out'
  useEffect(() => {
    if (signedOut && location.pathname !== '/sign-in') {
      const back = location.pathname + location.search
      navigate(back === '/' ? '/sign-in' : `/sign-in?returnTo=${encodeURIComponent(back)}`, { replace: true })
    }
  }, [signedOut, location.pathname, location.search])

  const returnTo = safeReturnTo(location.query.get('returnTo'))
  const ready = phase.name === 'ready'
  useEffect(() => {
    if (ready && location.pathname === '/sign-in') navigate(returnTo, { replace: true })
  }, [ready, location.pathname, returnTo])

  const signIn = useCallback(async (input: { email: string, password: string, tenant?: string }) => {
    await session.login(input)
    await loadFeatures()
  }, [session, loadFeatures])

  const signOut = useCallback(async () => {
    await session.logout()
    navigate('/sign-in')
    setPhase({ name: 'signed-out', notice: 'signedOut' })
  }, [session])

  const me = phase.name === 'ready' ? phase.me : null
  const features = phase.name === 'ready' ? phase.features : undefined

  return (
    <MonozuProvider session={session} lang={lang} setLang={setLang} me={me} features={features} modules={moduleLoader}>
      {phase.name === 'ready'
        ? <Layout onSignOut={() => { void signOut() }}><Pages /></Layout>
        : (
          <div className='mz-shell mz-shell--bare'>
            <header className='mz-shell-header'>
              <Brand />
              <div className='mz-shell-header__end'><LanguageSwitch /></div>
            </header>
            {phase.name === 'signed-out' && location.pathname === '/sign-in'
              ? <Suspense fallback={<Loading />}><SignIn onSignIn={signIn} notice={phase.notice} returnTo={returnTo} /></Suspense>
              : phase.name === 'failed'
                ? <main id='content' className='mz-shell-main'><Failed error={phase.error} retry={() => { void loadFeatures() }} /></main>
                : <main id='content' className='mz-shell-main'><Loading /></main>}
          </div>
          )}
    </MonozuProvider>
  )
}

function Loading () {
  const t = useT(messages)
  return <DelayedSpinner label={t('app.loading')} />
}

function Failed ({ error, retry }: { error: unknown, retry: () => void }) {
  const t = useT(messages)
  return <ErrorState title={t('app.loadFailed')} error={error} onRetry={retry} />
}

function usePageTitle (title: string) {
  useEffect(() => { document.title = `${title} · Monozu Cloud` }, [title])
}

/** The shell's routes: `/` (start), `/m/<pluginId>/*` (a module), anything else 404. */
function Pages () {
  const { pathname } = useLocation()
  const features = useFeatures()
  if (pathname === '/') return <Home />
  if (pathname === '/settings/webhooks') return <Suspense fallback={<Loading />}><Webhooks /></Suspense>
  if (pathname === '/settings/users') return <Suspense fallback={<Loading />}><Users /></Suspense>
  if (pathname === '/settings/notifications') return <Suspense fallback={<Loading />}><NotificationSettings /></Suspense>
  const params = matchPath('/m/:id/*', pathname) ?? matchPath('/m/:id', pathname)
  const feature = params && features.filter(hasUi).find(f => f.id === params.id)
  if (feature) return <ModulePage feature={feature} />
  return <NotFound path={pathname} />
}

function ModulePage ({ feature }: { feature: Parameters<typeof ModuleHost>[0]['feature'] }) {
  const t = useT(messages)
  usePageTitle(t.pick(feature.name))
  return <ModuleHost feature={feature} />
}

/** The start page: straight to the first module when there is one. */
function Home () {
  const t = useT(messages)
  const me = useMe()
  const features = useFeatures().filter(hasUi)
  const first = features.flatMap(f => f.nav.map(n => navHref(f.id, n.path)))[0]
  usePageTitle(t('nav.home'))
  useEffect(() => { if (first) navigate(first, { replace: true }) }, [first])
  if (first) return null
  return (
    <div className='mz-stack'>
      <h1>{t('home.title', { name: me?.user.name || me?.user.email || '' })}</h1>
      <div className='mz-state mz-state--empty'>
        <p className='mz-state__title'>{t('home.none')}</p>
        <p className='mz-state__body'>{t('home.noneHint')}</p>
      </div>
    </div>
  )
}

function NotFound ({ path }: { path: string }) {
  const t = useT(messages)
  usePageTitle(t('notFound.title'))
  return (
    <div className='mz-stack mz-shell-notfound'>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body', { path })}</p>
      <p><Link to='/' className='mz-button'>{t('notFound.home')}</Link></p>
    </div>
  )
}
