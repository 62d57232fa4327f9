import { useCallback, useEffect, useRef, useState } from 'react'
import { ErrorState, Link, Spinner, describeError, joinPath, useApi, useApiData, useHasPermission, useMe, useT, type ModuleProps } from '@monozu/ui-sdk'
import { useCatchUp } from '@monozu/ui-sdk/components'
import { label, LiveBadge, PriorityBadge, TicketStatusBadge, When } from '../display.tsx'
import { useLive, useRefreshOnFocus, useRequesterLive } from '../live.tsx'
import type { Attachment, Message, Ticket } from '../types.ts'
import { Approvals } from './Approvals.tsx'
import { Conversation } from './Conversation.tsx'
import { LinksPanel } from './LinksPanel.tsx'
import { ticketMessages } from './messages.ts'
import { SlaPanel } from './SlaPanel.tsx'
import { History, usePatch, Workflow } from './Workflow.tsx'

/** How often a requester's page reads again besides their live notifications (a missed one, turned-off in-app notifications). */
const REQUESTER_POLL_MS = 30_000

/**
 * One ticket. Agents: the conversation with public replies and internal notes, the workflow,
 * assignment, the SLA clocks and their explanations, links and CMDB impact, approvals of a change,
 * and who else is looking at it. Requesters: their ticket's public conversation, replies, and
 * reopening or closing once it is resolved.
 */
export function TicketPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(ticketMessages)
  const agent = useHasPermission('itsm.agent')
  const path = `/api/v1/itsm/tickets/${encodeURIComponent(id)}`
  const ticket = useApiData<Ticket>(path)
  const conversation = useApiData<{ items: Message[] }>(`${path}/messages`)
  const files = useApiData<{ items: Attachment[] }>(`${path}/attachments`)
  const reloadAll = useCallback(() => { ticket.reload(); conversation.reload(); files.reload() }, [ticket.reload, conversation.reload, files.reload])
  const [viewers, setViewers] = useState<Record<string, { name: string, until: number }>>({})
  const me = useMe()?.user.id

  const status = useLive(e => {
    if (e.event === 'ticket.changed' && e.data.id === id) ticket.reload()
    if (e.event === 'message.created' && e.data.ticketId === id) { conversation.reload(); files.reload(); ticket.reload() }
    if (e.event === 'presence' && e.data.ticketId === id && e.data.userId !== me) {
      const { userId, name, leaving, ttlSeconds } = e.data
      setViewers(v => {
        const next = { ...v }
        if (leaving) delete next[userId]
        else next[userId] = { name: name || userId.slice(0, 8), until: Date.now() + (ttlSeconds ?? 45) * 1000 }
        return next
      })
    }
  })
  const requesterStatus = useRequesterLive(!agent, ticketId => { if (ticketId === id) reloadAll() })
  useCatchUp(agent ? status : requesterStatus, reloadAll, agent ? 30_000 : REQUESTER_POLL_MS)
  useRefreshOnFocus(reloadAll)
  usePresence(agent ? path : null, setViewers)

  if (ticket.error && !ticket.data) {
    return (
      <div className='mz-stack itsm'>
        <Link className='itsm-back' to={agent ? basePath : joinPath(basePath, '/portal')}>{t(agent ? 'backToList' : 'backToPortal')}</Link>
        <ErrorState error={ticket.error} title={t('ticketUnavailable')} onRetry={ticket.reload} />
      </div>
    )
  }
  const x = ticket.data
  if (!x) return <Spinner />
  const names = Object.values(viewers).map(v => v.name)

  return (
    <div className='mz-stack itsm' data-ticket={x.number}>
      <Link className='itsm-back' to={agent ? basePath : joinPath(basePath, '/portal')}>{t(agent ? 'backToList' : 'backToPortal')}</Link>
      <div className='mz-page-header'>
        <div className='itsm-ticket-head'>
          <p className='itsm-ticket-number'>{x.number} · {label(t, 'type', x.type)}</p>
          <h1>{x.title}</h1>
          <div className='mz-row itsm-ticket-badges'>
            <TicketStatusBadge status={x.status} />
            {agent && <PriorityBadge priority={x.priority} />}
            {x.status === 'pending' && x.pendingReason && <span className='itsm-small'>{t('pendingBecause', { reason: x.pendingReason })}</span>}
          </div>
        </div>
        <LiveBadge status={agent ? status : requesterStatus} />
      </div>
      {agent && names.length > 0 && <p className='itsm-note' role='status'>{t('alsoViewing', { names: names.join(', ') })}</p>}
      <div className={agent ? 'itsm-columns' : 'itsm-columns itsm-columns--portal'}>
        <div className='mz-stack'>
          <Conversation ticket={x} messages={conversation} attachments={files} onChanged={reloadAll} />
        </div>
        <aside className='mz-stack' aria-label={t('ticketDetails')}>
          {agent
            ? (
              <>
                <Workflow ticket={x} onSaved={next => ticket.setData(next)} />
                {x.type === 'change' && <Approvals ticket={x} onDecided={ticket.reload} />}
                <SlaPanel ticket={x} />
                <LinksPanel ticket={x} onSaved={next => ticket.setData(next)} />
                <History ticketId={x.id} version={x.version} />
              </>
              )
            : <RequesterDetails ticket={x} onSaved={next => ticket.setData(next)} />}
        </aside>
      </div>
    </div>
  )
}

