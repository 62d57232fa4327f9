import { useRef, useState, type FormEvent } from 'react'
import { Link, describeError, joinPath, navigate, useApi, useApiData, useHasPermission, useMe, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { agentName, assigneeError, useAgents } from './agents.tsx'
import { useGroups } from './groups.tsx'
import { messages } from './messages.ts'
import { problemFields } from './problems.ts'
import { LEVELS, TICKET_TYPES, type Ticket, type TicketType } from './types.ts'
import { useCanListUsers, type User } from './users.ts'

const TITLE_MAX = 200
const DESCRIPTION_MAX = 20_000

interface Draft { type: TicketType, title: string, description: string, impact: string, urgency: string, category: string, groupId: string, assigneeId: string, approvers: string[], approverText: string }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A new ticket. Requesters choose between an incident ("something is broken") and a service
 * request; agents also open problems and changes and pick the group. Missing or wrong values are
 * named next to their fields, from this form's checks and from the server's problem+json.
 */
export function NewTicket ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const agent = useHasPermission('itsm.agent')
  const { groups } = useGroups()
  const { agents } = useAgents()
  const me = useMe()?.user.id
  const [draft, setDraft] = useState<Draft>({ type: 'incident', title: '', description: '', impact: '', urgency: '', category: '', groupId: '', assigneeId: '', approvers: [], approverText: '' })
  // Approvers of a change are users: picked from the tenant's list where this user may read it, else given by id.
  const canListUsers = useCanListUsers()
  const users = useApiData<{ items: User[] }>(agent && canListUsers && draft.type === 'change' ? '/api/v1/users' : null, { limit: 200 })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  const types = agent ? TICKET_TYPES : (['incident', 'request'] as const)
  const set = (patch: Partial<Draft>) => { setDraft(d => ({ ...d, ...patch })); setErrors(e => { const n = { ...e }; for (const k of Object.keys(patch)) delete n[k]; return n }) }

  const focusFirstError = () => setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const local: Record<string, string> = {}
    if (!draft.title.trim()) local.title = t('err.required')
    else if (draft.title.trim().length > TITLE_MAX) local.title = t('err.maxLength', { n: TITLE_MAX })
    if (draft.description.length > DESCRIPTION_MAX) local.description = t('err.maxLength', { n: DESCRIPTION_MAX })
    const approvers = canListUsers ? draft.approvers : draft.approverText.split(/[\s,]+/).filter(Boolean)
    if (approvers.some(a => !UUID.test(a))) local.approvers = t('approversFormat')
    setErrors(local)
    setGeneral(null)
    if (Object.keys(local).length) { focusFirstError(); return }
    const body: Record<string, unknown> = { type: draft.type, title: draft.title.trim(), description: draft.description }
    if (draft.impact) body.impact = Number(draft.impact)
    if (draft.urgency) body.urgency = Number(draft.urgency)
    if (draft.category.trim()) body.category = draft.category.trim()
    if (agent && draft.groupId) body.groupId = draft.groupId
    if (agent && draft.assigneeId) body.assigneeId = draft.assigneeId
    if (agent && draft.type === 'change' && approvers.length) body.approvers = approvers
    setSending(true)
    try {
      const created = await api.post<Pick<Ticket, 'id' | 'number'>>('/api/v1/itsm/tickets', body)
      toast({ kind: 'success', message: t('ticketCreated', { number: created.number }) })
      navigate(joinPath(basePath, `/tickets/${encodeURIComponent(created.id)}`))
    } catch (err) {
      const { fields, other } = problemFields(err, t)
      const refused = assigneeError(err, t)
      if (refused) fields.assigneeId = refused
      setErrors(fields)
      setGeneral(Object.keys(fields).length && !other.length ? t('fixFields') : [describeError(err, t).message, ...other].join(' '))
      focusFirstError()
    } finally { setSending(false) }
  }

  return (
    <div className='mz-stack itsm'>
      <Link className='itsm-back' to={agent ? basePath : joinPath(basePath, '/portal')}>{t(agent ? 'backToList' : 'backToPortal')}</Link>
      <h1>{t(agent ? 'newTicket' : 'newRequest')}</h1>
      <form ref={form} className='mz-card mz-stack itsm-form' onSubmit={e => { void submit(e) }} noValidate aria-describedby={general ? 'itsm-new-problem' : undefined}>
        {general && <p id='itsm-new-problem' className='itsm-problem' role='alert'>{general}</p>}
        <fieldset className='itsm-radios'>
          <legend className='mz-field__label'>{t('field.type')}</legend>
          {types.map(ty => (
            <label key={ty}>
              <input type='radio' name='type' value={ty} checked={draft.type === ty} onChange={() => set({ type: ty })} />
              <span><strong>{t(`type.${ty}`)}</strong> <span className='mz-muted'>{t(`typeHint.${ty}`)}</span></span>
            </label>
          ))}
          {errors.type && <p className='mz-field__error'>{errors.type}</p>}
        </fieldset>
        <Field label={t('field.title')} error={errors.title} hint={t('titleHint')} required>
          <input name='title' className='mz-input' value={draft.title} maxLength={TITLE_MAX + 50} onChange={e => set({ title: e.target.value })} data-autofocus />
        </Field>
        <Field label={t('field.description')} error={errors.description} hint={t('markdownHint')}>
          <textarea name='description' className='mz-input itsm-textarea' rows={8} value={draft.description} onChange={e => set({ description: e.target.value })} />
        </Field>
        <div className='itsm-form-grid'>
          <Field label={t('field.impact')} error={errors.impact} hint={t('impactHint')}>
            <select name='impact' className='mz-input' value={draft.impact} onChange={e => set({ impact: e.target.value })}>
              <option value=''>{t('defaultLevel')}</option>
              {LEVELS.map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
            </select>
          </Field>
          <Field label={t('field.urgency')} error={errors.urgency} hint={t('urgencyHint')}>
            <select name='urgency' className='mz-input' value={draft.urgency} onChange={e => set({ urgency: e.target.value })}>
              <option value=''>{t('defaultLevel')}</option>
              {LEVELS.map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
            </select>
          </Field>
          <Field label={t('field.category')} error={errors.category}>
            <input name='category' className='mz-input' value={draft.category} maxLength={100} onChange={e => set({ category: e.target.value })} />
          </Field>
          {agent && (
            <Field label={t('field.group')} error={errors.groupId}>
              <select name='groupId' className='mz-input' value={draft.groupId} onChange={e => set({ groupId: e.target.value })}>
                <option value=''>{t('noGroup')}</option>
                {groups.map(g => <option key={g.id} value={g.id}>{g.name}</option>)}
              </select>
            </Field>
          )}
          {agent && (
            <Field label={t('field.assignee')} error={errors.assigneeId} hint={t('assigneeOptionalHint')}>
              <select name='assigneeId' className='mz-input' value={draft.assigneeId} onChange={e => set({ assigneeId: e.target.value })}>
                <option value=''>{t('nobody')}</option>
                {agents.map(a => <option key={a.id} value={a.id}>{a.id === me ? t('assignee.meName', { name: agentName(a) }) : agentName(a)}</option>)}
              </select>
            </Field>
          )}
        </div>
        {agent && draft.type === 'change' && (canListUsers
          ? (
            <fieldset className='itsm-checks'>
              <legend className='mz-field__label'>{t('approvers')}</legend>
              <p className='mz-field__hint'>{t('approversHint')}</p>
              {(users.data?.items ?? []).map(u => (
                <label key={u.id} className='itsm-check'>
                  <input type='checkbox' checked={draft.approvers.includes(u.id)} onChange={e => set({ approvers: e.target.checked ? [...draft.approvers, u.id] : draft.approvers.filter(x => x !== u.id) })} />
                  <span>{u.name} <span className='mz-muted itsm-small'>{u.email}</span></span>
                </label>
              ))}
              {errors.approvers && <p className='mz-field__error'>{errors.approvers}</p>}
            </fieldset>
            )
          : (
            <Field label={t('approvers')} error={errors.approvers} hint={t('approverIdsHint')}>
              <textarea name='approvers' className='mz-input itsm-textarea' rows={3} value={draft.approverText} onChange={e => set({ approverText: e.target.value })} />
            </Field>
            ))}
        <div className='mz-row'>
          <button type='submit' className='mz-button mz-button--primary' disabled={sending}>{sending ? t('sending') : t(agent ? 'createTicket' : 'sendRequest')}</button>
          <Link className='mz-button' to={agent ? basePath : joinPath(basePath, '/portal')}>{t('common.cancel')}</Link>
        </div>
      </form>
    </div>
  )
}
