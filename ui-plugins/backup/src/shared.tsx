import { NavLink, joinPath, useT } from '@monozu/ui-sdk'
import { StatusBadge } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

const TONES = { protected: 'success', untested: 'info', at_risk: 'warning', unprotected: 'danger' } as const

export function ProtectionBadge ({ status }: { status: keyof typeof TONES }) {
  const t = useT(messages)
  return <StatusBadge status={status} label={t(`status.${status}`)} tone={TONES[status]} />
}

export function RunBadge ({ state }: { state: string }) {
  const t = useT(messages)
  const tone = state === 'succeeded' ? 'success' : state === 'warning' ? 'warning' : state === 'failed' ? 'danger' : 'info'
  return <StatusBadge status={state} label={t(`state.${state}`)} tone={tone} />
}

export function SectionNav ({ basePath }: { basePath: string }) {
  const t = useT(messages)
  return (
    <nav aria-label={t('sections')} className='bak-sections'>
      <NavLink to={basePath} end>{t('overview')}</NavLink>
      <NavLink to={joinPath(basePath, '/jobs')}>{t('jobs')}</NavLink>
      <NavLink to={joinPath(basePath, '/repositories')}>{t('repositories')}</NavLink>
    </nav>
  )
}

export function bytes (n: number | null | undefined): string {
  if (n == null) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`
}

export function duration (ms: number | null | undefined): string {
  if (ms == null) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.round(s / 60)
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`
}
