import { useState } from 'react'
import { EmptyState, describeError, joinPath, useApi, useFormat, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, TextFilter, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { JobStateBadge } from './badges.tsx'
import { useUrlFilters } from './filters.ts'
import { ListHeader } from './ListHeader.tsx'
import { messages } from './messages.ts'
import { TenantFilter, TenantName, useTenants } from './tenant-names.tsx'
import { JOB_STATES, type Job } from './types.ts'

const KEYS = ['state', 'tenant', 'plugin', 'name'] as const

/** Jobs of every tenant and the platform, newest first: retry a failed one, cancel a pending one. */
export function Jobs ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const tenants = useTenants()
  const { filters, set, active } = useUrlFilters(joinPath(basePath, '/jobs'), KEYS)
  const list = useCursorList<Job>('/api/v1/admin/jobs', { ...filters, limit: 50 })
  const [busy, setBusy] = useState<string | null>(null)

  const act = async (job: Job, action: 'retry' | 'cancel') => {
    setBusy(job.id)
    try {
      const done = await api.post<Job>(`/api/v1/admin/jobs/${job.id}/${action}`)
      list.setItems(rows => rows.map(r => (r.id === done.id ? done : r)))
      toast({ kind: 'success', message: t(action === 'retry' ? 'retried' : 'cancelled', { name: `${job.plugin}/${job.name}` }) })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
      list.reload()
    } finally {
      setBusy(null)
    }
  }

  const columns: Column<Job>[] = [
    { key: 'name', header: t('job'), filterValue: j => `${j.plugin}/${j.name}`, render: j => <span className='admin-mono'>{j.plugin}/{j.name}</span> },
    { key: 'tenantId', header: t('tenant'), render: j => <TenantName id={j.tenantId} tenants={tenants} /> },
    { key: 'state', header: t('state'), render: j => <JobStateBadge state={j.state} /> },
    { key: 'attempts', header: t('attempts'), align: 'end', render: j => t('attemptsOf', { n: j.attempts, max: j.maxAttempts }) },
    { key: 'createdAt', header: t('created'), render: j => <span className='admin-nowrap'>{fmt.dateTime(j.createdAt)}</span> },
    { key: 'lastError', header: t('lastError'), sortable: false, render: j => (j.lastError ? <span className='admin-error' title={j.lastError}>{j.lastError}</span> : '') },
    {
      key: 'actions',
      header: t('actions'),
      sortable: false,
      render: j => (
        <>
          {(j.state === 'dead' || j.state === 'cancelled') && <button type='button' className='mz-button' disabled={busy !== null} aria-label={`${t('retry')} ${j.plugin}/${j.name}`} onClick={() => { void act(j, 'retry') }}>{t('retry')}</button>}
          {j.state === 'pending' && <button type='button' className='mz-button' disabled={busy !== null} aria-label={`${t('cancel')} ${j.plugin}/${j.name}`} onClick={() => { void act(j, 'cancel') }}>{t('cancel')}</button>}
        </>
      )
    }
  ]

  return (
    <div className='mz-stack admin'>
      <ListHeader title={t('jobsTitle')} list={list} />
      <form className='admin-filters' aria-label={t('filters')} onSubmit={e => e.preventDefault()}>
        <SelectFilter id='admin-job-state' label={t('state')} anyLabel={t('any')} options={JOB_STATES} optionLabel={s => t(`jobState.${s}`)} value={filters.state} onChange={state => set({ state })} />
        <TenantFilter id='admin-job-tenant' value={filters.tenant} tenants={tenants} onChange={tenant => set({ tenant })} />
        <TextFilter id='admin-job-plugin' label={t('plugin')} value={filters.plugin} onChange={plugin => set({ plugin })} />
        <TextFilter id='admin-job-name' label={t('job')} value={filters.name} onChange={name => set({ name })} />
        {active && <button type='button' className='mz-button mz-button--ghost' onClick={() => set({ state: '', tenant: '', plugin: '', name: '' })}>{t('clearFilters')}</button>}
      </form>
      <CursorTable list={list} caption={t('jobsTitle')} columns={columns} rowKey={j => j.id}
        empty={<EmptyState title={t('noJobs')} />}
      />
    </div>
  )
}
