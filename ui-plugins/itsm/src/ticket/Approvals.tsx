import { useState } from 'react'
import { ApiError, describeError, useApi, useFormat, useT } from '@monozu/ui-sdk'
import { Field, StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import type { Approval, Ticket } from '../types.ts'
import { ticketMessages } from './messages.ts'

const tones: Record<string, Tone> = { pending: 'warning', approved: 'success', rejected: 'danger', none: 'neutral' }

/**
 * A change's approval: its state, the approvers' decisions once known, and the current user's own
 * decision with a comment while it is pending. Work on the change (open, pending, resolve) waits
 * for approval; the server refuses it before.
 */
export function Approvals ({ ticket, onDecided }: { ticket: Ticket & { approvals?: Approval[] }, onDecided: () => void }) {
  const t = useT(ticketMessages)
  const api = useApi()
  const fmt = useFormat()
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [decisions, setDecisions] = useState<Approval[] | null>(ticket.approvals ?? null)
  const state = ticket.approval ?? 'none'

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true); setError(null)
    try {
      const res = await api.post<{ approval: string, approvals: Approval[] }>(`/api/v1/itsm/tickets/${encodeURIComponent(ticket.id)}/approvals`, { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) })
      setDecisions(res.approvals)
      setComment('')
      onDecided()
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'forbidden' ? t('notApprover') : describeError(err, t).message)
    } finally { setBusy(false) }
  }

  return (
    <section className='mz-card mz-stack' aria-labelledby='itsm-approvals'>
      <h2 id='itsm-approvals' className='mz-card__title'>{t('approvalsTitle')}</h2>
      <p><StatusBadge status={state} tone={tones[state] ?? 'neutral'} label={t(`approval.${state}`)} /></p>
      <p className='itsm-small'>{t(`approvalHint.${state}`)}</p>
      {decisions && decisions.length > 0 && (
        <ul className='itsm-links'>
          {decisions.map(a => (
            <li key={a.approverId}>
              <span>{a.approverName ?? <code>{a.approverId.slice(0, 8)}</code>}</span>
              <StatusBadge status={a.state} tone={tones[a.state] ?? 'neutral'} label={t(`approval.${a.state}`)} />
              {a.decidedAt && <span className='mz-muted itsm-small'>{fmt.dateTime(a.decidedAt)}</span>}
              {a.comment && <span className='itsm-small'>“{a.comment}”</span>}
            </li>
          ))}
        </ul>
      )}
      {state === 'pending' && (
        <div className='mz-stack'>
          <Field label={t('approvalComment')}>
            <input className='mz-input' value={comment} maxLength={500} onChange={e => setComment(e.target.value)} />
          </Field>
          <div className='mz-row'>
            <button type='button' className='mz-button mz-button--primary' disabled={busy} onClick={() => { void decide('approve') }}>{t('approve')}</button>
            <button type='button' className='mz-button' disabled={busy} onClick={() => { void decide('reject') }}>{t('reject')}</button>
          </div>
        </div>
      )}
      {error && <p className='itsm-problem' role='alert'>{error}</p>}
    </section>
  )
}
