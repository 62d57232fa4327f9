import { NavLink, joinPath, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** The module's sections; import is shown only to those who may import. */
export function SectionNav ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const write = useHasPermission('cmdb.write')
  return (
    <nav className='cmdb-tabs' aria-label={t('sections')}>
      <NavLink to={basePath} end>{t('cisTitle')}</NavLink>
      <NavLink to={joinPath(basePath, '/review')}>{t('reviewTitle')}</NavLink>
      {write && <NavLink to={joinPath(basePath, '/import')}>{t('importTitle')}</NavLink>}
      <NavLink to={joinPath(basePath, '/types')}>{t('typesTitle')}</NavLink>
    </nav>
  )
}
