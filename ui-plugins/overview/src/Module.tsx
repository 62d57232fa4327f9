import { EmptyState, Link, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { Dashboard } from './Dashboard.tsx'
import { messages } from './messages.ts'
import './overview.css'

/** The Overview module: mounted by the shell on /m/overview/* (basePath = '/m/overview'). */
export default function OverviewModule ({ basePath }: ModuleProps) {
  return <Routes base={basePath} routes={[{ path: '/', render: () => <Dashboard /> }]} fallback={<NotFound basePath={basePath} />} />
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('back')}</Link>} />
}
