import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { Dashboard } from './Dashboard.tsx'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import './security.css'

const Alerts = lazy(() => import('./Alerts.tsx').then(m => ({ default: m.Alerts })))
const Findings = lazy(() => import('./Findings.tsx').then(m => ({ default: m.Findings })))
const FindingPage = lazy(() => import('./FindingPage.tsx').then(m => ({ default: m.FindingPage })))
const Feeds = lazy(() => import('./Feeds.tsx').then(m => ({ default: m.Feeds })))
const AssetPage = lazy(() => import('./AssetPage.tsx').then(m => ({ default: m.AssetPage })))
const Acceptances = lazy(() => import('./Acceptances.tsx').then(m => ({ default: m.Acceptances })))
const Suppressions = lazy(() => import('./Suppressions.tsx').then(m => ({ default: m.Suppressions })))

/**
 * Security, mounted by the shell on /m/security/*: the overview (/), findings (/findings, one at
 * /findings/:id with its explanation), one asset's findings and software (/assets/:assetKey), live
 * alerts (/alerts), risk acceptances (/acceptances), suppression rules (/suppressions) and feed
 * status (/feeds).
 */
export default function SecurityModule ({ basePath }: ModuleProps) {
  return (
    <LiveProvider>
      <Suspense fallback={<DelayedSpinner />}>
        <Routes
          base={basePath}
          routes={[
            { path: '/', render: () => <Dashboard basePath={basePath} /> },
            { path: '/findings', render: () => <Findings basePath={basePath} /> },
            { path: '/findings/:id', render: p => <FindingPage basePath={basePath} id={p.id ?? ''} /> },
            { path: '/assets/:assetKey', render: p => <AssetPage basePath={basePath} assetKey={p.assetKey ?? ''} /> },
            { path: '/acceptances', render: () => <Acceptances basePath={basePath} /> },
            { path: '/alerts', render: () => <Alerts basePath={basePath} /> },
            { path: '/suppressions', render: () => <Suppressions basePath={basePath} /> },
            { path: '/feeds', render: () => <Feeds basePath={basePath} /> }
          ]}
          fallback={<NotFound basePath={basePath} />}
        />
      </Suspense>
    </LiveProvider>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('back')}</Link>} />
}
