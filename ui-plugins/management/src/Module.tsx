import { DelayedSpinner, EmptyState, Link, NavLink, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { Suspense } from 'react'
import { messages } from './messages.ts'
import { TenantList } from './TenantList.tsx'
import { TenantPage } from './TenantPage.tsx'
import { Plans } from './Plans.tsx'
import './management.css'

/**
 * Management, mounted by the shell of the management deployment on /m/management/*: tenants
 * (/), one tenant (/tenants/:id) and the plan editor (/plans).
 */
export default function ManagementModule ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return (
    <div className='mgmt'>
      <nav aria-label={t('sections')} className='mz-row mgmt-nav'>
        <NavLink to={basePath} end className='mz-button mz-button--ghost'>{t('tenants')}</NavLink>
        <NavLink to={`${basePath}/plans`} className='mz-button mz-button--ghost'>{t('plans')}</NavLink>
      </nav>
      <Suspense fallback={<DelayedSpinner />}>
        <Routes
          base={basePath}
          routes={[
            { path: '/', render: () => <TenantList basePath={basePath} /> },
            { path: '/plans', render: () => <Plans /> },
            { path: '/tenants/:id', render: p => <TenantPage basePath={basePath} id={p.id ?? ''} /> }
          ]}
          fallback={<EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('back')}</Link>} />}
        />
      </Suspense>
    </div>
  )
}
