import { useState } from 'react'
import { useApiData, useT } from '@monozu/ui-sdk'
import { DataTable, Field, StatusBadge, type Column } from '@monozu/ui-sdk/components'
import { TICKET_TYPES } from '../types.ts'
import { attempt, DeleteButton, FormDialog, useCrud } from './crud.tsx'
import { adminMessages } from './messages.ts'

/** A policy as the API keeps it (plugins/itsm admin routes). */
interface Policy {
  id: string, name: string, position: number, enabled: boolean, calendarId: string | null, warnAt: number
  match: { types?: string[], priorities?: number[], categories?: string[] }
  firstResponseMinutes: number | null, nextUpdateMinutes: number | null, resolutionMinutes: number | null
}
const TARGETS = ['firstResponseMinutes', 'nextUpdateMinutes', 'resolutionMinutes'] as const
type TargetKey = typeof TARGETS[number]

/** Business hours as "8 h" or "30 min"; stored as minutes. */
const hoursText = (m: number | null) => m == null ? '' : m % 60 === 0 ? String(m / 60) : (m / 60).toFixed(2).replace(/\.?0+$/, '')

/** SLA policies: which tickets (type, priority, category) get which targets on which calendar; the first match by position wins. */
export function SlaPolicies () {
  const t = useT(adminMessages)
  const crud = useCrud<Policy>('/api/v1/itsm/sla-policies')
  const calendars = useApiData<{ items: Array<{ id: string, name: string }> }>('/api/v1/itsm/calendars')
  const calName = (id: string | null) => calendars.data?.items.find(c => c.id === id)?.name ?? t('alwaysCalendar')
  const [editing, setEditing] = useState<Policy | 'new' | null>(null)
  const [draft, setDraft] = useState<{ name: string, position: string, enabled: boolean, calendarId: string, warnAt: string, types: string[], priorities: number[], categories: string } & Record<TargetKey, string>>({ name: '', position: '100', enabled: true, calendarId: '', warnAt: '80', types: [], priorities: [], categories: '', firstResponseMinutes: '', nextUpdateMinutes: '', resolutionMinutes: '' })
  const [fields, setFields] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const set = (patch: Partial<typeof draft>) => setDraft(d => ({ ...d, ...patch }))

  const open = (p: Policy | 'new') => {
    setEditing(p); setFields({}); setError(null)
    setDraft(p === 'new'
      ? { name: '', position: '100', enabled: true, calendarId: calendars.data?.items[0]?.id ?? '', warnAt: '80', types: [], priorities: [], categories: '', firstResponseMinutes: '1', nextUpdateMinutes: '', resolutionMinutes: '8' }
      : { name: p.name, position: String(p.position), enabled: p.enabled, calendarId: p.calendarId ?? '', warnAt: String(Math.round(p.warnAt * 100)), types: p.match.types ?? [], priorities: p.match.priorities ?? [], categories: (p.match.categories ?? []).join(', '), firstResponseMinutes: hoursText(p.firstResponseMinutes), nextUpdateMinutes: hoursText(p.nextUpdateMinutes), resolutionMinutes: hoursText(p.resolutionMinutes) })
  }
  const submit = async () => {
    const local: Record<string, string> = {}
    if (!draft.name.trim()) local.name = t('err.required')
    const minutes = Object.fromEntries(TARGETS.map(k => {
      const v = draft[k].trim().replace(',', '.')
      if (!v) return [k, null]
      const n = Number(v)
      if (!Number.isFinite(n) || n <= 0) local[k] = t('hoursFormat')
      return [k, Math.round(n * 60)]
    }))
    const warn = Number(draft.warnAt)
    if (!Number.isFinite(warn) || warn <= 0 || warn >= 100) local.warnAt = t('warnFormat')
    const position = Number(draft.position)
    if (!Number.isInteger(position) || position < 0) local.position = t('positionFormat')
    if (Object.keys(local).length) { setFields(local); return }
    const body = {
      name: draft.name.trim(), position, enabled: draft.enabled, calendarId: draft.calendarId || null, warnAt: warn / 100, ...minutes,
      match: { types: draft.types, priorities: draft.priorities, categories: draft.categories.split(',').map(s => s.trim()).filter(Boolean) }
    }
    if (await attempt(t, () => editing === 'new' ? crud.create(body) : crud.update((editing as Policy).id, body), setFields, setError)) setEditing(null)
  }
  const matchText = (p: Policy) => [
    p.match.types?.length ? p.match.types.map(x => t(`type.${x}`)).join(', ') : t('anyType'),
    p.match.priorities?.length ? p.match.priorities.map(x => t(`priority.${x}`)).join(', ') : t('anyPriority'),
    p.match.categories?.length ? p.match.categories.join(', ') : ''
  ].filter(Boolean).join(' · ')
  const targets = (p: Policy) => TARGETS.filter(k => p[k]).map(k => t('targetHours', { target: t(`targetName.${k}`), h: hoursText(p[k]) })).join(', ') || '–'

  const columns: Column<Policy>[] = [
    { key: 'position', header: t('position'), render: p => p.position },
    { key: 'name', header: t('name'), render: p => <button type='button' className='itsm-link-button' onClick={() => open(p)}>{p.name}</button> },
    { key: 'match', header: t('appliesTo'), sortable: false, render: matchText },
    { key: 'targets', header: t('targets'), sortable: false, render: targets },
    { key: 'calendar', header: t('calendar'), sortable: false, render: p => calName(p.calendarId) },
    { key: 'enabled', header: t('state'), render: p => <StatusBadge status={p.enabled ? 'active' : 'disabled'} tone={p.enabled ? 'success' : 'neutral'} label={t(p.enabled ? 'enabled' : 'disabled')} /> },
    { key: 'actions', header: t('actions'), sortable: false, render: p => <DeleteButton name={p.name} onDelete={() => crud.remove(p.id)} /> }
  ]
  const toggle = <V,>(list: V[], v: V, on: boolean) => on ? [...list, v] : list.filter(x => x !== v)
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-sla'>
      <div className='itsm-card-header'>
        <h2 id='itsm-admin-sla' className='itsm-h2'>{t('admin.sla')}</h2>
        <button type='button' className='mz-button mz-button--primary' onClick={() => open('new')}>{t('newPolicy')}</button>
      </div>
      <p className='itsm-intro'>{t('slaIntro')}</p>
      <DataTable caption={t('admin.sla')} hideCaption rows={crud.items} columns={columns} rowKey={p => p.id} filterable={false} initialSort={{ key: 'position', direction: 'asc' }} />
      <FormDialog open={editing !== null} title={editing === 'new' ? t('newPolicy') : t('editPolicy')} onClose={() => setEditing(null)} onSubmit={submit} error={error}>
        <div className='itsm-form-grid'>
          <Field label={t('name')} error={fields.name} required><input className='mz-input' value={draft.name} maxLength={100} data-autofocus onChange={e => set({ name: e.target.value })} /></Field>
          <Field label={t('position')} error={fields.position} hint={t('positionHint')}><input className='mz-input' type='number' min={0} value={draft.position} onChange={e => set({ position: e.target.value })} /></Field>
          <Field label={t('calendar')} error={fields.calendarId}>
            <select className='mz-input' value={draft.calendarId} onChange={e => set({ calendarId: e.target.value })}>
              <option value=''>{t('alwaysCalendar')}</option>
              {(calendars.data?.items ?? []).map(c => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </Field>
        </div>
        <fieldset className='itsm-checks itsm-checks--row'>
          <legend className='mz-field__label'>{t('matchTypes')}</legend>
          {TICKET_TYPES.map(x => <label key={x} className='itsm-check'><input type='checkbox' checked={draft.types.includes(x)} onChange={e => set({ types: toggle(draft.types, x, e.target.checked) })} /><span>{t(`type.${x}`)}</span></label>)}
        </fieldset>
        <fieldset className='itsm-checks itsm-checks--row'>
          <legend className='mz-field__label'>{t('matchPriorities')}</legend>
          {[1, 2, 3, 4, 5].map(x => <label key={x} className='itsm-check'><input type='checkbox' checked={draft.priorities.includes(x)} onChange={e => set({ priorities: toggle(draft.priorities, x, e.target.checked) })} /><span>{t(`priority.${x}`)}</span></label>)}
        </fieldset>
        <Field label={t('matchCategories')} error={fields.match} hint={t('matchCategoriesHint')}><input className='mz-input' value={draft.categories} onChange={e => set({ categories: e.target.value })} /></Field>
        <div className='itsm-form-grid'>
          {TARGETS.map(k => (
            <Field key={k} label={t(`targetName.${k}`)} error={fields[k]} hint={t('businessHours')}>
              <input className='mz-input' inputMode='decimal' value={draft[k]} onChange={e => set({ [k]: e.target.value } as Partial<typeof draft>)} />
            </Field>
          ))}
          <Field label={t('warnAt')} error={fields.warnAt} hint={t('warnAtHint')}><input className='mz-input' type='number' min={1} max={99} value={draft.warnAt} onChange={e => set({ warnAt: e.target.value })} /></Field>
        </div>
        <label className='itsm-check'><input type='checkbox' checked={draft.enabled} onChange={e => set({ enabled: e.target.checked })} /><span>{t('enabled')}</span></label>
      </FormDialog>
    </section>
  )
}
