import { Link, joinPath, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { LiveBadge, SectionNav, SeverityBadge, StateBadge } from './shared.tsx'
import { assetName, type Finding, type InventoryItem } from './types.ts'

/** The asset's href inside the module: asset keys hold a colon (ci:<uuid>), so they are encoded. */
export const assetPath = (basePath: string, assetKey: string) => joinPath(basePath, `/assets/${encodeURIComponent(assetKey)}`)

/** One device or CI: every finding (any state) with the why, and the software it reported. */
export function AssetPage ({ basePath, assetKey }: ModuleProps & { assetKey: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const findings = useCursorList<Finding>('/api/v1/security/findings', { assetKey, limit: 100 })
  const software = useCursorList<InventoryItem>('/api/v1/security/inventory', { assetKey, limit: 100 })
  const status = useLive(e => { if (e.event === 'findings.changed') { findings.reload(); software.reload() } })
  useCatchUp(status, findings.reload)
  const first = findings.items[0] ?? software.items[0]
  const name = first ? assetName({ ciName: first.ciName, assetKey }) : assetName({ ciName: null, assetKey })
  const findingColumns: Array<Column<Finding>> = [
    { key: 'severity', header: t('severity'), render: f => <SeverityBadge severity={f.severity} /> },
    { key: 'vulnerabilityId', header: t('vulnerability'), render: f => <Link to={joinPath(basePath, `/findings/${f.id}`)}>{f.vulnerabilityId}</Link> },
    { key: 'package', header: t('package'), render: f => `${f.package} ${f.version}` },
    { key: 'sentence', header: t('whyTitle'), render: f => <code>{f.sentence}</code> },
    { key: 'fixedVersion', header: t('fixedIn'), render: f => f.fixedVersion ?? '—' },
    { key: 'state', header: t('state'), render: f => <StateBadge state={f.state} /> }
  ]
  const softwareColumns: Array<Column<InventoryItem>> = [
    { key: 'name', header: t('package'), render: i => i.name },
    { key: 'version', header: t('version'), render: i => <code>{i.version}</code> },
    { key: 'ecosystem', header: t('ecosystem'), render: i => i.ecosystem },
    { key: 'source', header: t('source'), render: i => i.source },
    { key: 'observedAt', header: t('observed'), render: i => fmt.dateTime(i.observedAt) }
  ]
  return (
    <div className='sec-page'>
      <p><Link to={joinPath(basePath, '/findings')}>← {t('findings')}</Link></p>
      <h1>{t('assetTitle', { name })} <LiveBadge status={status} /></h1>
      <SectionNav basePath={basePath} />
      <section aria-labelledby='sec-asset-findings'>
        <h2 id='sec-asset-findings'>{t('findings')}</h2>
        <CursorTable list={findings} columns={findingColumns} rowKey={f => f.id} caption={t('assetFindings', { name })} empty={t('noFindings')} />
      </section>
      <section aria-labelledby='sec-asset-software'>
        <h2 id='sec-asset-software'>{t('software')}</h2>
        <CursorTable list={software} columns={softwareColumns} rowKey={i => i.id} caption={t('assetSoftware', { name })} empty={t('noSoftware')} />
      </section>
    </div>
  )
}
