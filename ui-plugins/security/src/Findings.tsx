import { useMemo } from 'react'
import { Link, joinPath, navigate, useFormat, useLocation, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, SelectFilter, TextFilter, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { assetPath } from './AssetPage.tsx'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { LiveBadge, SectionNav, SEVERITIES, SeverityBadge, StateBadge } from './shared.tsx'
import { assetName, type Finding } from './types.ts'

const STATES = ['open', 'fixed', 'risk_accepted', 'false_positive', 'withdrawn'] as const

export function Findings ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const { search } = useLocation()
  const params = useMemo(() => new URLSearchParams(search), [search])
  const filters = { state: params.get('state') ?? '', severity: params.get('severity') ?? '', vulnerabilityId: params.get('vulnerabilityId') ?? '', kev: params.get('kev') ?? '', assetKey: params.get('assetKey') ?? '', deviceId: params.get('deviceId') ?? '' }
  const list = useCursorList<Finding>('/api/v1/security/findings', { ...filters, limit: 50 })
  const status = useLive(e => { if (e.event === 'findings.changed') list.reload() })
  useCatchUp(status, list.reload)
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search)
    if (value) next.set(key, value); else next.delete(key)
    navigate(`${basePath}/findings${next.size ? `?${next}` : ''}`, { replace: true })
  }
  const columns: Array<Column<Finding>> = [
    { key: 'riskScore', header: t('risk'), align: 'end', render: f => fmt.number(f.riskScore) },
    { key: 'severity', header: t('severity'), render: f => <SeverityBadge severity={f.severity} /> },
    { key: 'vulnerabilityId', header: t('vulnerability'), render: f => <Link to={joinPath(basePath, `/findings/${f.id}`)}>{f.vulnerabilityId}{f.aliases[0] ? ` (${f.aliases[0]})` : ''}</Link> },
    { key: 'kev', header: t('kev'), render: f => (f.kev ? <span className='mz-badge mz-badge--danger'>{t('kev')}</span> : '') },
    { key: 'asset', header: t('asset'), render: f => <Link to={assetPath(basePath, f.assetKey)}>{assetName(f)}</Link> },
    { key: 'package', header: t('package'), render: f => `${f.package} ${f.version}` },
    { key: 'sentence', header: t('whyTitle'), render: f => <code>{f.sentence}</code> },
    { key: 'dueAt', header: t('due'), render: f => (f.dueAt ? <span className={f.overdue ? 'sec-overdue' : ''}>{fmt.day(f.dueAt)}</span> : '') },
    { key: 'state', header: t('state'), render: f => <StateBadge state={f.state} /> }
  ]
  return (
    <div className='sec-page'>
      <h1>{t('findings')} <LiveBadge status={status} /></h1>
      <SectionNav basePath={basePath} />
      <div className='sec-filters'>
        <SelectFilter label={t('state')} value={filters.state} onChange={v => set('state', v)} anyLabel={t('anyState')} options={STATES} optionLabel={v => t(`state.${v}`)} />
        <SelectFilter label={t('severity')} value={filters.severity} onChange={v => set('severity', v)} anyLabel={t('anySeverity')} options={SEVERITIES} optionLabel={v => t(`sev.${v}`)} />
        <TextFilter label={t('vulnFilter')} value={filters.vulnerabilityId} onChange={v => set('vulnerabilityId', v.trim())} />
        <label className='sec-check'><input type='checkbox' checked={filters.kev === 'true'} onChange={e => set('kev', e.target.checked ? 'true' : '')} /> {t('onlyKev')}</label>
      </div>
      <CursorTable list={list} columns={columns} rowKey={f => f.id} caption={t('findings')} empty={t('noFindings')} />
    </div>
  )
}
