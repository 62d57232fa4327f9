import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, joinPath, useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import { TenantList } from './TenantList.tsx'
import './admin.css'

// Tenants are where an operator starts; the other screens load when first opened.
const TenantPage = lazy(() => import('./TenantPage.tsx').then(m => ({ default: m.TenantPage })))
const Jobs = lazy(() => import('./Jobs.tsx').then(m => ({ default: m.Jobs })))
const Audit = lazy(() => import('./Audit.tsx').then(m => ({ default: m.Audit })))
const Plugins = lazy(() => import('./Plugins.tsx').then(m => ({ default: m.Plugins })))
const DeadEvents = lazy(() => import('./DeadEvents.tsx').then(m => ({ default: m.DeadEvents })))

/**
 * The operator console, mounted by the shell on /m/admin/* for platform operators when the kernel
 * runs with ADMIN_PANEL_ENABLED=true: tenants (/, /tenants, /tenants/:id), jobs, audit, plugins, dead events.
 */
export default function AdminModule ({ basePath }: ModuleProps) {
  return (
    <Suspense fallback={<DelayedSpinner />}>
      <Routes
        base={basePath}
        routes={[
          { path: '/', render: () => <TenantList basePath={basePath} /> },
          { path: '/tenants', render: () => <TenantList basePath={basePath} /> },
          { path: '/tenants/:id', render: p => <TenantPage basePath={basePath} id={p.id ?? ''} /> },
          { path: '/jobs', render: () => <Jobs basePath={basePath} /> },
          { path: '/audit', render: () => <Audit basePath={basePath} /> },
          { path: '/plugins', render: () => <Plugins /> },
          { path: '/events', render: () => <DeadEvents basePath={basePath} /> }
        ]}
        fallback={<NotFound basePath={basePath} />}
      />
    </Suspense>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={joinPath(basePath, '/tenants')}>{t('backToTenants')}</Link>} />
}
