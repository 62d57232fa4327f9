import { useState } from 'react'
import { EmptyState, Link, joinPath, navigate, useHasPermission, useMe, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { label, LiveBadge, TicketStatusBadge, When } from './display.tsx'
import { useDebounced, useLive, useRefreshOnFocus, useRequesterLive } from './live.tsx'
import { messages } from './messages.ts'
import { SectionNav } from './SectionNav.tsx'
import type { Ticket } from './types.ts'

/** The requester's portal: their own tickets, newest activity first; live. */
export function Portal ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const [status, setStatus] = useState('')
  const me = useMe()?.user.id
  // Requesters only ever get their own tickets; agents ask for theirs.
  const list = useCursorList<Ticket>(me ? '/api/v1/itsm/tickets' : null, { requesterId: me, sort: '-updated', status: status === 'active' ? 'new,open,pending' : status, limit: 50 })
  const refresh = useDebounced(list.reload)
  const live = useLive(e => { if (e.event === 'ticket.created' || e.event === 'ticket.changed' || e.event === 'message.created') refresh() })
  // The channel is for agents: a requester hears of their own tickets on their notifications socket,
  // and the list also reads again every 30 s and when the tab is shown again.
  const agent = useHasPermission('itsm.agent')
  const mine = useRequesterLive(!agent, refresh)
  useCatchUp(agent ? live : mine, list.reload)
  useRefreshOnFocus(list.reload)

  const open = (x: Ticket) => joinPath(basePath, `/tickets/${encodeURIComponent(x.id)}`)
  const columns: Column<Ticket>[] = [
    { key: 'number', header: t('number'), sortable: false, render: x => <Link to={open(x)} className='itsm-strong itsm-nowrap'>{x.number}</Link> },
    { key: 'title', header: t('field.title'), sortable: false, render: x => <span className='itsm-title-cell'>{x.title}</span> },
    { key: 'type', header: t('field.type'), sortable: false, render: x => label(t, 'type', x.type) },
    { key: 'status', header: t('field.status'), sortable: false, render: x => <TicketStatusBadge status={x.status} /> },
    { key: 'updatedAt', header: t('lastActivity'), sortable: false, render: x => <span className='itsm-nowrap'><When at={x.updatedAt} /></span> }
  ]
  return (
    <div className='mz-stack itsm'>
      <div className='mz-page-header'>
        <div className='mz-row'>
          <h1>{t('portalTitle')}</h1>
          <LiveBadge status={agent ? live : mine} />
        </div>
        <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/new')}>{t('newRequest')}</Link>
      </div>
      <SectionNav basePath={basePath} />
      <p className='itsm-intro'>{t('portalIntro')}</p>
      <div className='itsm-filters'>
        <SelectFilter id='itsm-portal-status' label={t('field.status')} anyLabel={t('anyStatus')} options={['active', 'resolved', 'closed'] as const} optionLabel={s => t(`status.${s}`)} value={status} onChange={setStatus} />
      </div>
      <CursorTable list={list} caption={t('portalTitle')} columns={columns} rowKey={x => x.id} onRowClick={x => navigate(open(x))}
        empty={<EmptyState title={t('noOwnTickets')} action={<Link className='mz-button mz-button--primary' to={joinPath(basePath, '/new')}>{t('newRequest')}</Link>}>{t('noOwnTicketsHint')}</EmptyState>}
      />
    </div>
  )
}
