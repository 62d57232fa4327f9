import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import { LANGS, NavLink, describeError, useApi, useFeatures, useLang, useLocation, useMe, useT, useToast, type Lang } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import { hasUi, navHref } from './remotes.ts'
import { Icon } from './Icon.tsx'
import { Bell } from './notifications/Bell.tsx'

export function LanguageSwitch ({ onSwitch }: { onSwitch?: (lang: Lang) => void }) {
  const t = useT(messages)
  const [lang, setLang] = useLang()
  const id = useId()
  return (
    <div className='mz-shell-lang'>
      <label htmlFor={id} className='mz-visually-hidden'>{t('header.language')}</label>
      <select id={id} name='language' className='mz-input' value={lang} onChange={e => { const next = e.target.value as Lang; setLang(next); onSwitch?.(next) }}>
        {LANGS.map(l => <option key={l} value={l} lang={l}>{t(`lang.${l}`)}</option>)}
      </select>
    </div>
  )
}

export function Brand () {
  return <span className='mz-shell-brand'>Monozu<span>Cloud</span></span>
}

/** Header, the navigation built from the features' `nav`, and the page. */
export function Layout ({ children, onSignOut }: { children: ReactNode, onSignOut: () => void }) {
  const t = useT(messages)
  const me = useMe()
  const features = useFeatures()
  const { pathname } = useLocation()
  const [menuOpen, setMenuOpen] = useState(false)
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  const navId = useId()
  const api = useApi()
  const toast = useToast()
  const tenantUser = Boolean(me?.tenant)
  const tenantAdmin = tenantUser && (me?.user.roles ?? []).includes('tenant-admin')

  // The server writes notifications and emails in the user's language: keep it in step with the UI.
  const saveLanguage = (language: Lang) => {
    if (!tenantUser) return
    api.patch('/api/v1/me', { language }).catch((err: unknown) => toast({ kind: 'error', message: t('lang.saveFailed', { detail: describeError(err, t).message }) }))
  }

  // A new page: close the mobile menu and move focus to the content, as a page load would.
  useEffect(() => {
    setMenuOpen(false)
    if (first.current) { first.current = false; return }
    main.current?.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  }, [pathname])

  useEffect(() => {
    if (!menuOpen) return
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') setMenuOpen(false) }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [menuOpen])

  const links = features.filter(hasUi).flatMap(f => f.nav.map(item => ({ key: `${f.id}:${item.path}`, href: navHref(f.id, item.path), label: t.pick(item.label), icon: item.icon })))

  return (
    <div className='mz-shell'>
      <a className='mz-shell-skip' href='#content'>{t('app.skip')}</a>
      <header className='mz-shell-header'>
        <button type='button' className='mz-button mz-button--ghost mz-button--icon mz-shell-menu' aria-expanded={menuOpen} aria-controls={navId} onClick={() => setMenuOpen(o => !o)}>
          <span aria-hidden='true'>☰</span><span className='mz-visually-hidden'>{t('header.menu')}</span>
        </button>
        <Brand />
        {me?.tenant && <span className='mz-shell-tenant'>{me.tenant.name}</span>}
        <div className='mz-shell-header__end'>
          {me && <span className='mz-shell-user' title={t('header.user', { name: me.user.email })}>{me.user.name || me.user.email}</span>}
          {tenantUser && <Bell />}
          <LanguageSwitch onSwitch={saveLanguage} />
          <button type='button' className='mz-button' onClick={onSignOut}>{t('header.signOut')}</button>
        </div>
      </header>
      <div className='mz-shell-body'>
        <nav id={navId} className={`mz-shell-nav${menuOpen ? ' mz-shell-nav--open' : ''}`} aria-label={t('nav.label')}>
          <ul>
            {links.map(link => (
              <li key={link.key}>
                <NavLink to={link.href}><Icon name={link.icon} />{link.label}</NavLink>
              </li>
            ))}
            {tenantAdmin && <li><NavLink to='/settings/users'><Icon name='users' />{t('nav.users')}</NavLink></li>}
            {tenantAdmin && <li><NavLink to='/settings/webhooks'><Icon name='settings' />{t('nav.webhooks')}</NavLink></li>}
          </ul>
        </nav>
        <main id='content' ref={main} tabIndex={-1} className='mz-shell-main'>
          {children}
        </main>
      </div>
    </div>
  )
}
