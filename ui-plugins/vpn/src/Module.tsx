import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, NavLink, Routes, joinPath, useT, type ModuleProps } from '@monozu/ui-sdk'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import { PeerList } from './PeerList.tsx'
import './vpn.css'

const PeerPage = lazy(() => import('./PeerPage.tsx').then(m => ({ default: m.PeerPage })))
const PoliciesPage = lazy(() => import('./PoliciesPage.tsx').then(m => ({ default: m.PoliciesPage })))
const SetupKeysPage = lazy(() => import('./SetupKeysPage.tsx').then(m => ({ default: m.SetupKeysPage })))
const TopologyPage = lazy(() => import('./TopologyPage.tsx').then(m => ({ default: m.TopologyPage })))
const AddDevice = lazy(() => import('./AddDevice.tsx').then(m => ({ default: m.AddDevice })))

/**
 * The VPN module on /m/vpn/*: peers with live status (/), one peer with its history and traffic
 * (/peers/:id), the topology with its table of who reaches whom (/topology), access policies with the reachability explainer (/policies), setup keys
 * (/setup-keys) and "add my device" (/add), which makes the key pair in the browser.
 */
export default function VpnModule ({ basePath }: ModuleProps) {
  return (
    <LiveProvider>
      <div className='mz-stack vpn'>
        <Sections basePath={basePath} />
        <Suspense fallback={<DelayedSpinner />}>
          <Routes
            base={basePath}
            routes={[
              { path: '/', render: () => <PeerList basePath={basePath} /> },
              { path: '/peers/:id', render: p => <PeerPage basePath={basePath} id={p.id ?? ''} /> },
              { path: '/topology', render: () => <TopologyPage basePath={basePath} /> },
              { path: '/policies', render: () => <PoliciesPage /> },
              { path: '/setup-keys', render: () => <SetupKeysPage /> },
              { path: '/add', render: () => <AddDevice basePath={basePath} /> }
            ]}
            fallback={<NotFound basePath={basePath} />}
          />
        </Suspense>
      </div>
    </LiveProvider>
  )
}

function Sections ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return (
    <nav aria-label={t('sections')} className='vpn-sections'>
      <NavLink to={basePath} end>{t('peers')}</NavLink>
      <NavLink to={joinPath(basePath, '/topology')}>{t('topology')}</NavLink>
      <NavLink to={joinPath(basePath, '/policies')}>{t('policies')}</NavLink>
      <NavLink to={joinPath(basePath, '/setup-keys')}>{t('setupKeys')}</NavLink>
      <NavLink to={joinPath(basePath, '/add')}>{t('addDevice')}</NavLink>
    </nav>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('noPeers')} action={<Link className='mz-button' to={basePath}>{t('backToPeers')}</Link>} />
}
