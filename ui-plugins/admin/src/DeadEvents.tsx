import { useState } from 'react'
import { EmptyState, describeError, joinPath, useApi, useFormat, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, Dialog, TextFilter, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { useUrlFilters } from './filters.ts'
import { ListHeader } from './ListHeader.tsx'
import { messages } from './messages.ts'
import { TenantFilter, TenantName, useTenants } from './tenant-names.tsx'
import type { DeadEvent } from './types.ts'

const KEYS = ['tenant', 'plugin', 'type'] as const

/**
 * Domain events a plugin's handler gave up on, across tenants, newest first. Retry delivers the
 * event to that handler again with a fresh count of attempts; discard drops it for good (after a
 * confirmation). Both are audited by the kernel.
 */
export function DeadEvents ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const tenants = useTenants()
  const { filters, set, active } = useUrlFilters(joinPath(basePath, '/events'), KEYS)
  const list = useCursorList<DeadEvent>('/api/v1/admin/events/dead', { ...filters, limit: 50 })
  const [busy, setBusy] = useState<string | null>(null)
  const [discarding, setDiscarding] = useState<DeadEvent | null>(null)

  const act = async (event: DeadEvent, action: 'retry' | 'discard') => {
    setBusy(event.id)
    try {
      await api.post(`/api/v1/admin/events/dead/${encodeURIComponent(event.id)}/${action}`)
      // Neither a retried nor a discarded delivery is dead any more: it leaves this list.
      list.setItems(rows => rows.filter(r => r.id !== event.id))
      toast({ kind: 'success', message: t(action === 'retry' ? 'eventRetried' : 'eventDiscarded', { type: event.type, handler: `${event.plugin}/${event.handler}` }) })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
      list.reload()
    } finally {
      setBusy(null)
      setDiscarding(null)
    }
  }

  const label = (e: DeadEvent) => `${e.type} → ${e.plugin}/${e.handler}`
  const columns: Column<DeadEvent>[] = [
    { key: 'type', header: t('eventType'), render: e => <span className='admin-mono'>{e.type}</span> },
    { key: 'tenantId', header: t('tenant'), render: e => <TenantName id={e.tenantId} tenants={tenants} /> },
    { key: 'handler', header: t('handler'), filterValue: e => `${e.plugin}/${e.handler}`, render: e => <span className='admin-mono'>{e.plugin}/{e.handler}</span> },
    { key: 'attempts', header: t('attempts'), align: 'end', render: e => t('attemptsOf', { n: e.attempts, max: e.maxAttempts }) },
    { key: 'lastError', header: t('lastError'), sortable: false, render: e => (e.lastError ? <span className='admin-error' title={e.lastError}>{e.lastError}</span> : '') },
    { key: 'occurredAt', header: t('occurred'), render: e => <span className='admin-nowrap'>{fmt.dateTime(e.occurredAt, { seconds: true })}</span> },
    {
      key: 'actions',
      header: t('actions'),
      sortable: false,
      render: e => (
        <span className='admin-actions'>
          <button type='button' className='mz-button' disabled={busy !== null} aria-label={`${t('retry')} ${label(e)}`} onClick={() => { void act(e, 'retry') }}>{t('retry')}</button>
          <button type='button' className='mz-button mz-button--ghost' disabled={busy !== null} aria-label={`${t('discard')} ${label(e)}`} onClick={() => setDiscarding(e)}>{t('discard')}</button>
        </span>
      )
    }
  ]

  return (
    <div className='mz-stack admin'>
      <ListHeader title={t('eventsTitle')} list={list} />
      <p className='admin-hint'>{t('eventsHint')}</p>
      <form className='admin-filters' aria-label={t('filters')} onSubmit={e => e.preventDefault()}>
        <TenantFilter id='admin-event-tenant' value={filters.tenant} tenants={tenants} onChange={tenant => set({ tenant })} />
        <TextFilter id='admin-event-plugin' label={t('handlerPlugin')} value={filters.plugin} maxLength={32} onChange={plugin => set({ plugin })} />
        <TextFilter id='admin-event-type' label={t('eventType')} placeholder={t('eventTypeHint')} value={filters.type} maxLength={96} onChange={type => set({ type })} />
        {active && <button type='button' className='mz-button mz-button--ghost' onClick={() => set({ tenant: '', plugin: '', type: '' })}>{t('clearFilters')}</button>}
      </form>
      <CursorTable list={list} caption={t('eventsTitle')} columns={columns} rowKey={e => e.id}
        empty={<EmptyState title={active ? t('noMatchingEvents') : t('noDeadEvents')} />}
      />
      <Dialog
        open={discarding !== null}
        onClose={() => setDiscarding(null)}
        role='alertdialog'
        title={t('discardTitle')}
        footer={(
          <>
            <button type='button' className='mz-button' data-autofocus onClick={() => setDiscarding(null)}>{t('cancel')}</button>
            <button type='button' className='mz-button mz-button--danger' disabled={busy !== null} onClick={() => { if (discarding) void act(discarding, 'discard') }}>{t('discard')}</button>
          </>
        )}
      >
        {discarding && <p>{t('discardBody', { type: discarding.type, handler: `${discarding.plugin}/${discarding.handler}` })}</p>}
      </Dialog>
    </div>
  )
}
