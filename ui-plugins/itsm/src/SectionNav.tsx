import { NavLink, joinPath, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** The module's sections: the queue and reports for agents, own tickets for everyone, admin for admins. */
export function SectionNav ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const agent = useHasPermission('itsm.agent')
  const admin = useHasPermission('itsm.admin')
  if (!agent && !admin) return null
  return (
    <nav className='itsm-tabs' aria-label={t('sections')}>
      {agent && <NavLink to={basePath} end>{t('queueTitle')}</NavLink>}
      <NavLink to={joinPath(basePath, '/portal')}>{t('portalTitle')}</NavLink>
      {agent && <NavLink to={joinPath(basePath, '/reports')}>{t('reportsTitle')}</NavLink>}
      {admin && <NavLink to={joinPath(basePath, '/admin')}>{t('adminTitle')}</NavLink>}
    </nav>
  )
}
