import { NavLink, joinPath, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** Devices / Enrollment tokens: the second one only for admins, who are the only ones it serves. */
export function SectionNav ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const admin = useHasPermission('devices.admin')
  if (!admin) return null
  return (
    <nav className='devices-tabs' aria-label={t('sections')}>
      <NavLink to={basePath} end>{t('devicesTitle')}</NavLink>
      <NavLink to={joinPath(basePath, '/enrollment')}>{t('tokensTitle')}</NavLink>
    </nav>
  )
}
