import { lazy, Suspense } from 'react'
import { DelayedSpinner, EmptyState, Link, Routes, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CatalogProvider } from './catalog.tsx'
import { CiList } from './CiList.tsx'
import { LiveProvider } from './live.tsx'
import { messages } from './messages.ts'
import './cmdb.css'

// The list is what most visits start with; everything else loads when first opened.
const CiPage = lazy(() => import('./ci/CiPage.tsx').then(m => ({ default: m.CiPage })))
const NewCi = lazy(() => import('./ci/NewCi.tsx').then(m => ({ default: m.NewCi })))
const ImportWizard = lazy(() => import('./import/ImportWizard.tsx').then(m => ({ default: m.ImportWizard })))
const ReviewQueue = lazy(() => import('./review/ReviewQueue.tsx').then(m => ({ default: m.ReviewQueue })))
const TypesPage = lazy(() => import('./types/TypesPage.tsx').then(m => ({ default: m.TypesPage })))

/**
 * The CMDB module, mounted by the shell on /m/cmdb/*: the CI list (/), a new CI (/new), one CI
 * (/ci/:id, with /relations, /impact, /history), the CSV import (/import), the review queue
 * (/review) and the types and their custom fields (/types).
 */
export default function CmdbModule ({ basePath }: ModuleProps) {
  const ci = (tab: 'fields' | 'relations' | 'impact' | 'history') => (p: Record<string, string>) => <CiPage basePath={basePath} id={p.id ?? ''} tab={tab} />
  return (
    <LiveProvider>
      <CatalogProvider>
        <Suspense fallback={<DelayedSpinner />}>
          <Routes
            base={basePath}
            routes={[
              { path: '/', render: () => <CiList basePath={basePath} /> },
              { path: '/new', render: () => <NewCi basePath={basePath} /> },
              { path: '/import', render: () => <ImportWizard basePath={basePath} /> },
              { path: '/review', render: () => <ReviewQueue basePath={basePath} /> },
              { path: '/types', render: () => <TypesPage basePath={basePath} /> },
              { path: '/types/:key', render: p => <TypesPage basePath={basePath} selected={p.key} /> },
              { path: '/ci/:id', render: ci('fields') },
              { path: '/ci/:id/relations', render: ci('relations') },
              { path: '/ci/:id/impact', render: ci('impact') },
              { path: '/ci/:id/history', render: ci('history') }
            ]}
            fallback={<NotFound basePath={basePath} />}
          />
        </Suspense>
      </CatalogProvider>
    </LiveProvider>
  )
}

function NotFound ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return <EmptyState title={t('notFound')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
}
