import { useState, type FormEvent } from 'react'
import { ApiError, describeError, useApi, useApiData, useFormat, useMe, useT } from '@monozu/ui-sdk'
import { Dialog, Field } from '@monozu/ui-sdk/components'
import { agentName, assigneeError, useAgents } from '../agents.tsx'
import { Assignee, PriorityBadge, TicketStatusBadge } from '../display.tsx'
import { useGroups } from '../groups.tsx'
import { problemFields } from '../problems.ts'
import { LEVELS, TRANSITIONS, type Ticket, type TicketStatus, type Transition } from '../types.ts'
import { ticketMessages } from './messages.ts'

/** The PATCH of a ticket, with its version so a change made meanwhile is refused instead of overwritten. */
export function usePatch (ticket: Ticket, onSaved: (t: Ticket) => void) {
  const api = useApi()
  const path = `/api/v1/itsm/tickets/${encodeURIComponent(ticket.id)}`
  return async (body: Record<string, unknown>) => {
    try {
      onSaved(await api.patch<Ticket>(path, body, { headers: { 'if-match': String(ticket.version) } }))
    } catch (err) {
      // Someone changed it meanwhile: show what is stored now, and say so (error.conflict).
      if (err instanceof ApiError && err.code === 'conflict') onSaved(await api.get<Ticket>(path))
      throw err
    }
  }
}

/** Which word a move to a status is, from where the ticket stands. */
const actionKey = (from: TicketStatus, to: TicketStatus) => to === 'open' ? (from === 'new' ? 'action.start' : 'action.reopen') : `action.${to}`

/**
 * The ticket's workflow and assignment: moves the server allows from the current status (pending
 * asks for a reason, the others for an optional note), the assignee, the group, impact and urgency
 * (the priority follows from the tenant's matrix).
 */
