import { Link, joinPath, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { assetPath } from './AssetPage.tsx'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { LiveBadge, SectionNav, SeverityBadge } from './shared.tsx'
import { assetName, type Finding } from './types.ts'

/** Accepted risks: who accepted each, why, and until when (they reopen at expiry). */
export function Acceptances ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const list = useCursorList<Finding>('/api/v1/security/findings', { state: 'risk_accepted', limit: 100 })
  const status = useLive(e => { if (e.event === 'findings.changed') list.reload() })
  useCatchUp(status, list.reload)
  const columns: Array<Column<Finding>> = [
    { key: 'vulnerabilityId', header: t('vulnerability'), render: f => <Link to={joinPath(basePath, `/findings/${f.id}`)}>{f.vulnerabilityId}</Link> },
    { key: 'severity', header: t('severity'), render: f => <SeverityBadge severity={f.severity} /> },
    { key: 'asset', header: t('asset'), render: f => <Link to={assetPath(basePath, f.assetKey)}>{assetName(f)}</Link> },
    { key: 'package', header: t('package'), render: f => `${f.package} ${f.version}` },
    { key: 'stateBy', header: t('acceptedBy'), render: f => f.stateBy ?? '—' },
    { key: 'stateReason', header: t('reason'), render: f => f.stateReason ?? '' },
    { key: 'acceptedUntil', header: t('expires'), render: f => (f.acceptedUntil ? fmt.day(f.acceptedUntil) : '—') }
  ]
  return (
    <div className='sec-page'>
      <h1>{t('acceptances')} <LiveBadge status={status} /></h1>
      <SectionNav basePath={basePath} />
      <p>{t('acceptancesIntro')}</p>
      <CursorTable list={list} columns={columns} rowKey={f => f.id} caption={t('acceptances')} empty={t('noAcceptances')} />
    </div>
  )
}
