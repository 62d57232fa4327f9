import { useState } from 'react'
import { useT } from '@monozu/ui-sdk'
import { DataTable, Field, StatusBadge, type Column } from '@monozu/ui-sdk/components'
import { useGroups } from '../groups.tsx'
import { TICKET_TYPES } from '../types.ts'
import { attempt, DeleteButton, FormDialog, useCrud } from './crud.tsx'
import { adminMessages } from './messages.ts'

/** A rule as the API keeps it (plugins/itsm itsm_alert_rules): events that open a ticket, and those that clear it. */
interface Rule {
  id: string, name: string, enabled: boolean, eventType: string
  openWhen: Record<string, string[]>, clearWhen: Record<string, string[]> | null
  subjectField: string, subjectKind: 'device' | 'ci', resolveOnClear: boolean
  ticket: { type: string, title: string, impact?: number, urgency?: number, category?: string | null, groupId?: string | null }
}
/** An event type the server can match, with what names the source and its preset rule (GET alert-rules `sources`). */
interface Source { eventType: string, subjectKind: 'device' | 'ci', openWhen: Record<string, string[]>, clearWhen: Record<string, string[]> | null, title: string }

const cond = (c: Record<string, string[]> | null | undefined) => c ? Object.entries(c).map(([k, v]) => `${k} = ${v.join(' | ')}`).join(', ') : ''
const parseCond = (field: string, values: string) => field.trim() && values.trim() ? { [field.trim()]: values.split(',').map(s => s.trim()).filter(Boolean) } : null

