import { useState } from 'react'
import { DelayedSpinner, ErrorState, describeError, useApi, useApiData, useFormat, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { StatusBadge } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { SectionNav } from './shared.tsx'
import type { Suppression } from './types.ts'

export function Suppressions ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const admin = useHasPermission('security.admin')
  const data = useApiData<{ items: Suppression[] }>('/api/v1/security/suppressions')
  const [form, setForm] = useState({ ruleId: '', source: '', reason: '', until: '' })
  const [error, setError] = useState<string | null>(null)
  const create = async () => {
    if (!form.ruleId.trim() && !form.source.trim()) { setError(t('needTarget')); return }
    if (form.reason.trim().length < 3) { setError(t('reasonRequired')); return }
    if (!form.until) { setError(t('untilRequired')); return }
    try {
      await api.post('/api/v1/security/suppressions', { ...(form.ruleId.trim() ? { ruleId: form.ruleId.trim() } : {}), ...(form.source.trim() ? { source: form.source.trim() } : {}), reason: form.reason.trim(), expiresAt: new Date(`${form.until}T23:59:59`).toISOString() })
      setForm({ ruleId: '', source: '', reason: '', until: '' }); setError(null); data.reload()
    } catch (err) { setError(describeError(err, t).message) }
  }
  return (
    <div className='sec-page'>
      <h1>{t('suppressions')}</h1>
      <SectionNav basePath={basePath} />
      {data.error && <ErrorState error={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <DelayedSpinner />}
      {data.data && (
        <table className='mz-table'>
          <caption className='mz-visually-hidden'>{t('suppressions')}</caption>
          <thead><tr><th scope='col'>{t('ruleMatch')}</th><th scope='col'>{t('reason')}</th><th scope='col'>{t('expires')}</th><th scope='col'>{t('status')}</th><th scope='col'>{t('createdBy')}</th>{admin && <th scope='col'><span className='mz-visually-hidden'>{t('end')}</span></th>}</tr></thead>
          <tbody>
            {data.data.items.map(s => (
              <tr key={s.id}>
                <td>{[s.ruleId && `${t('rule')}: ${s.ruleId}`, s.source && `${t('source')}: ${s.source}`].filter(Boolean).join(' · ')}</td>
                <td>{s.reason}</td>
                <td>{fmt.dateTime(s.expiresAt)}</td>
                <td><StatusBadge status={s.active ? 'active' : 'disabled'} label={s.active ? t('active') : t('expired')} /></td>
                <td>{s.createdBy}</td>
                {admin && <td>{s.active && <button type='button' className='mz-button' onClick={() => { void api.del(`/api/v1/security/suppressions/${s.id}`).then(data.reload) }}>{t('end')}</button>}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <form className='sec-form' onSubmit={e => { e.preventDefault(); void create() }}>
          <h2>{t('newRule')}</h2>
          <label>{t('ruleIdLabel')}<input value={form.ruleId} onChange={e => setForm({ ...form, ruleId: e.target.value })} maxLength={200} /></label>
          <label>{t('sourceLabel')}<input value={form.source} onChange={e => setForm({ ...form, source: e.target.value })} maxLength={64} /></label>
          <label>{t('reason')}<textarea value={form.reason} onChange={e => setForm({ ...form, reason: e.target.value })} maxLength={1000} /></label>
          <label>{t('until')}<input type='date' value={form.until} onChange={e => setForm({ ...form, until: e.target.value })} /></label>
          {error && <p role='alert' className='sec-error'>{error}</p>}
          <button type='submit' className='mz-button mz-button--primary'>{t('save')}</button>
        </form>
      )}
    </div>
  )
}
