import { NavLink, joinPath, useT, type ChannelStatus, type ModuleProps } from '@monozu/ui-sdk'
import { StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

const sevTones: Record<string, Tone> = { critical: 'danger', high: 'danger', medium: 'warning', low: 'info', info: 'neutral', none: 'neutral', unknown: 'neutral' }
const stateTones: Record<string, Tone> = { open: 'danger', acknowledged: 'warning', resolved: 'success', suppressed: 'neutral', fixed: 'success', risk_accepted: 'warning', false_positive: 'neutral', withdrawn: 'neutral' }

export function SeverityBadge ({ severity }: { severity: string }) {
  const t = useT(messages)
  return <StatusBadge status={severity} tone={sevTones[severity] ?? 'neutral'} label={t.has(`sev.${severity}`) ? t(`sev.${severity}`) : severity} />
}

export function StateBadge ({ state }: { state: string }) {
  const t = useT(messages)
  return <StatusBadge status={state} tone={stateTones[state] ?? 'neutral'} label={t.has(`state.${state}`) ? t(`state.${state}`) : state} />
}

export function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  return <span role='status' className='sec-live'><StatusBadge status={status} tone={status === 'open' ? 'success' : 'neutral'} label={t(`channel.${status}`)} /></span>
}

export function SectionNav ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return (
    <nav className='sec-tabs' aria-label={t('sections')}>
      <NavLink to={basePath} end>{t('dashboard')}</NavLink>
      <NavLink to={joinPath(basePath, '/findings')}>{t('findings')}</NavLink>
      <NavLink to={joinPath(basePath, '/alerts')}>{t('alerts')}</NavLink>
      <NavLink to={joinPath(basePath, '/acceptances')}>{t('acceptances')}</NavLink>
      <NavLink to={joinPath(basePath, '/suppressions')}>{t('suppressions')}</NavLink>
      <NavLink to={joinPath(basePath, '/feeds')}>{t('feeds')}</NavLink>
    </nav>
  )
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const
