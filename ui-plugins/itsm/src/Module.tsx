import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { AgentsProvider } from './agents.tsx'
import { GroupsProvider } from './groups.tsx'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import { Queue } from './Queue.tsx'
import './itsm.css'

// The queue (agents) or the portal (requesters) is what most visits start with; the rest loads when first opened.
const Portal = lazy(() => import('./Portal.tsx').then(m => ({ default: m.Portal })))
const TicketPage = lazy(() => import('./ticket/TicketPage.tsx').then(m => ({ default: m.TicketPage })))
const NewTicket = lazy(() => import('./NewTicket.tsx').then(m => ({ default: m.NewTicket })))
const Admin = lazy(() => import('./admin/Admin.tsx').then(m => ({ default: m.Admin })))
const Reports = lazy(() => import('./reports/Reports.tsx').then(m => ({ default: m.Reports })))

/**
 * The service desk, mounted by the shell on /m/itsm/*: the agents' queue (/) or, for requesters,
 * their own tickets (/ and /portal); a ticket (/tickets/:id); a new ticket (/new); reports
 * (/reports); the admin pages (/admin/:section).
 */
export default function ItsmModule ({ basePath }: ModuleProps) {
  const agent = useHasPermission('itsm.agent')
  return (
    <LiveProvider>
      <GroupsProvider>
        <AgentsProvider>
          <Suspense fallback={<DelayedSpinner />}>
            <Routes
              base={basePath}
              routes={[
                { path: '/', render: () => agent ? <Queue basePath={basePath} /> : <Portal basePath={basePath} /> },
                { path: '/portal', render: () => <Portal basePath={basePath} /> },
                { path: '/new', render: () => <NewTicket basePath={basePath} /> },
                { path: '/tickets/:id', render: p => <TicketPage basePath={basePath} id={p.id ?? ''} /> },
                { path: '/reports', render: () => <Reports basePath={basePath} /> },
                { path: '/admin', render: () => <Admin basePath={basePath} section='sla' /> },
                { path: '/admin/:section', render: p => <Admin basePath={basePath} section={p.section ?? 'sla'} /> }
              ]}
              fallback={<NotFound basePath={basePath} />}
            />
          </Suspense>
        </AgentsProvider>
      </GroupsProvider>
    </LiveProvider>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
}
