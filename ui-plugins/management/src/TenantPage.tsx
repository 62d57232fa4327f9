import { useState, type FormEvent } from 'react'
import { DelayedSpinner, ErrorState, Link, describeError, useApi, useApiData, useFormat, useHasPermission, useSession, useT, useToast } from '@monozu/ui-sdk'
import { Confirm } from './Confirm.tsx'
import { messages } from './messages.ts'
import { deliveryBadge, statusBadge } from './TenantList.tsx'
import { usePoll } from './poll.ts'
import { API, type ActivityItem, type Delivery, type License, type ManagedTenant, type Plan, type Toggle } from './types.ts'

/** One tenant: lifecycle with confirmation, license history and changes, module toggles, deliveries, activity. */
export function TenantPage ({ basePath, id }: { basePath: string, id: string }) {
  const t = useT(messages)
  const f = useFormat()
  const api = useApi()
  const toast = useToast()
  const session = useSession()
  const isAdmin = useHasPermission('management.admin')
  const canWrite = useHasPermission('management.write')
  const tenant = useApiData<ManagedTenant>(`${API}/tenants/${id}`)
  const licenses = useApiData<{ items: License[] }>(`${API}/tenants/${id}/licenses`)
  const deliveries = useApiData<{ items: Delivery[] }>(`${API}/tenants/${id}/deliveries`)
  const activity = useApiData<{ items: ActivityItem[] }>(`${API}/tenants/${id}/activity`)
  const [asking, setAsking] = useState<null | 'suspend' | 'resume' | 'delete'>(null)
  const reloadAll = () => { tenant.reload(); licenses.reload(); deliveries.reload(); activity.reload() }
  // While the cloud has work to do for this tenant (provisioning, a lifecycle step, a delivery being retried), keep the page current.
  const waiting = tenant.data !== undefined && (tenant.data.status === 'provisioning' || (Boolean(tenant.data.pending) && tenant.data.pending !== 'purge') || (deliveries.data?.items.some(d => d.status === 'pending') ?? false) ||
    (tenant.data.status === 'active' && tenant.data.license !== null && deliveries.data?.items.length === 0))
  usePoll(waiting, reloadAll)
  const act = async (fn: () => Promise<unknown>, ok = t('done')) => {
    try { await fn(); toast({ message: ok, kind: 'success' }); reloadAll() } catch (err) { toast({ message: describeError(err, t).message, kind: 'error' }) }
  }
  if (tenant.error) return <ErrorState error={tenant.error} onRetry={tenant.reload} />
  const x = tenant.data
  if (!x) return <DelayedSpinner />
  return (
    <article>
      <Link to={basePath}>{t('back')}</Link>
      <header className='mz-page-header'>
        <h1>{x.name} <span className={`mz-badge mz-badge--${statusBadge(x.status)}`}>{t(`status.${x.status}`)}</span></h1>
        <p className='mz-muted mgmt-mono'>{x.slug} · {x.adminEmail}{x.cloudId ? ` · ${x.cloudId}` : ''}</p>
      </header>
      {x.pending && x.pending !== 'purge' && <p className='mz-badge mz-badge--info'>{t('pending', { action: t.has(`pendingAction.${x.pending}`) ? t(`pendingAction.${x.pending}`) : x.pending })}</p>}
      {x.lastError && <p role='status' className='mgmt-over'>{t('lastError', { error: x.lastError })}</p>}
      {x.overLimit && <p className='mgmt-over'>{t('overLimit')}: {t('seats')} {x.usage?.seats}/{x.license?.seats}, {t('devices')} {x.usage?.devices}/{x.license?.devices ?? t('unlimited')}</p>}
      {x.inviteUrl && x.status === 'active' && <p><span className='mz-muted'>{t('invite')}:</span> <span className='mgmt-mono'>{x.inviteUrl}</span></p>}

      <section className='mgmt-section' aria-labelledby='mgmt-lifecycle'>
        <h2 id='mgmt-lifecycle'>{t('lifecycle')}</h2>
        {!isAdmin && <p className='mz-muted'>{t('readOnly')}</p>}
        {isAdmin && (
          <div className='mz-row'>
            {x.status === 'active' && <button type='button' className='mz-button' onClick={() => setAsking('suspend')}>{t('suspend')}</button>}
            {x.status === 'suspended' && <button type='button' className='mz-button' onClick={() => setAsking('resume')}>{t('resume')}</button>}
            {['active', 'suspended'].includes(x.status) && x.cloudId && <button type='button' className='mz-button mz-button--danger' onClick={() => setAsking('delete')}>{t('delete')}</button>}
          </div>
        )}
        {asking === 'suspend' && <Confirm title={t('suspendTitle', { name: x.name })} action={t('suspend')} question={t('confirmSuspend', { name: x.name })} onCancel={() => setAsking(null)} onConfirm={() => act(() => api.post(`${API}/tenants/${id}/suspend`)).then(() => setAsking(null))} />}
        {asking === 'resume' && <Confirm title={t('resumeTitle', { name: x.name })} action={t('resume')} question={t('confirmResume', { name: x.name })} onCancel={() => setAsking(null)} onConfirm={() => act(() => api.post(`${API}/tenants/${id}/resume`)).then(() => setAsking(null))} />}
        {asking === 'delete' && <Confirm danger title={t('deleteTitle', { name: x.name })} action={t('delete')} typed={x.slug} question={t('confirmDelete', { name: x.name })} onCancel={() => setAsking(null)} onConfirm={() => act(() => api.request(`${API}/tenants/${id}`, { method: 'DELETE', body: { confirm: x.slug } })).then(() => setAsking(null))} />}
        {x.export && <p><a className='mz-button' href={`${API}/tenants/${id}/export`} onClick={e => { e.preventDefault(); void act(() => download(session, id, x.slug)) }}>{t('downloadExport')}</a> <span className='mz-muted mgmt-mono'>sha256 {x.export.sha256.slice(0, 16)}…</span></p>}
        {x.purgeAfter && <p className='mz-muted'>{t('purgeAfter', { date: f.dateTime(x.purgeAfter) })}</p>}
      </section>

      <section className='mgmt-section' aria-labelledby='mgmt-licenses'>
        <h2 id='mgmt-licenses'>{t('licenses')}</h2>
        {canWrite && !['deleting', 'deleted', 'failed'].includes(x.status) && <LicenseForm tenant={x} onDone={reloadAll} />}
        {licenses.error ? <ErrorState error={licenses.error} onRetry={licenses.reload} /> : !licenses.data ? <DelayedSpinner /> : licenses.data.items.length === 0 ? <p className='mz-muted'>{t('noLicenses')}</p> : (
          <table className='mz-table'>
            <thead><tr><th>{t('action')}</th><th>{t('status')}</th><th>{t('plan')}</th><th>{t('features')}</th><th>{t('seats')}</th><th>{t('devices')}</th><th>{t('issued')}</th><th>{t('expires')}</th><th>{t('by')}</th></tr></thead>
            <tbody>{licenses.data.items.map(l => (
              <tr key={l.id}><td>{t(`action.${l.action}`)}</td><td>{t(`license.${l.status}`)}</td><td>{l.plan ?? '—'}</td><td>{l.features.join(', ') || '—'}</td><td>{f.number(l.seats)}</td><td>{l.devices === null ? t('unlimited') : f.number(l.devices)}</td><td>{f.dateTime(l.issuedAt)}</td><td>{f.day(l.expiresAt)}</td><td className='mgmt-mono'>{l.issuedBy}</td></tr>
            ))}</tbody>
          </table>
        )}
      </section>

      <Toggles key={`${x.status}-${x.cloudId ?? ''}`} id={id} canWrite={canWrite && ['active', 'suspended'].includes(x.status)} onChange={activity.reload} />

      <section className='mgmt-section' aria-labelledby='mgmt-deliveries'>
        <h2 id='mgmt-deliveries'>{t('deliveries')}</h2>
        {deliveries.error ? <ErrorState error={deliveries.error} onRetry={deliveries.reload} /> : !deliveries.data ? <DelayedSpinner /> : deliveries.data.items.length === 0 ? <p className='mz-muted'>{t('noDeliveries')}</p> : (
          <table className='mz-table'>
            <thead><tr><th>{t('at')}</th><th>{t('status')}</th><th>{t('attempts')}</th><th>{t('httpStatus')}</th><th>{t('duration')}</th><th><span className='mz-visually-hidden'>{t('redeliver')}</span></th></tr></thead>
            <tbody>{deliveries.data.items.map(d => (
              <tr key={d.id}>
                <td>{f.dateTime(d.createdAt, { seconds: true })}<div className='mz-muted mgmt-mono'>{d.id}</div></td>
                <td><span className={`mz-badge mz-badge--${deliveryBadge(d.status)}`}>{t(`delivery.${d.status}`)}</span>{d.lastError && <div className='mz-muted'>{d.lastError}</div>}</td>
                <td>
                  {d.attempts}
                  {d.attemptLog && d.attemptLog.length > 0 && <ol className='mgmt-attempts'>{d.attemptLog.slice(-5).map(a => <li key={a.at}>{f.dateTime(a.at, { seconds: true })}: {a.status ?? t('noAnswer')} · {a.durationMs} ms</li>)}</ol>}
                </td>
                <td>{d.lastStatus ?? t('noAnswer')}</td>
                <td>{d.lastDurationMs === null ? '—' : `${d.lastDurationMs} ms`}</td>
                <td>{canWrite && <button type='button' className='mz-button' onClick={() => act(() => api.post(`${API}/deliveries/${d.id}/redeliver`), t('redelivered'))}>{t('redeliver')}</button>}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </section>

      <section className='mgmt-section' aria-labelledby='mgmt-activity'>
        <h2 id='mgmt-activity'>{t('activity')}</h2>
        {activity.error ? <ErrorState error={activity.error} onRetry={activity.reload} /> : !activity.data ? <DelayedSpinner /> : activity.data.items.length === 0 ? <p className='mz-muted'>{t('noActivity')}</p> : (
          <table className='mz-table'>
            <thead><tr><th>{t('at')}</th><th>{t('actor')}</th><th>{t('what')}</th><th>{t('details')}</th></tr></thead>
            <tbody>{activity.data.items.map(a => (
              <tr key={a.id}><td>{f.dateTime(a.at, { seconds: true })}</td><td><Actor item={a} /></td><td>{t.has(`act.${a.action}`) ? t(`act.${a.action}`) : a.action}</td><td className='mgmt-mono'>{a.details ? JSON.stringify(a.details) : ''}</td></tr>
            ))}</tbody>
          </table>
        )}
      </section>
    </article>
  )
}

/** A staff member by name (email below), the system and the cloud by what they are, anything else as recorded. */
function Actor ({ item }: { item: ActivityItem }) {
  const t = useT(messages)
  if (item.actorName || item.actorEmail) {
    return <><span>{item.actorName ?? item.actorEmail}</span>{item.actorName && item.actorEmail ? <><br /><span className='mz-muted'>{item.actorEmail}</span></> : null}</>
  }
  const kind = item.actor.split(':')[0]
  if (kind === 'system' || kind === 'internal') return <>{t(kind === 'system' ? 'actorSystem' : 'actorCloud')}</>
  return <span className='mgmt-mono'>{item.actor}</span>
}

/** The export is binary: fetched with the session's token, saved as a file. */
async function download (session: ReturnType<typeof useSession>, id: string, slug: string) {
  const token = session.getToken() ?? await session.refresh()
  const res = await fetch(`${API}/tenants/${id}/export`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  if (!res.ok) throw new Error(`${res.status}`)
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = `${slug}-export.tar.gz`
  a.click()
  URL.revokeObjectURL(url)
}

function LicenseForm ({ tenant, onDone }: { tenant: ManagedTenant, onDone: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const plans = useApiData<{ items: Plan[] }>(`${API}/plans`)
  const [form, setForm] = useState({ action: tenant.license ? 'renew' : 'issue', plan: tenant.plan ?? '', features: '', seats: '', devices: '', days: '' })
  const [confirming, setConfirming] = useState(false)
  const send = async () => {
    const body: Record<string, unknown> = { action: form.action }
    if (form.action !== 'revoke') {
      if (form.plan) body.plan = form.plan
      if (form.features.trim()) body.features = form.features.split(',').map(s => s.trim()).filter(Boolean)
      if (form.seats) body.seats = Number(form.seats)
      if (form.devices) body.devices = Number(form.devices)
      if (form.days) body.days = Number(form.days)
    }
    try {
      await api.post(`${API}/tenants/${tenant.id}/licenses`, body)
      toast({ message: t('done'), kind: 'success' })
      onDone()
    } catch (err) { toast({ message: describeError(err, t).message, kind: 'error' }) }
  }
  const submit = (e: FormEvent) => { e.preventDefault(); if (form.action === 'revoke') setConfirming(true); else void send() }
  const input = (key: 'seats' | 'devices' | 'days', label: string) => <label className='mz-field'><span>{label}</span><input className='mz-input' type='number' min={key === 'days' ? 1 : 0} value={form[key]} onChange={e => setForm({ ...form, [key]: e.target.value })} /></label>
  return (
    <>
      <form className='mz-card mgmt-form' onSubmit={submit} aria-label={t('changeLicense')}>
        <label className='mz-field'><span>{t('action')}</span>
          <select className='mz-input' value={form.action} onChange={e => setForm({ ...form, action: e.target.value })}>
            {['issue', 'renew', 'upgrade', 'revoke'].map(a => <option key={a} value={a}>{t(`action.${a}`)}</option>)}
          </select>
        </label>
        {form.action !== 'revoke' && <>
          <label className='mz-field'><span>{t('plan')}</span>
            <select className='mz-input' value={form.plan} onChange={e => setForm({ ...form, plan: e.target.value })}>
              <option value=''>—</option>
              {plans.data?.items.map(p => <option key={p.key} value={p.key}>{p.name}</option>)}
            </select>
          </label>
          <label className='mz-field'><span>{t('features')}</span><input className='mz-input' placeholder={t('featuresHint')} value={form.features} onChange={e => setForm({ ...form, features: e.target.value })} /></label>
          {input('seats', t('seats'))}{input('devices', t('devices'))}{input('days', t('days'))}
        </>}
        <button className={`mz-button ${form.action === 'revoke' ? 'mz-button--danger' : 'mz-button--primary'}`}>{t('changeLicense')}</button>
      </form>
      {confirming && <Confirm danger title={t('revokeTitle', { name: tenant.name })} action={t('action.revoke')} question={t('confirmRevoke', { name: tenant.name })} onCancel={() => setConfirming(false)} onConfirm={async () => { await send(); setConfirming(false) }} />}
    </>
  )
}

function Toggles ({ id, canWrite, onChange }: { id: string, canWrite: boolean, onChange: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const toggles = useApiData<{ items: Toggle[] }>(`${API}/tenants/${id}/features`)
  const flip = async (feature: string, enabled: boolean) => {
    try { await api.put(`${API}/tenants/${id}/features/${feature}`, { enabled }); toggles.reload(); onChange() } catch (err) { toast({ message: describeError(err, t).message, kind: 'error' }) }
  }
  return (
    <section className='mgmt-section' aria-labelledby='mgmt-toggles'>
      <h2 id='mgmt-toggles'>{t('toggles')}</h2>
      {toggles.error ? <ErrorState error={toggles.error} onRetry={toggles.reload} /> : !toggles.data ? <DelayedSpinner /> : toggles.data.items.length === 0 ? <p className='mz-muted'>{t('noToggles')}</p> : (
        <table className='mz-table'>
          <thead><tr><th>{t('features')}</th><th>{t('licensed')}</th><th>{t('status')}</th><th><span className='mz-visually-hidden'>{t('switchOn')}</span></th></tr></thead>
          <tbody>{toggles.data.items.map(g => (
            <tr key={g.plugin}>
              <td>{g.plugin} <span className='mz-muted mgmt-mono'>{g.feature}</span></td>
              <td>{g.licensed ? '✓' : '—'}</td>
              <td><span className={`mz-badge mz-badge--${g.enabled ? 'success' : 'neutral'}`}>{g.enabled ? t('on') : t('off')}</span></td>
              <td>{canWrite && (g.switchedOff
                ? <button type='button' className='mz-button' disabled={!g.licensed} onClick={() => flip(g.feature, true)}>{t('switchOn')}</button>
                : <button type='button' className='mz-button' onClick={() => flip(g.feature, false)}>{t('switchOff')}</button>)}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </section>
  )
}
