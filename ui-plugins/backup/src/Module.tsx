import { Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { JobPage } from './JobPage.tsx'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import { DevicePage, JobsList, Overview } from './Overview.tsx'
import { RepositoryList, RepositoryPage } from './Repositories.tsx'
import './backup.css'

/**
 * Backup, mounted by the shell on /m/backup/*: protection overview (/), a device (/devices/:id),
 * jobs (/jobs, /jobs/:id with runs, restore tests and the policy editor), repositories
 * (/repositories, /repositories/:id with usage chart and forecast). One socket on channel `backup`
 * for the whole module keeps the pages live (live.tsx).
 */
export default function BackupModule ({ basePath }: ModuleProps) {
  return (
    <LiveProvider>
    <Suspense fallback={<DelayedSpinner />}>
      <Routes
        base={basePath}
        routes={[
          { path: '/', render: () => <Overview basePath={basePath} /> },
          { path: '/devices/:id', render: p => <DevicePage basePath={basePath} deviceId={p.id ?? ''} /> },
          { path: '/jobs', render: () => <JobsList basePath={basePath} /> },
          { path: '/jobs/:id', render: p => <JobPage basePath={basePath} id={p.id ?? ''} /> },
          { path: '/repositories', render: () => <RepositoryList basePath={basePath} /> },
          { path: '/repositories/:id', render: p => <RepositoryPage basePath={basePath} id={p.id ?? ''} /> }
        ]}
        fallback={<NotFound basePath={basePath} />}
      />
    </Suspense>
    </LiveProvider>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('backToOverview')}</Link>} />
}
