import { useMemo } from 'react'
import { describeError, navigate, useApi, useFormat, useHasPermission, useLocation, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { LiveBadge, SectionNav, SeverityBadge, StateBadge } from './shared.tsx'
import type { Alert } from './types.ts'

const STATES = ['open', 'acknowledged', 'resolved', 'suppressed'] as const
const SEV = ['critical', 'high', 'medium', 'low', 'info'] as const

export function Alerts ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const triage = useHasPermission('security.triage')
  const { search } = useLocation()
  const params = useMemo(() => new URLSearchParams(search), [search])
  const state = params.get('state') ?? ''
  const severity = params.get('severity') ?? ''
  const list = useCursorList<Alert>('/api/v1/security/alerts', { state, severity, limit: 50 })
  const status = useLive(e => { if (e.event === 'alerts.changed') list.reload() })
  useCatchUp(status, list.reload)
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search)
    if (value) next.set(key, value); else next.delete(key)
    navigate(`${basePath}/alerts${next.size ? `?${next}` : ''}`, { replace: true })
  }
  const act = async (a: Alert, action: 'acknowledge' | 'resolve') => {
    try { await api.post(`/api/v1/security/alerts/${a.id}/${action}`, {}); list.reload() } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) }
  }
  const columns: Array<Column<Alert>> = [
    { key: 'severity', header: t('severity'), render: a => <SeverityBadge severity={a.severity} /> },
    { key: 'title', header: t('title') },
    { key: 'ruleId', header: t('rule') },
    { key: 'source', header: t('source') },
    { key: 'count', header: t('count'), align: 'end' },
    { key: 'lastSeen', header: t('lastSeen'), render: a => fmt.dateTime(a.lastSeen) },
    { key: 'state', header: t('state'), render: a => <StateBadge state={a.state} /> },
    ...(triage ? [{ key: 'actions', header: '', sortable: false, render: (a: Alert) => (
      <span className='sec-actions'>
        {a.state === 'open' && <button type='button' className='mz-button' onClick={() => { void act(a, 'acknowledge') }}>{t('acknowledge')}</button>}
        {a.state !== 'resolved' && <button type='button' className='mz-button' onClick={() => { void act(a, 'resolve') }}>{t('resolve')}</button>}
      </span>) }] : [])
  ]
  return (
    <div className='sec-page'>
      <h1>{t('alerts')} <LiveBadge status={status} /></h1>
      <SectionNav basePath={basePath} />
      <div className='sec-filters'>
        <SelectFilter label={t('state')} value={state} onChange={v => set('state', v)} anyLabel={t('anyState')} options={STATES} optionLabel={v => t(`state.${v}`)} />
        <SelectFilter label={t('severity')} value={severity} onChange={v => set('severity', v)} anyLabel={t('anySeverity')} options={SEV} optionLabel={v => t(`sev.${v}`)} />
      </div>
      <CursorTable list={list} columns={columns} rowKey={a => a.id} caption={t('alerts')} empty={t('noAlerts')} />
    </div>
  )
}
