import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { DeviceList } from './DeviceList.tsx'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import './devices.css'

// The list is what most visits start with; a device and the tokens load when first opened.
const DevicePage = lazy(() => import('./DevicePage.tsx').then(m => ({ default: m.DevicePage })))
const EnrollmentTokens = lazy(() => import('./EnrollmentTokens.tsx').then(m => ({ default: m.EnrollmentTokens })))

/**
 * The Devices module, mounted by the shell on /m/devices/*: the list (/), enrollment tokens
 * (/enrollment) and one device (/:id, /:id/commands, /:id/activity).
 */
export default function DevicesModule ({ basePath }: ModuleProps) {
  return (
    <LiveProvider>
      <Suspense fallback={<DelayedSpinner />}>
        <Routes
          base={basePath}
          routes={[
            { path: '/', render: () => <DeviceList basePath={basePath} /> },
            { path: '/enrollment', render: () => <EnrollmentTokens basePath={basePath} /> },
            { path: '/:id', render: p => <DevicePage basePath={basePath} id={p.id ?? ''} tab='overview' /> },
            { path: '/:id/commands', render: p => <DevicePage basePath={basePath} id={p.id ?? ''} tab='commands' /> },
            { path: '/:id/activity', render: p => <DevicePage basePath={basePath} id={p.id ?? ''} tab='activity' /> }
          ]}
          fallback={<NotFound basePath={basePath} />}
        />
      </Suspense>
    </LiveProvider>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
}
