import { EmptyState, Link, joinPath, useApiData, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, StatusBadge, TimeSeriesChart, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { SectionNav, bytes } from './shared.tsx'
import type { Repository } from './types.ts'

const GB = 1024 ** 3

function Warning ({ warning }: { warning: string | null }) {
  const t = useT(messages)
  if (!warning) return null
  return <StatusBadge status={warning} label={t(`warning.${warning}`)} tone={warning === 'fills_soon' ? 'warning' : 'danger'} />
}

function ForecastText ({ r }: { r: Repository }) {
  const t = useT(messages)
  const fmt = useFormat()
  const f = r.forecast
  if (f.daysUntilFull == null) return <>{t('notFilling')}</>
  return <>{t('fullIn', { n: Math.floor(f.daysUntilFull), day: fmt.day(f.fullOn!) })}</>
}

export function RepositoryList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const list = useCursorList<Repository>('/api/v1/backup/repositories', { limit: 50 })
  const columns: Column<Repository>[] = [
    { key: 'name', header: t('name'), render: r => <Link to={joinPath(basePath, `/repositories/${r.id}`)}>{r.name}</Link> },
    { key: 'used', header: t('used'), render: r => `${bytes(r.usedBytes)} / ${bytes(r.capacityBytes)}` },
    { key: 'forecast', header: t('forecast'), render: r => <ForecastText r={r} /> },
    { key: 'warning', header: t('status'), render: r => <Warning warning={r.warning} /> }
  ]
  return (
    <div className='mz-stack bak'>
      <div className='mz-page-header'><h1>{t('repositories')}</h1></div>
      <SectionNav basePath={basePath} />
      <CursorTable list={list} caption={t('repositories')} columns={columns} rowKey={r => r.id} empty={<EmptyState title={t('noRepositories')} />} />
    </div>
  )
}

export function RepositoryPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const data = useApiData<Repository>(`/api/v1/backup/repositories/${encodeURIComponent(id)}`)
  if (!data.data) return null
  const r = data.data
  const usage = r.usage ?? []
  const series = [{ name: t('used'), points: usage.map(u => ({ t: `${u.day}T00:00:00Z`, v: u.usedBytes / GB })) }]
  if (r.capacityBytes && usage.length > 0) {
    series.push({ name: t('capacity'), points: [usage[0]!, usage[usage.length - 1]!].map(u => ({ t: `${u.day}T00:00:00Z`, v: r.capacityBytes! / GB })) })
  }
  return (
    <div className='mz-stack bak'>
      <Link to={joinPath(basePath, '/repositories')}>← {t('repositories')}</Link>
      <div className='mz-page-header'><div className='mz-row'><h1>{r.name}</h1><Warning warning={r.warning} /></div></div>
      <dl className='bak-facts'>
        <dt>{t('used')}</dt><dd>{bytes(r.usedBytes)}{r.capacityBytes ? ` (${Math.round(((r.usedBytes ?? 0) / r.capacityBytes) * 100)}%)` : ''}</dd>
        <dt>{t('capacity')}</dt><dd>{bytes(r.capacityBytes)}</dd>
        <dt>{t('forecast')}</dt><dd><ForecastText r={r} /></dd>
        <dt>{t('growth')}</dt><dd>{r.forecast.slopeBytesPerDay == null ? '—' : bytes(Math.max(0, r.forecast.slopeBytesPerDay))}</dd>
        <dt>{t('warnDays')}</dt><dd>{r.warnDays}</dd>
        <dt>{t('warnPercent')}</dt><dd>{r.warnPercent}</dd>
      </dl>
      <p className='bak-muted'>{t('window', { n: r.forecast.windowDays, samples: r.forecast.samples })}</p>
      {usage.length > 1
        ? <TimeSeriesChart title={t('usageChart')} series={series} valueLabel={t('usedBytes')} yMin={0} formatValue={v => fmt.number(Math.round(v))} />
        : <EmptyState title={t('noRuns')} />}
    </div>
  )
}