/** Alert-to-ticket rules: a storm of events for one device or CI makes one ticket; the clearing event notes it and may resolve it. */
export function AlertRules () {
  const t = useT(adminMessages)
  const crud = useCrud<Rule, { sources: Source[] }>('/api/v1/itsm/alert-rules')
  const sources = crud.data?.sources ?? []
  const { groups } = useGroups()
  const empty = { name: '', enabled: true, eventType: 'devices.status_changed', subjectKind: 'device', subjectField: 'deviceId', openField: 'status', openValues: 'offline', clearField: 'status', clearValues: 'online', resolveOnClear: true, type: 'incident', title: '', impact: '2', urgency: '2', groupId: '' }
  const [draft, setDraft] = useState(empty)
  const [editing, setEditing] = useState<Rule | 'new' | null>(null)
  const [fields, setFields] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const set = (patch: Partial<typeof empty>) => setDraft(d => ({ ...d, ...patch }))
  /** A new rule starts from its source's preset: what opens and clears it, and the title. */
  const fromSource = (d: typeof empty, src: Source | undefined): typeof empty => {
    if (!src) return d
    const [of, ov] = Object.entries(src.openWhen)[0] ?? ['', []]
    const [cf, cv] = Object.entries(src.clearWhen ?? {})[0] ?? ['', []]
    return { ...d, eventType: src.eventType, subjectKind: src.subjectKind, openField: of, openValues: ov.join(', '), clearField: cf, clearValues: cv.join(', '), title: src.title }
  }

  const open = (r: Rule | 'new') => {
    setEditing(r); setFields({}); setError(null)
    if (r === 'new') { setDraft(fromSource({ ...empty, name: '' }, sources[0])); return }
    const [of, ov] = Object.entries(r.openWhen ?? {})[0] ?? ['', []]
    const [cf, cv] = Object.entries(r.clearWhen ?? {})[0] ?? ['', []]
    setDraft({ name: r.name, enabled: r.enabled, eventType: r.eventType, subjectKind: r.subjectKind, subjectField: r.subjectField, openField: of, openValues: ov.join(', '), clearField: cf, clearValues: cv.join(', '), resolveOnClear: r.resolveOnClear, type: r.ticket.type, title: r.ticket.title, impact: String(r.ticket.impact ?? 2), urgency: String(r.ticket.urgency ?? 2), groupId: r.ticket.groupId ?? '' })
  }
  const submit = async () => {
    const local: Record<string, string> = {}
    if (!draft.name.trim()) local.name = t('err.required')
    if (!draft.eventType.trim()) local.eventType = t('err.required')
    if (!parseCond(draft.openField, draft.openValues)) local.openWhen = t('conditionRequired')
    if (!draft.title.trim()) local.ticket = t('err.required')
    if (Object.keys(local).length) { setFields(local); return }
    const body = {
      name: draft.name.trim(), enabled: draft.enabled, eventType: draft.eventType.trim(),
      openWhen: parseCond(draft.openField, draft.openValues), clearWhen: parseCond(draft.clearField, draft.clearValues), resolveOnClear: draft.resolveOnClear,
      ticket: { type: draft.type, title: draft.title.trim(), impact: Number(draft.impact), urgency: Number(draft.urgency), groupId: draft.groupId || null }
    }
    if (await attempt(t, () => editing === 'new' ? crud.create(body) : crud.update((editing as Rule).id, body), setFields, setError)) setEditing(null)
  }

  const columns: Column<Rule>[] = [
    { key: 'name', header: t('name'), render: r => <button type='button' className='itsm-link-button' onClick={() => open(r)}>{r.name}</button> },
    { key: 'eventType', header: t('eventType'), render: r => <code>{r.eventType}</code> },
    { key: 'open', header: t('opensWhen'), sortable: false, render: r => cond(r.openWhen) },
    { key: 'clear', header: t('clearsWhen'), sortable: false, render: r => r.clearWhen ? `${cond(r.clearWhen)}${r.resolveOnClear ? ` · ${t('resolves')}` : ''}` : '–' },
    { key: 'enabled', header: t('state'), render: r => <StatusBadge status={r.enabled ? 'active' : 'disabled'} tone={r.enabled ? 'success' : 'neutral'} label={t(r.enabled ? 'enabled' : 'disabled')} /> },
    { key: 'actions', header: t('actions'), sortable: false, render: r => <DeleteButton name={r.name} onDelete={() => crud.remove(r.id)} /> }
  ]
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-rules'>
      <div className='itsm-card-header'>
        <h2 id='itsm-admin-rules' className='itsm-h2'>{t('admin.rules')}</h2>
        <button type='button' className='mz-button mz-button--primary' onClick={() => open('new')}>{t('newRule')}</button>
      </div>
      <p className='itsm-intro'>{t('rulesIntro')}</p>
      {crud.error && <p className='itsm-problem' role='alert'>{t('rulesUnavailable')}</p>}
      <DataTable caption={t('admin.rules')} hideCaption rows={crud.items} columns={columns} rowKey={r => r.id} filterable={false} />
      <FormDialog open={editing !== null} title={editing === 'new' ? t('newRule') : t('editRule')} onClose={() => setEditing(null)} onSubmit={submit} error={error}>
        <div className='itsm-form-grid'>
          <Field label={t('name')} error={fields.name} required><input className='mz-input' value={draft.name} maxLength={100} data-autofocus onChange={e => set({ name: e.target.value })} /></Field>
          <Field label={t('eventType')} error={fields.eventType} required>
            <select className='mz-input' value={draft.eventType} disabled={editing !== 'new'} onChange={e => setDraft(d => fromSource(d, sources.find(x => x.eventType === e.target.value)))}>
              {(sources.length ? sources.map(x => x.eventType) : [draft.eventType]).map(x => <option key={x} value={x}>{t.has(`event.${x}`) ? t(`event.${x}`) : x}</option>)}
            </select>
          </Field>
        </div>
        <p className='itsm-small'>{t('subjectIs', { kind: t(`subject.${draft.subjectKind}`) })}</p>
        <fieldset className='itsm-checks'>
          <legend className='mz-field__label'>{t('opensWhen')}</legend>
          <div className='itsm-form-grid'>
            <Field label={t('eventField')} error={fields.openWhen}><input className='mz-input' value={draft.openField} onChange={e => set({ openField: e.target.value })} /></Field>
            <Field label={t('eventValues')} hint={t('eventValuesHint')}><input className='mz-input' value={draft.openValues} onChange={e => set({ openValues: e.target.value })} /></Field>
          </div>
        </fieldset>
        <fieldset className='itsm-checks'>
          <legend className='mz-field__label'>{t('clearsWhen')}</legend>
          <div className='itsm-form-grid'>
            <Field label={t('eventField')} error={fields.clearWhen}><input className='mz-input' value={draft.clearField} onChange={e => set({ clearField: e.target.value })} /></Field>
            <Field label={t('eventValues')} hint={t('clearValuesHint')}><input className='mz-input' value={draft.clearValues} onChange={e => set({ clearValues: e.target.value })} /></Field>
          </div>
          <label className='itsm-check'><input type='checkbox' checked={draft.resolveOnClear} onChange={e => set({ resolveOnClear: e.target.checked })} /><span>{t('resolveOnClear')}</span></label>
        </fieldset>
        <fieldset className='itsm-checks'>
          <legend className='mz-field__label'>{t('ticketToOpen')}</legend>
          <div className='itsm-form-grid'>
            <Field label={t('field.type')}>
              <select className='mz-input' value={draft.type} onChange={e => set({ type: e.target.value })}>{TICKET_TYPES.map(x => <option key={x} value={x}>{t(`type.${x}`)}</option>)}</select>
            </Field>
            <Field label={t('field.title')} error={fields.ticket} hint={t('alertTitleHint')} required><input className='mz-input' value={draft.title} maxLength={200} onChange={e => set({ title: e.target.value })} /></Field>
            <Field label={t('field.impact')}><select className='mz-input' value={draft.impact} onChange={e => set({ impact: e.target.value })}>{['1', '2', '3'].map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}</select></Field>
            <Field label={t('field.urgency')}><select className='mz-input' value={draft.urgency} onChange={e => set({ urgency: e.target.value })}>{['1', '2', '3'].map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}</select></Field>
            <Field label={t('field.group')}>
              <select className='mz-input' value={draft.groupId} onChange={e => set({ groupId: e.target.value })}><option value=''>{t('noGroup')}</option>{groups.map(g => <option key={g.id} value={g.id}>{g.name}</option>)}</select>
            </Field>
          </div>
        </fieldset>
        <label className='itsm-check'><input type='checkbox' checked={draft.enabled} onChange={e => set({ enabled: e.target.checked })} /><span>{t('enabled')}</span></label>
      </FormDialog>
    </section>
  )
}