export function Workflow ({ ticket, onSaved }: { ticket: Ticket, onSaved: (t: Ticket) => void }) {
  const t = useT(ticketMessages)
  const me = useMe()?.user.id
  const { groups } = useGroups()
  const { agents, byId: agentsById } = useAgents()
  const patch = usePatch(ticket, onSaved)
  const [moving, setMoving] = useState<TicketStatus | null>(null)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [assigneeProblem, setAssigneeProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (body: Record<string, unknown>): Promise<boolean> => {
    setBusy(true); setError(null); setAssigneeProblem(null)
    try { await patch(body); return true } catch (err) {
      const { fields } = problemFields(err, t)
      const refused = 'assigneeId' in body ? assigneeError(err, t) : null
      if (refused) setAssigneeProblem(refused)
      else if (moving && (fields.pendingReason || fields.reason)) setReasonError(fields.pendingReason ?? fields.reason ?? null)
      else setError(describeError(err, t).message)
      return false
    } finally { setBusy(false) }
  }

  const move = async (e: FormEvent) => {
    e.preventDefault()
    if (!moving) return
    const text = reason.trim()
    if (moving === 'pending' && !text) { setReasonError(t('pendingReasonRequired')); return }
    const ok = await run(moving === 'pending' ? { status: moving, pendingReason: text } : { status: moving, ...(text ? { reason: text } : {}) })
    if (ok) setMoving(null)
  }

  const next = TRANSITIONS[ticket.status] ?? []
  return (
    <section className='mz-card mz-stack' aria-labelledby='itsm-workflow'>
      <h2 id='itsm-workflow' className='mz-card__title'>{t('workflow')}</h2>
      <dl className='itsm-dl'>
        <div><dt>{t('field.status')}</dt><dd><TicketStatusBadge status={ticket.status} /></dd></div>
        <div><dt>{t('field.priority')}</dt><dd><PriorityBadge priority={ticket.priority} /></dd></div>
        <div><dt>{t('field.requester')}</dt><dd>{ticket.requester?.name || ticket.requester?.email || '–'}{ticket.requester?.email && ticket.requester.name ? <span className='mz-muted itsm-small'> &lt;{ticket.requester.email}&gt;</span> : null}</dd></div>
        <div><dt>{t('field.assignee')}</dt><dd><Assignee ticket={ticket} /></dd></div>
        {ticket.category && <div><dt>{t('field.category')}</dt><dd>{ticket.category}</dd></div>}
        {ticket.source && ticket.source !== 'web' && <div><dt>{t('source')}</dt><dd>{t(`source.${ticket.source}`)}{ticket.alertCount ? ` · ${t('alertCount', { n: ticket.alertCount })}` : ''}</dd></div>}
      </dl>
      {next.length > 0 && (
        <div className='itsm-actions' role='group' aria-label={t('changeStatus')}>
          {next.map(s => (
            <button key={s} type='button' className={`mz-button${s === 'resolved' ? ' mz-button--primary' : ''}`} disabled={busy}
              onClick={() => { setMoving(s); setReason(''); setReasonError(null); setError(null) }}>
              {t(actionKey(ticket.status, s))}
            </button>
          ))}
        </div>
      )}
      <div className='itsm-form-grid itsm-form-grid--tight'>
        <Field label={t('field.assignee')} error={assigneeProblem}>
          <select className='mz-input' value={ticket.assigneeId ?? ''} disabled={busy} onChange={e => { void run({ assigneeId: e.target.value || null }) }}>
            <option value=''>{t('nobody')}</option>
            {ticket.assigneeId && !agentsById.has(ticket.assigneeId) && (
              <option value={ticket.assigneeId}>{ticket.assigneeName || ticket.assigneeId.slice(0, 8)}</option>
            )}
            {agents.map(a => <option key={a.id} value={a.id}>{a.id === me ? t('assignee.meName', { name: agentName(a) }) : agentName(a)}</option>)}
          </select>
        </Field>
      </div>
      <div className='itsm-actions'>
        {ticket.assigneeId !== me && <button type='button' className='mz-button' disabled={busy || !me} onClick={() => { void run({ assigneeId: me }) }}>{t('assignToMe')}</button>}
        {ticket.assigneeId && <button type='button' className='mz-button mz-button--ghost' disabled={busy} onClick={() => { void run({ assigneeId: null }) }}>{t('unassign')}</button>}
      </div>
      <div className='itsm-form-grid itsm-form-grid--tight'>
        <Field label={t('field.group')}>
          <select className='mz-input' value={ticket.groupId ?? ''} disabled={busy} onChange={e => { void run({ groupId: e.target.value || null }) }}>
            <option value=''>{t('noGroup')}</option>
            {groups.map(g => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </Field>
        <Field label={t('field.impact')}>
          <select className='mz-input' value={String(ticket.impact)} disabled={busy} onChange={e => { void run({ impact: Number(e.target.value) }) }}>
            {LEVELS.map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
          </select>
        </Field>
        <Field label={t('field.urgency')}>
          <select className='mz-input' value={String(ticket.urgency)} disabled={busy} onChange={e => { void run({ urgency: Number(e.target.value) }) }}>
            {LEVELS.map(l => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
          </select>
        </Field>
      </div>
      {error && <p className='itsm-problem' role='alert'>{error}</p>}
      <Dialog
        open={moving !== null}
        onClose={() => setMoving(null)}
        title={moving ? t(actionKey(ticket.status, moving)) : ''}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setMoving(null)}>{t('common.cancel')}</button>
          <button type='submit' form='itsm-move' className='mz-button mz-button--primary' disabled={busy}>{moving ? t(actionKey(ticket.status, moving)) : ''}</button>
        </>}
      >
        <form id='itsm-move' className='mz-stack' onSubmit={e => { void move(e) }} noValidate>
          {moving && <p>{t(`moveHint.${moving}`)}</p>}
          <Field label={moving === 'pending' ? t('pendingReason') : t('moveNote')} error={reasonError} hint={moving === 'pending' ? t('pendingReasonHint') : undefined} required={moving === 'pending'}>
            <input name='reason' list={moving === 'pending' ? 'itsm-pending-reasons' : undefined} value={reason} maxLength={500} data-autofocus onChange={e => { setReason(e.target.value); setReasonError(null) }} />
          </Field>
          <datalist id='itsm-pending-reasons'>
            {['customer', 'vendor', 'change', 'parts'].map(k => <option key={k} value={t(`pendingPreset.${k}`)} />)}
          </datalist>
          {error && <p className='itsm-problem' role='alert'>{error}</p>}
        </form>
      </Dialog>
    </section>
  )
}

/** Every recorded move of the ticket: from, to, who, when and why. */
export function History ({ ticketId, version }: { ticketId: string, version: number }) {
  const t = useT(ticketMessages)
  const fmt = useFormat()
  const data = useApiData<{ items: Transition[] }>(`/api/v1/itsm/tickets/${encodeURIComponent(ticketId)}/transitions`)
  const { reload } = data
  const [seen, setSeen] = useState(version)
  if (seen !== version) { setSeen(version); reload() }
  const items = data.data?.items ?? []
  return (
    <section className='mz-card' aria-labelledby='itsm-history'>
      <details>
        <summary><h2 id='itsm-history' className='mz-card__title itsm-inline'>{t('history', { n: items.length })}</h2></summary>
        <ol className='itsm-history'>
          {items.map((h, i) => (
            <li key={i}>
              <span>{h.from ? t('moved', { from: t(`status.${h.from}`), to: t(`status.${h.to}`) }) : t('created')}</span>
              {h.reason && <span className='itsm-small'> – {h.reason}</span>}
              <div className='mz-muted itsm-small'>{h.actorName ?? h.actorId} · <time dateTime={h.at}>{fmt.dateTime(h.at)}</time></div>
            </li>
          ))}
        </ol>
      </details>
    </section>
  )
}
