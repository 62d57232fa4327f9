import { useState, type FormEvent } from 'react'
import { EmptyState, Link, describeError, fieldErrors, useApi, useApiData, useFormat, useHasPermission, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { CursorItems, Dialog, Field, useCursorList } from '@monozu/ui-sdk/components'
import { useLiveReload } from './live.tsx'
import { messages } from './messages.ts'
import { ProtectionBadge, RunBadge, bytes, duration } from './shared.tsx'
import type { Job, Repository, Run } from './types.ts'

/** One job: status, policy (editable), commands, the runs timeline and the restore-test history. */
export function JobPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const write = useHasPermission('backup.write')
  const job = useApiData<Job>(`/api/v1/backup/jobs/${encodeURIComponent(id)}`)
  const runs = useCursorList<Run>(`/api/v1/backup/jobs/${encodeURIComponent(id)}/runs`, { limit: 30 })
  const tests = useCursorList<Run>(`/api/v1/backup/jobs/${encodeURIComponent(id)}/runs`, { limit: 10, type: 'restore_test' })
  const [editing, setEditing] = useState(false)
  useLiveReload(() => { job.reload(); runs.reload(); tests.reload() }, { jobId: id })
  if (!job.data) return null
  const j = job.data
  const send = async (path: 'run' | 'restore-test') => {
    try {
      await api.post(`/api/v1/backup/jobs/${encodeURIComponent(id)}/${path}`, {})
      toast({ kind: 'success', message: t('commandSent') })
    } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) }
  }
  return (
    <div className='mz-stack bak'>
      <Link to={basePath}>{t('backToOverview')}</Link>
      <div className='mz-page-header'>
        <div className='mz-row'><h1>{j.name}</h1><ProtectionBadge status={j.status} /></div>
        {write && (
          <div className='mz-row'>
            <button type='button' className='mz-button' disabled={!j.enabled} onClick={() => { void send('run') }}>{t('runNow')}</button>
            <button type='button' className='mz-button' disabled={!j.enabled} onClick={() => { void send('restore-test') }}>{t('restoreTest')}</button>
            <button type='button' className='mz-button mz-button--primary' onClick={() => setEditing(true)}>{t('editPolicy')}</button>
          </div>
        )}
      </div>
      <p>{j.enabled ? t(`reason.${j.reason}`) : `${t('disabled')}: ${j.disabledReason ?? ''}`}</p>
      <section aria-labelledby='bak-policy'>
        <h2 id='bak-policy'>{t('policy')}</h2>
        <dl className='bak-facts'>
          <dt>{t('device')}</dt><dd>{j.deviceName ?? '—'}</dd>
          <dt>{t('schedule')}</dt><dd>{j.schedule ?? '—'}</dd>
          <dt>{t('rpo')}</dt><dd>{j.rpoMinutes % 60 === 0 ? t('hours', { n: j.rpoMinutes / 60 }) : t('minutes', { n: j.rpoMinutes })}</dd>
          <dt>{t('retentionDays')}</dt><dd>{j.retentionDays ?? '—'}</dd>
          <dt>{t('restoreTestDays')}</dt><dd>{j.restoreTestDays}</dd>
          <dt>{t('ci')}</dt><dd>{j.ciName ?? j.ciId ?? '—'}</dd>
          <dt>{t('jobLastSuccess')}</dt><dd>{j.lastSuccessAt ? fmt.dateTime(j.lastSuccessAt) : t('never')}</dd>
        </dl>
      </section>
      <section aria-labelledby='bak-runs'>
        <h2 id='bak-runs'>{t('runsTimeline')}</h2>
        <CursorItems list={runs} empty={<EmptyState title={t('noRuns')} />}>
          {items => <RunTimeline runs={items} />}
        </CursorItems>
      </section>
      <section aria-labelledby='bak-tests'>
        <h2 id='bak-tests'>{t('restoreTests')}</h2>
        <CursorItems list={tests} empty={<EmptyState title={t('noRestoreTests')} />}>
          {items => (
            <table className='mz-table'>
              <caption className='mz-visually-hidden'>{t('restoreTests')}</caption>
              <thead><tr><th scope='col'>{t('started')}</th><th scope='col'>{t('status')}</th><th scope='col'>{t('verifiedFiles')}</th><th scope='col'>{t('checksum')}</th><th scope='col'>{t('duration')}</th></tr></thead>
              <tbody>
                {items.map(r => (
                  <tr key={r.id}>
                    <td>{fmt.dateTime(r.startedAt ?? r.sortAt)}</td>
                    <td><RunBadge state={r.state} /></td>
                    <td>{r.verifiedFiles ?? '—'}</td>
                    <td>{r.checksum ? t(`checksum.${r.checksum}`) : '—'}</td>
                    <td>{duration(r.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </CursorItems>
      </section>
      {editing && <PolicyEditor job={j} onClose={() => setEditing(false)} onSaved={saved => { job.setData(saved); setEditing(false) }} />}
    </div>
  )
}

function RunTimeline ({ runs }: { runs: Run[] }) {
  const t = useT(messages)
  const fmt = useFormat()
  const longest = Math.max(1, ...runs.map(r => r.durationMs ?? 0))
  return (
    <ol className='bak-timeline'>
      {runs.map(r => (
        <li key={r.id} className={`bak-run bak-run--${r.state}`}>
          <div className='mz-row'>
            <RunBadge state={r.state} />
            <span>{fmt.dateTime(r.startedAt ?? r.sortAt)}</span>
            <span>{t('duration')}: {duration(r.durationMs)}</span>
            <span>{t('size')}: {bytes(r.bytes)}</span>
            {r.files != null && <span>{t('files')}: {fmt.number(r.files)}</span>}
          </div>
          <div className='bak-bar' aria-hidden='true'><span style={{ width: `${Math.round(((r.durationMs ?? 0) / longest) * 100)}%` }} /></div>
          {r.error && <p className='bak-error'>{t('error')}: {r.error}</p>}
        </li>
      ))}
    </ol>
  )
}

function PolicyEditor ({ job, onClose, onSaved }: { job: Job, onClose: () => void, onSaved: (job: Job) => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const [form, setForm] = useState({
    name: job.name, schedule: job.schedule ?? '', rpoMinutes: String(job.rpoMinutes), retentionDays: job.retentionDays == null ? '' : String(job.retentionDays),
    restoreTestDays: String(job.restoreTestDays), enabled: job.enabled, disabledReason: job.disabledReason ?? '', ciId: job.ciId ?? '',
    repositoryId: job.repositoryId ?? ''
  })
  const repositories = useApiData<{ items: Repository[] }>('/api/v1/backup/repositories?limit=100')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm(f => ({ ...f, [k]: e.target.value }))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!form.enabled && !form.disabledReason.trim()) { setErrors({ disabledReason: t('disabledReasonRequired') }); return }
    try {
      const saved = await api.patch<Job>(`/api/v1/backup/jobs/${encodeURIComponent(job.id)}`, {
        name: form.name.trim(), schedule: form.schedule.trim() || null, rpoMinutes: Number(form.rpoMinutes),
        retentionDays: form.retentionDays ? Number(form.retentionDays) : null, restoreTestDays: Number(form.restoreTestDays), ciId: form.ciId.trim() || null,
        repositoryId: form.repositoryId || null,
        enabled: form.enabled, ...(form.enabled ? {} : { disabledReason: form.disabledReason.trim() })
      })
      toast({ kind: 'success', message: t('saved') })
      onSaved(saved)
    } catch (err) {
      const byField = fieldErrors(err)
      if (Object.keys(byField).length > 0) setErrors(byField)
      else toast({ kind: 'error', message: describeError(err, t).message })
    }
  }
  return (
    <Dialog open onClose={onClose} title={t('editPolicy')} footer={<>
      <button type='button' className='mz-button' onClick={onClose}>{t('common.cancel')}</button>
      <button type='submit' form='bak-policy-form' className='mz-button mz-button--primary'>{t('common.save')}</button>
    </>}>
      <form id='bak-policy-form' className='mz-stack' onSubmit={e => { void submit(e) }} noValidate>
        <Field label={t('name')} error={errors.name} required><input className='mz-input' value={form.name} maxLength={200} onChange={set('name')} /></Field>
        <Field label={t('schedule')} error={errors.schedule}><input className='mz-input' value={form.schedule} maxLength={100} onChange={set('schedule')} /></Field>
        <Field label={t('rpoMinutes')} error={errors.rpoMinutes} required><input className='mz-input' type='number' min={5} value={form.rpoMinutes} onChange={set('rpoMinutes')} /></Field>
        <Field label={t('retentionDays')} error={errors.retentionDays}><input className='mz-input' type='number' min={1} value={form.retentionDays} onChange={set('retentionDays')} /></Field>
        <Field label={t('restoreTestDays')} error={errors.restoreTestDays} required><input className='mz-input' type='number' min={1} value={form.restoreTestDays} onChange={set('restoreTestDays')} /></Field>
        <Field label={t('repository')} error={errors.repositoryId}>
          <select className='mz-input' value={form.repositoryId} onChange={set('repositoryId')}>
            <option value=''>{t('noRepository')}</option>
            {(repositories.data?.items ?? []).map(r => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </Field>
        <Field label={t('ciId')} error={errors.ciId}><input className='mz-input' value={form.ciId} maxLength={36} onChange={set('ciId')} /></Field>
        <label className='mz-row'><input type='checkbox' checked={form.enabled} onChange={e => setForm(f => ({ ...f, enabled: e.target.checked }))} /> {t('enabled')}</label>
        {!form.enabled && (
          <Field label={t('disabledReason')} error={errors.disabledReason} required><input className='mz-input' value={form.disabledReason} maxLength={500} onChange={set('disabledReason')} /></Field>
        )}
      </form>
    </Dialog>
  )
}
