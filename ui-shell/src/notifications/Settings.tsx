import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { DelayedSpinner, ErrorState, describeError, useApi, useFeatures, useMe, useT, useToast, type Localized } from '@monozu/ui-sdk'
import { notificationMessages as messages } from './messages.ts'

interface TypePreference { type: string, label: Localized, plugin: string, inApp: boolean, email: boolean }
interface Preferences { digest: boolean, types: TypePreference[] }

/** `/settings/notifications`: which notification types reach me by which channel, and the digest. */
export function NotificationSettings () {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const me = useMe()
  const features = useFeatures()
  const heading = useRef<HTMLHeadingElement>(null)
  const digestId = useId()
  const [prefs, setPrefs] = useState<Preferences | null>(null)
  const [error, setError] = useState<unknown>(undefined)
  const [saving, setSaving] = useState(false)
  const [attempt, setAttempt] = useState(0)
  const tenantUser = Boolean(me?.tenant)

  useEffect(() => { document.title = `${t('settings.title')} · Monozu Cloud` }, [t])
  useEffect(() => { heading.current?.focus({ preventScroll: true }) }, [])
  useEffect(() => {
    if (!tenantUser) return
    const controller = new AbortController()
    setError(undefined)
    api.get<Preferences>('/api/v1/notifications/preferences', { signal: controller.signal })
      .then(setPrefs, err => { if (!controller.signal.aborted) setError(err) })
    return () => controller.abort()
  }, [api, tenantUser, attempt])

  const setType = (type: string, channel: 'inApp' | 'email', on: boolean) =>
    setPrefs(p => p && { ...p, types: p.types.map(x => (x.type === type ? { ...x, [channel]: on } : x)) })

  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (!prefs || saving) return
    setSaving(true)
    try {
      const saved = await api.put<Preferences>('/api/v1/notifications/preferences', {
        digest: prefs.digest,
        types: prefs.types.map(({ type, inApp, email }) => ({ type, inApp, email }))
      })
      setPrefs(saved)
      toast({ kind: 'success', message: t('settings.saved') })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally {
      setSaving(false)
    }
  }

  const moduleName = (plugin: string) => t.pick(features.find(f => f.id === plugin)?.name) || plugin

  return (
    <div className='mz-stack mz-shell-settings'>
      <h1 ref={heading} tabIndex={-1}>{t('settings.title')}</h1>
      {!tenantUser
        ? <p>{t('settings.operator')}</p>
        : error !== undefined
          ? <ErrorState title={t('settings.loadFailed')} error={error} onRetry={() => setAttempt(a => a + 1)} />
          : !prefs
              ? <DelayedSpinner />
              : (
                <form className='mz-stack' onSubmit={e => { void save(e) }}>
                  <p>{t('settings.intro', { email: me?.user.email ?? '' })}</p>
                  <div className='mz-shell-settings__digest'>
                    <input id={digestId} type='checkbox' name='digest' checked={prefs.digest} aria-describedby={`${digestId}-hint`} onChange={e => setPrefs({ ...prefs, digest: e.target.checked })} />
                    <label htmlFor={digestId}>{t('settings.digest')}</label>
                    <p id={`${digestId}-hint`} className='mz-shell-settings__hint'>{t('settings.digestHint')}</p>
                  </div>
                  {prefs.types.length === 0
                    ? <p>{t('settings.none')}</p>
                    : (
                      <div className='mz-table'>
                        <table>
                          <caption className='mz-visually-hidden'>{t('settings.caption')}</caption>
                          <thead>
                            <tr><th scope='col'>{t('settings.type')}</th><th scope='col'>{t('settings.module')}</th><th scope='col'>{t('settings.inApp')}</th><th scope='col'>{t('settings.email')}</th></tr>
                          </thead>
                          <tbody>
                            {prefs.types.map(p => {
                              const label = t.pick(p.label) || p.type
                              return (
                                <tr key={p.type} data-testid={`preference-${p.type}`}>
                                  <th scope='row'>{label}</th>
                                  <td>{moduleName(p.plugin)}</td>
                                  <td><input type='checkbox' checked={p.inApp} aria-label={t('settings.inAppFor', { type: label })} onChange={e => setType(p.type, 'inApp', e.target.checked)} /></td>
                                  <td><input type='checkbox' checked={p.email} aria-label={t('settings.emailFor', { type: label })} onChange={e => setType(p.type, 'email', e.target.checked)} /></td>
                                </tr>
                              )
                            })}
                          </tbody>
                        </table>
                      </div>
                      )}
                  <p><button type='submit' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('settings.saving') : t('settings.save')}</button></p>
                </form>
                )}
    </div>
  )
}
