import { useState, type FormEvent } from 'react'
import { ErrorState, Link, DelayedSpinner, EmptyState, describeError, useApi, useApiData, useFormat, useHasPermission, useT, useToast } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import { usePoll } from './poll.ts'
import { API, type ManagedTenant, type Plan } from './types.ts'

export const statusBadge = (status: string) => ({ active: 'success', suspended: 'warning', provisioning: 'info', deleting: 'warning', deleted: 'neutral', failed: 'danger' } as Record<string, string>)[status] ?? 'neutral'
/** Work the server still does for a tenant in the background (not the purge waiting for its grace period). */
const inFlight = (x: ManagedTenant) => x.status === 'provisioning' || (Boolean(x.pending) && x.pending !== 'purge') || x.lastDelivery?.status === 'pending' ||
  (x.status === 'active' && x.license !== null && !x.lastDelivery)
export const deliveryBadge = (status: string) => ({ succeeded: 'success', pending: 'warning', failed: 'danger' } as Record<string, string>)[status] ?? 'neutral'

/** Every managed tenant: status, plan, usage against its limits, the last license delivery. */
export function TenantList ({ basePath }: { basePath: string }) {
  const t = useT(messages)
  const f = useFormat()
  const canWrite = useHasPermission('management.write')
  const list = useApiData<{ items: ManagedTenant[], nextCursor: string | null }>(`${API}/tenants`, { limit: 200 })
  const [creating, setCreating] = useState(false)
  // Provisioning, lifecycle steps and license deliveries run in jobs on the server: refresh until nothing is in flight.
  usePoll(list.data?.items.some(inFlight) ?? false, list.reload)
  const limit = (n: number | null | undefined) => n === null || n === undefined ? t('unlimited') : f.number(n)
  return (
    <section>
      <header className='mz-page-header mz-row'>
        <h1>{t('tenants')}</h1>
        {canWrite && !creating && <button type='button' className='mz-button mz-button--primary' onClick={() => setCreating(true)}>{t('newTenant')}</button>}
      </header>
      {creating && <NewTenant onDone={() => { setCreating(false); list.reload() }} />}
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} />
        : !list.data ? <DelayedSpinner />
          : list.data.items.length === 0 ? <EmptyState title={t('noTenants')} />
            : (
              <table className='mz-table'>
                <thead><tr><th>{t('name')}</th><th>{t('status')}</th><th>{t('plan')}</th><th>{t('usage')}</th><th>{t('lastDelivery')}</th></tr></thead>
                <tbody>
                  {list.data.items.map(x => (
                    <tr key={x.id}>
                      <td><Link to={`${basePath}/tenants/${x.id}`}>{x.name}</Link> <span className='mz-muted mgmt-mono'>{x.slug}</span></td>
                      <td><span className={`mz-badge mz-badge--${statusBadge(x.status)}`}>{t(`status.${x.status}`)}</span></td>
                      <td>{x.plan ?? '—'}</td>
                      <td>
                        {x.usage
                          ? <>{t('seats')} {t('usageOf', { used: f.number(x.usage.seats), limit: limit(x.license?.seats) })}, {t('devices')} {t('usageOf', { used: f.number(x.usage.devices), limit: limit(x.license?.devices) })}</>
                          : '—'}
                        {x.overLimit && <> <span className='mz-badge mz-badge--danger'>{t('overLimit')}</span></>}
                      </td>
                      <td>{x.lastDelivery ? <><span className={`mz-badge mz-badge--${deliveryBadge(x.lastDelivery.status)}`}>{t(`delivery.${x.lastDelivery.status}`)}</span> <span className='mz-muted'>{f.relative(x.lastDelivery.deliveredAt ?? x.lastDelivery.createdAt)}</span></> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
    </section>
  )
}

function NewTenant ({ onDone }: { onDone: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const plans = useApiData<{ items: Plan[] }>(`${API}/plans`)
  const [form, setForm] = useState({ name: '', slug: '', adminEmail: '', plan: '' })
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    try {
      await api.post(`${API}/tenants`, { name: form.name, slug: form.slug, adminEmail: form.adminEmail, ...(form.plan ? { plan: form.plan } : {}) })
      toast({ message: t('done'), kind: 'success' })
      onDone()
    } catch (err) {
      toast({ message: describeError(err, t).message, kind: 'error' })
    } finally { setBusy(false) }
  }
  const field = (key: keyof typeof form, label: string, type = 'text', pattern?: string) => (
    <label className='mz-field'><span>{label}</span><input className='mz-input' type={type} required {...(pattern ? { pattern } : {})} value={form[key]} onChange={e => setForm({ ...form, [key]: e.target.value })} /></label>
  )
  return (
    <form className='mz-card mgmt-form' onSubmit={submit} aria-label={t('newTenant')}>
      {field('name', t('name'))}
      {field('slug', t('slug'), 'text', '[a-z0-9][a-z0-9\\-]{1,62}')}
      {field('adminEmail', t('adminEmail'), 'email')}
      <label className='mz-field'><span>{t('plan')}</span>
        <select className='mz-input' value={form.plan} onChange={e => setForm({ ...form, plan: e.target.value })}>
          <option value=''>{t('noPlan')}</option>
          {plans.data?.items.map(p => <option key={p.key} value={p.key}>{p.name} ({p.key})</option>)}
        </select>
      </label>
      <div className='mz-row'>
        <button className='mz-button mz-button--primary' disabled={busy}>{t('create')}</button>
        <button type='button' className='mz-button' onClick={onDone}>{t('cancel')}</button>
      </div>
    </form>
  )
}