/** A requester's view of their ticket's state, with reopen and close once it is resolved. */
function RequesterDetails ({ ticket, onSaved }: { ticket: Ticket, onSaved: (t: Ticket) => void }) {
  const t = useT(ticketMessages)
  const patch = usePatch(ticket, onSaved)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const change = async (status: 'open' | 'closed') => {
    setBusy(true); setError(null)
    try {
      await patch({ status })
    } catch (err) { setError(describeError(err, t).message) } finally { setBusy(false) }
  }
  return (
    <section className='mz-card' aria-labelledby='itsm-req-details'>
      <h2 id='itsm-req-details' className='mz-card__title'>{t('ticketDetails')}</h2>
      <dl className='itsm-dl'>
        <div><dt>{t('field.status')}</dt><dd><TicketStatusBadge status={ticket.status} /></dd></div>
        <div><dt>{t('opened')}</dt><dd><When at={ticket.createdAt} /></dd></div>
        <div><dt>{t('lastActivity')}</dt><dd><When at={ticket.updatedAt} /></dd></div>
        {ticket.category && <div><dt>{t('field.category')}</dt><dd>{ticket.category}</dd></div>}
      </dl>
      {ticket.status === 'resolved' && (
        <div className='mz-stack'>
          <p className='itsm-small'>{t('resolvedAsk')}</p>
          <div className='mz-row'>
            <button type='button' className='mz-button mz-button--primary' disabled={busy} onClick={() => { void change('closed') }}>{t('confirmClose')}</button>
            <button type='button' className='mz-button' disabled={busy} onClick={() => { void change('open') }}>{t('reopen')}</button>
          </div>
        </div>
      )}
      {error && <p className='itsm-problem' role='alert'>{error}</p>}
    </section>
  )
}

/** Tells other agents this one is looking at the ticket: a heartbeat every 20 s, and "leaving" on the way out. */
function usePresence (path: string | null, setViewers: (update: (v: Record<string, { name: string, until: number }>) => Record<string, { name: string, until: number }>) => void): void {
  const api = useApi()
  const latest = useRef(setViewers)
  latest.current = setViewers
  useEffect(() => {
    if (!path) return
    const beat = (leaving = false) => { api.post(`${path}/presence`, leaving ? { leaving: true } : {}).catch(() => { /* presence is best effort */ }) }
    beat()
    const timer = setInterval(() => {
      beat()
      // Forget viewers whose heartbeat stopped (closed tab, lost network).
      latest.current(v => Object.fromEntries(Object.entries(v).filter(([, x]) => x.until > Date.now())))
    }, 20_000)
    return () => { clearInterval(timer); beat(true) }
  }, [api, path])
}
