import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { EmptyState, describeError, fieldErrors, useApi, useApiData, useFormat, useMe, useT, useToast } from '@monozu/ui-sdk'
import { CursorTable, Dialog, Field, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { webhookMessages as messages } from './messages.ts'

interface Endpoint { id: string, url: string, description: string | null, eventTypes: string[], enabled: boolean, consecutiveFailures: number, createdAt: string }
interface EventType { type: string, description?: string, plugin?: string }

/** `/settings/webhooks` (tenant admins): the tenant's endpoints; a new one's secret is shown once. */
export function Webhooks () {
  const t = useT(messages)
  const me = useMe()
  const heading = useRef<HTMLHeadingElement>(null)
  const admin = Boolean(me?.tenant) && (me?.user.roles ?? []).includes('tenant-admin')
  useEffect(() => { document.title = `${t('title')} · Monozu Cloud` }, [t])
  useEffect(() => { heading.current?.focus({ preventScroll: true }) }, [])
  return (
    <div className='mz-stack mz-shell-settings'>
      <h1 ref={heading} tabIndex={-1}>{t('title')}</h1>
      {admin ? <Endpoints /> : <p>{t('notAllowed')}</p>}
    </div>
  )
}

function Endpoints () {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const fmt = useFormat()
  const list = useCursorList<Endpoint>('/api/v1/webhooks', { limit: 50 })
  const [secret, setSecret] = useState<{ url: string, secret: string } | null>(null)
  const [removing, setRemoving] = useState<Endpoint | null>(null)

  const remove = async (endpoint: Endpoint) => {
    try {
      await api.del(`/api/v1/webhooks/${encodeURIComponent(endpoint.id)}`)
      list.setItems(rows => rows.filter(r => r.id !== endpoint.id))
      toast({ kind: 'success', message: t('removed', { url: endpoint.url }) })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally {
      setRemoving(null)
    }
  }

  const columns: Column<Endpoint>[] = [
    { key: 'url', header: t('url'), render: e => <span className='mz-shell-webhook-url'>{e.url}</span> },
    { key: 'description', header: t('description'), render: e => e.description ?? '' },
    { key: 'eventTypes', header: t('events'), sortable: false, render: e => (e.eventTypes.includes('*') ? t('allEvents') : e.eventTypes.join(', ')) },
    { key: 'enabled', header: t('state'), render: e => (e.enabled ? t('enabled') : t('disabled')) },
    { key: 'consecutiveFailures', header: t('failures'), align: 'end', render: e => String(e.consecutiveFailures) },
    { key: 'createdAt', header: t('created'), render: e => fmt.dateTime(e.createdAt) },
    { key: 'actions', header: t('actions'), sortable: false, render: e => <button type='button' className='mz-button mz-button--ghost' aria-label={t('removeFor', { url: e.url })} onClick={() => setRemoving(e)}>{t('remove')}</button> }
  ]

  return (
    <>
      <p>{t('intro')}</p>
      <NewEndpoint onCreated={(endpoint, s) => { list.setItems(rows => [endpoint, ...rows]); setSecret({ url: endpoint.url, secret: s }) }} />
      <CursorTable list={list} caption={t('caption')} columns={columns} rowKey={e => e.id} empty={<EmptyState title={t('none')} />} />
      <Dialog
        open={secret !== null} onClose={() => setSecret(null)} title={secret ? t('secretTitle', { url: secret.url }) : ''}
        footer={<button type='button' className='mz-button mz-button--primary' onClick={() => setSecret(null)}>{t('secretDone')}</button>}
      >
        {secret && (
          <div className='mz-stack'>
            <p>{t('secretBody')}</p>
            <Field label={t('secretLabel')}>
              <input className='mz-input' readOnly value={secret.secret} data-testid='webhook-secret' data-autofocus onFocus={e => e.target.select()} />
            </Field>
          </div>
        )}
      </Dialog>
      <Dialog
        open={removing !== null} onClose={() => setRemoving(null)} role='alertdialog' title={t('removeTitle')}
        footer={(
          <>
            <button type='button' className='mz-button' data-autofocus onClick={() => setRemoving(null)}>{t('cancel')}</button>
            <button type='button' className='mz-button mz-button--danger' onClick={() => { if (removing) void remove(removing) }}>{t('remove')}</button>
          </>
        )}
      >
        {removing && <p>{t('removeBody', { url: removing.url })}</p>}
      </Dialog>
    </>
  )
}

function NewEndpoint ({ onCreated }: { onCreated: (endpoint: Endpoint, secret: string) => void }) {
  const t = useT(messages)
  const api = useApi()
  const types = useApiData<{ items: EventType[] }>('/api/v1/webhooks/event-types')
  const allId = useId()
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [all, setAll] = useState(false)
  const [picked, setPicked] = useState<string[]>([])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const eventTypes = all ? ['*'] : picked
    if (eventTypes.length === 0) { setErrors({ eventTypes: t('pickEvents') }); return }
    setSaving(true)
    setErrors({})
    try {
      const made = await api.post<Endpoint & { secret: string }>('/api/v1/webhooks', { url: url.trim(), eventTypes, ...(description.trim() ? { description: description.trim() } : {}) })
      const { secret, ...endpoint } = made
      onCreated(endpoint, secret)
      setUrl(''); setDescription(''); setAll(false); setPicked([])
    } catch (err) {
      const byField = fieldErrors(err)
      setErrors(Object.keys(byField).length > 0 ? byField : { url: describeError(err, t).message })
    } finally {
      setSaving(false)
    }
  }

  const available = types.data?.items ?? []
  return (
    <form className='mz-card mz-stack' aria-label={t('add')} onSubmit={e => { void submit(e) }}>
      <h2>{t('add')}</h2>
      <Field label={t('url')} hint={t('urlHint')} error={errors.url} required>
        <input className='mz-input' type='url' name='url' value={url} maxLength={2000} required onChange={e => setUrl(e.target.value)} />
      </Field>
      <Field label={t('description')} error={errors.description}>
        <input className='mz-input' name='description' value={description} maxLength={500} onChange={e => setDescription(e.target.value)} />
      </Field>
      <fieldset className='mz-stack'>
        <legend>{t('events')}</legend>
        <div className='mz-shell-settings__digest'>
          <input id={allId} type='checkbox' checked={all} onChange={e => setAll(e.target.checked)} aria-describedby={`${allId}-hint`} />
          <label htmlFor={allId}>{t('allEvents')}</label>
          <p id={`${allId}-hint`} className='mz-shell-settings__hint'>{t('allEventsHint')}</p>
        </div>
        {available.length === 0
          ? !types.loading && <p className='mz-shell-settings__hint'>{t('noEventTypes')}</p>
          : available.map(type => (
            <label key={type.type} className='mz-shell-webhook-type'>
              <input type='checkbox' disabled={all} checked={picked.includes(type.type)} onChange={e => setPicked(p => (e.target.checked ? [...p, type.type] : p.filter(x => x !== type.type)))} />
              {' '}<code>{type.type}</code>{type.description ? ` (${type.description})` : ''}
            </label>
          ))}
        {errors.eventTypes && <p className='mz-field__error' role='alert'>{errors.eventTypes}</p>}
      </fieldset>
      <p><button type='submit' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('creating') : t('create')}</button></p>
    </form>
  )
}
