import { useEffect, useState } from 'react'
import { describeError, useApi, useApiData, useT, useToast } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { problemFields } from '../problems.ts'
import { adminMessages } from './messages.ts'

interface SettingsData { autoCloseDays: number, inboundSecretHint: string | null, inboundSecret?: string }

/** Auto-close after resolve, and the inbound email secret (shown once when created or rotated). */
export function Settings () {
  const t = useT(adminMessages)
  const api = useApi()
  const toast = useToast()
  const data = useApiData<SettingsData>('/api/v1/itsm/settings')
  const [days, setDays] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => { if (data.data) setDays(String(data.data.autoCloseDays)) }, [data.data])

  const save = async () => {
    const n = Number(days)
    if (!Number.isInteger(n) || n < 0 || n > 365) { setError(t('autoCloseFormat')); return }
    setBusy(true); setError(null)
    try {
      data.setData(await api.patch<SettingsData>('/api/v1/itsm/settings', { autoCloseDays: n }))
      toast({ kind: 'success', message: t('settingsSaved') })
    } catch (err) { setError(problemFields(err, t).fields.autoCloseDays ?? describeError(err, t).message) } finally { setBusy(false) }
  }
  const rotate = async () => {
    if (data.data?.inboundSecretHint && !window.confirm(t('rotateConfirm'))) return
    setBusy(true)
    try {
      const r = await api.post<SettingsData>('/api/v1/itsm/settings/inbound-secret')
      setSecret(r.inboundSecret ?? null)
      data.setData({ autoCloseDays: r.autoCloseDays, inboundSecretHint: r.inboundSecretHint })
    } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) } finally { setBusy(false) }
  }
  const inboundUrl = `${window.location.origin}/api/v1/itsm/inbound-email`
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-settings'>
      <h2 id='itsm-admin-settings' className='itsm-h2'>{t('admin.settings')}</h2>
      <form className='mz-card mz-stack itsm-narrow' onSubmit={e => { e.preventDefault(); void save() }} noValidate>
        <Field label={t('autoCloseDays')} error={error} hint={t('autoCloseHint')}>
          <input className='mz-input' type='number' min={0} max={365} value={days} onChange={e => { setDays(e.target.value); setError(null) }} />
        </Field>
        <div className='mz-row'><button type='submit' className='mz-button mz-button--primary' disabled={busy || !data.data}>{t('common.save')}</button></div>
      </form>
      <div className='mz-card mz-stack'>
        <h3 className='itsm-h3'>{t('inboundTitle')}</h3>
        <p className='itsm-intro'>{t('inboundIntro')}</p>
        <p><span className='mz-muted'>{t('inboundUrl')}</span> <code>{inboundUrl}</code></p>
        <p>{data.data?.inboundSecretHint ? t('secretHint', { hint: data.data.inboundSecretHint }) : t('noSecret')}</p>
        {secret && (
          <div className='itsm-note' role='status'>
            <span>{t('secretOnce')}</span>
            <code className='itsm-secret'>{secret}</code>
          </div>
        )}
        <div className='mz-row'><button type='button' className='mz-button' disabled={busy} onClick={() => { void rotate() }}>{data.data?.inboundSecretHint ? t('rotateSecret') : t('createSecret')}</button></div>
      </div>
    </section>
  )
}
