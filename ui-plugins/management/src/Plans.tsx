import { useState, type FormEvent } from 'react'
import { DelayedSpinner, ErrorState, describeError, useApi, useApiData, useFormat, useHasPermission, useT, useToast } from '@monozu/ui-sdk'
import { Confirm } from './Confirm.tsx'
import { messages } from './messages.ts'
import { API, type Plan } from './types.ts'

const empty = { key: '', name: '', features: '', seats: '10', devices: '', days: '365' }

/** The plan editor: features, seats, device limit and validity of each plan. */
export function Plans () {
  const t = useT(messages)
  const f = useFormat()
  const api = useApi()
  const toast = useToast()
  const isAdmin = useHasPermission('management.admin')
  const plans = useApiData<{ items: Plan[] }>(`${API}/plans`)
  const [editing, setEditing] = useState<null | { isNew: boolean, form: typeof empty }>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (!editing) return
    const { form, isNew } = editing
    const body = { name: form.name, features: form.features.split(',').map(s => s.trim()).filter(Boolean), seats: Number(form.seats), devices: form.devices === '' ? null : Number(form.devices), days: Number(form.days) }
    try {
      if (isNew) await api.post(`${API}/plans`, { key: form.key, ...body })
      else await api.put(`${API}/plans/${form.key}`, body)
      toast({ message: t('saved'), kind: 'success' })
      setEditing(null)
      plans.reload()
    } catch (err) { toast({ message: describeError(err, t).message, kind: 'error' }) }
  }
  const field = (key: keyof typeof empty, label: string, type = 'text', extra: Record<string, unknown> = {}) => editing && (
    <label className='mz-field'><span>{label}</span><input className='mz-input' type={type} {...extra} value={editing.form[key]} onChange={e => setEditing({ ...editing, form: { ...editing.form, [key]: e.target.value } })} /></label>
  )
  return (
    <section>
      <header className='mz-page-header mz-row'>
        <h1>{t('plans')}</h1>
        {isAdmin && !editing && <button type='button' className='mz-button mz-button--primary' onClick={() => setEditing({ isNew: true, form: empty })}>{t('newPlan')}</button>}
      </header>
      {!isAdmin && <p className='mz-muted'>{t('readOnly')}</p>}
      {editing && (
        <form className='mz-card mgmt-form' onSubmit={save} aria-label={editing.isNew ? t('newPlan') : t('editPlan')}>
          {editing.isNew && field('key', t('key'), 'text', { required: true, pattern: '[a-z][a-z0-9\\-]{1,39}' })}
          {field('name', t('name'), 'text', { required: true })}
          {field('features', t('features'), 'text', { placeholder: 'cmdb, itsm' })}
          {field('seats', t('seats'), 'number', { required: true, min: 0 })}
          {field('devices', t('devicesLimit'), 'number', { min: 0 })}
          {field('days', t('days'), 'number', { required: true, min: 1, max: 3650 })}
          <div className='mz-row'>
            <button className='mz-button mz-button--primary'>{t('save')}</button>
            <button type='button' className='mz-button' onClick={() => setEditing(null)}>{t('cancel')}</button>
          </div>
        </form>
      )}
      {deleting && <Confirm danger title={t('deletePlanTitle', { key: deleting })} action={t('deletePlan')} question={t('confirmDeletePlan', { key: deleting })} onCancel={() => setDeleting(null)} onConfirm={async () => {
        try { await api.del(`${API}/plans/${deleting}`); plans.reload() } catch (err) { toast({ message: describeError(err, t).message, kind: 'error' }) }
        setDeleting(null)
      }} />}
      {plans.error ? <ErrorState error={plans.error} onRetry={plans.reload} /> : !plans.data ? <DelayedSpinner /> : plans.data.items.length === 0 ? <p className='mz-muted'>{t('noPlans')}</p> : (
        <table className='mz-table'>
          <thead><tr><th>{t('key')}</th><th>{t('name')}</th><th>{t('features')}</th><th>{t('seats')}</th><th>{t('devices')}</th><th>{t('days')}</th><th><span className='mz-visually-hidden'>{t('editPlan')}</span></th></tr></thead>
          <tbody>{plans.data.items.map(p => (
            <tr key={p.key}>
              <td className='mgmt-mono'>{p.key}</td><td>{p.name}</td><td>{p.features.join(', ') || '—'}</td><td>{f.number(p.seats)}</td><td>{p.devices === null ? t('unlimited') : f.number(p.devices)}</td><td>{p.days}</td>
              <td>{isAdmin && <div className='mz-row'>
                <button type='button' className='mz-button' onClick={() => setEditing({ isNew: false, form: { key: p.key, name: p.name, features: p.features.join(', '), seats: String(p.seats), devices: p.devices === null ? '' : String(p.devices), days: String(p.days) } })}>{t('editPlan')}</button>
                <button type='button' className='mz-button mz-button--danger' onClick={() => setDeleting(p.key)}>{t('deletePlan')}</button>
              </div>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </section>
  )
}
