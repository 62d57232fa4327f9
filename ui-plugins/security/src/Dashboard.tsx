import { ErrorState, DelayedSpinner, Link, describeError, joinPath, useApi, useApiData, useFormat, useHasPermission, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { BarChart, TimeSeriesChart, type Tone } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { assetPath } from './AssetPage.tsx'
import { messages } from './messages.ts'
import { SectionNav, SEVERITIES } from './shared.tsx'
import { assetName, type Summary } from './types.ts'

const tones: Record<string, Tone> = { critical: 'danger', high: 'danger', medium: 'warning', low: 'info' }

export function Dashboard ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const admin = useHasPermission('security.admin')
  const summary = useApiData<Summary>('/api/v1/security/summary')
  useLive(e => { if (e.event === 'findings.changed' || e.event === 'alerts.changed') summary.reload() })
  const s = summary.data
  const rescan = async () => {
    try { await api.post('/api/v1/security/scan'); toast({ kind: 'success', message: t('rescanQueued') }) } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) }
  }
  return (
    <div className='sec-page'>
      <h1>{t('dashboard')}</h1>
      <SectionNav basePath={basePath} />
      {summary.error && <ErrorState error={summary.error} onRetry={summary.reload} />}
      {!s && !summary.error && <DelayedSpinner />}
      {s && (
        <>
          <div className='sec-cards'>
            <Link className='sec-card sec-card--danger' to={joinPath(basePath, '/findings?kev=true&state=open')}><strong>{fmt.number(s.kev)}</strong><span>{t('kevOpen')}</span></Link>
            <Link className='sec-card' to={joinPath(basePath, '/findings?state=open')}><strong>{fmt.number(s.overdue)}</strong><span>{t('overdue')}</span></Link>
            <Link className='sec-card' to={joinPath(basePath, '/alerts')}><strong>{fmt.number(Object.values(s.alerts).reduce((a, b) => a + b, 0))}</strong><span>{t('openAlerts')}</span></Link>
          </div>
          <BarChart title={t('openBySeverity')} valueLabel={t('findingsLabel')} bars={SEVERITIES.filter(x => x !== 'none').map(sev => ({ label: t(`sev.${sev}`), value: s.open[sev] ?? 0, ...(tones[sev] ? { tone: tones[sev] } : {}) }))} />
          <TimeSeriesChart title={t('trend')} series={[
            { name: t('opened'), points: s.trend.map(d => ({ t: d.day, v: d.opened })) },
            { name: t('fixed'), points: s.trend.map(d => ({ t: d.day, v: d.fixed })) }
          ]} />
          <h2>{t('topAssets')}</h2>
          <table className='mz-table'>
            <thead><tr><th scope='col'>{t('asset')}</th><th scope='col'>{t('openCount')}</th><th scope='col'>{t('maxRisk')}</th></tr></thead>
            <tbody>
              {s.topAssets.map(a => (
                <tr key={a.assetKey}>
                  <td><Link to={assetPath(basePath, a.assetKey)}>{assetName(a)}</Link></td>
                  <td>{fmt.number(a.open)}</td>
                  <td>{fmt.number(a.maxRisk)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>{t('lastScan')}: {s.lastScanAt ? fmt.dateTime(s.lastScanAt) : t('never')} {admin && <button type='button' className='mz-button' onClick={() => { void rescan() }}>{t('rescan')}</button>}</p>
        </>
      )}
    </div>
  )
}
