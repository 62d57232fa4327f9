import { EmptyState, Link, NavLink, joinPath, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { SectionNav } from '../SectionNav.tsx'
import { AlertRules } from './AlertRules.tsx'
import { Calendars } from './Calendars.tsx'
import { Groups } from './Groups.tsx'
import { adminMessages } from './messages.ts'
import { PriorityMatrix } from './PriorityMatrix.tsx'
import { Settings } from './Settings.tsx'
import { SlaPolicies } from './SlaPolicies.tsx'

export const SECTIONS = ['sla', 'calendars', 'groups', 'matrix', 'rules', 'settings'] as const

/** The service desk's settings (itsm.admin): SLA policies, calendars, groups, priority matrix, alert rules, email. */
export function Admin ({ basePath, section }: ModuleProps & { section: string }) {
  const t = useT(adminMessages)
  const admin = useHasPermission('itsm.admin')
  const base = joinPath(basePath, '/admin')
  if (!admin) return <EmptyState title={t('adminOnly')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
  const page = (SECTIONS as readonly string[]).includes(section) ? section : null
  return (
    <div className='mz-stack itsm'>
      <div className='mz-page-header'><h1>{t('adminTitle')}</h1></div>
      <SectionNav basePath={basePath} />
      <div className='itsm-admin'>
        <nav className='itsm-side-nav' aria-label={t('adminSections')}>
          <ul>
            {SECTIONS.map(s => <li key={s}><NavLink to={s === 'sla' ? base : joinPath(base, `/${s}`)} end>{t(`admin.${s}`)}</NavLink></li>)}
          </ul>
        </nav>
        <div className='mz-stack'>
          {page === 'sla' && <SlaPolicies />}
          {page === 'calendars' && <Calendars />}
          {page === 'groups' && <Groups />}
          {page === 'matrix' && <PriorityMatrix />}
          {page === 'rules' && <AlertRules />}
          {page === 'settings' && <Settings />}
          {!page && <EmptyState title={t('notFound')} />}
        </div>
      </div>
    </div>
  )
}
