import { useState } from 'react'
import { ErrorState, Spinner, describeError, useApiData, useFormat, useHasPermission, useSession, useT, useToast, EmptyState, Link, type ModuleProps } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { useGroups } from '../groups.tsx'
import { withCommon } from '../messages.ts'
import { SectionNav } from '../SectionNav.tsx'
import { downloadFile } from '../ticket/download.ts'
import { reportMessages } from './messages.ts'

export interface Summary {
  from: string
  to: string
  backlog: Array<{ date: string, groupId: string | null, open: number }>
  resolved: number
  mttrMinutes: number | null
  mttrByPriority: Array<{ priority: number, resolved: number, mttrMinutes: number }>
  sla: { measured: number, met: number, compliancePercent: number | null }
}

const t_ = withCommon(reportMessages)
const DAY = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * Reports (itsm.agent): backlog by group per day, MTTR overall and by priority, SLA compliance of
 * the tickets resolved in the chosen days (GET /reports/summary), and the tickets as CSV.
 */
export function Reports ({ basePath }: ModuleProps) {
  const t = useT(t_)
  const agent = useHasPermission('itsm.agent')
  const today = Math.floor(Date.now() / DAY) * DAY
  const [from, setFrom] = useState(isoDay(today - 29 * DAY))
  const [to, setTo] = useState(isoDay(today))
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`
  const data = useApiData<Summary>(agent && valid ? `/api/v1/itsm/reports/summary?${query}` : null)
  const session = useSession()
  const toast = useToast()
  const [busy, setBusy] = useState(false)

  if (!agent) return <EmptyState title={t('agentsOnly')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
  const exportCsv = async () => {
    setBusy(true)
    try { await downloadFile(session, `/api/v1/itsm/reports/tickets.csv?${query}`, `itsm-tickets-${from}.csv`) } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(false) }
  }

  return (
    <div className='mz-stack itsm'>
      <div className='mz-page-header'><h1>{t('reportsTitle')}</h1></div>
      <SectionNav basePath={basePath} />
      <form className='itsm-filters' aria-label={t('period')} onSubmit={e => e.preventDefault()}>
        <Field label={t('from')} error={valid ? null : t('periodInvalid')}>
          <input className='mz-input' type='date' value={from} max={to} onChange={e => setFrom(e.target.value)} />
        </Field>
        <Field label={t('to')}>
          <input className='mz-input' type='date' value={to} min={from} onChange={e => setTo(e.target.value)} />
        </Field>
        <button type='button' className='mz-button' disabled={busy || !valid} onClick={() => { void exportCsv() }}>{t('exportCsv')}</button>
      </form>
      {data.error && <ErrorState error={data.error} title={t('reportUnavailable')} onRetry={data.reload} />}
      {!data.data && !data.error && valid && <Spinner />}
      {data.data && <ReportBody summary={data.data} />}
    </div>
  )
}

function ReportBody ({ summary }: { summary: Summary }) {
  const t = useT(t_)
  const f = useFormat()
  const { byId } = useGroups()
  const minutes = (m: number | null) => m === null ? '—' : m >= 120 ? t('hours', { n: f.number(Math.round(m / 6) / 10) }) : t('minutes', { n: f.number(m) })
  const groups = [...new Set(summary.backlog.map(b => b.groupId))]
  const groupName = (id: string | null) => id === null ? t('noGroup') : byId.get(id)?.name ?? id.slice(0, 8)
  const days = [...new Set(summary.backlog.map(b => b.date))]
  const open = new Map(summary.backlog.map(b => [`${b.date}|${b.groupId}`, b.open]))
  return (
    <>
      <section className='itsm-report-cards' aria-label={t('figures')}>
        <div className='mz-card'><h2 className='mz-card__title'>{t('resolved')}</h2><p className='itsm-figure'>{f.number(summary.resolved)}</p></div>
        <div className='mz-card'><h2 className='mz-card__title'>{t('mttr')}</h2><p className='itsm-figure'>{minutes(summary.mttrMinutes)}</p></div>
        <div className='mz-card'>
          <h2 className='mz-card__title'>{t('slaCompliance')}</h2>
          <p className='itsm-figure'>{summary.sla.compliancePercent === null ? '—' : `${f.number(summary.sla.compliancePercent)} %`}</p>
          <p className='mz-muted itsm-small'>{t('slaMet', { met: f.number(summary.sla.met), measured: f.number(summary.sla.measured) })}</p>
        </div>
      </section>
      <section className='mz-card mz-stack' aria-labelledby='itsm-mttr-priority'>
        <h2 id='itsm-mttr-priority' className='mz-card__title'>{t('mttrByPriority')}</h2>
        {summary.mttrByPriority.length === 0
          ? <p className='mz-muted'>{t('nothingResolved')}</p>
          : (
            <table className='mz-table'>
              <caption className='mz-visually-hidden'>{t('mttrByPriority')}</caption>
              <thead><tr><th scope='col'>{t('field.priority')}</th><th scope='col'>{t('resolved')}</th><th scope='col'>{t('mttr')}</th></tr></thead>
              <tbody>
                {summary.mttrByPriority.map(r => <tr key={r.priority}><th scope='row'>{t(`priority.${r.priority}`)}</th><td>{f.number(r.resolved)}</td><td>{minutes(r.mttrMinutes)}</td></tr>)}
              </tbody>
            </table>
            )}
      </section>
      <section className='mz-card mz-stack' aria-labelledby='itsm-backlog'>
        <h2 id='itsm-backlog' className='mz-card__title'>{t('backlogTitle')}</h2>
        <p className='mz-muted itsm-small'>{t('backlogHint')}</p>
        {days.length === 0
          ? <p className='mz-muted'>{t('noBacklog')}</p>
          : (
            <div className='mz-table__scroll' tabIndex={0} role='region' aria-label={t('backlogTitle')}>
              <table className='mz-table'>
                <caption className='mz-visually-hidden'>{t('backlogTitle')}</caption>
                <thead><tr><th scope='col'>{t('day')}</th>{groups.map(g => <th scope='col' key={g ?? 'none'}>{groupName(g)}</th>)}</tr></thead>
                <tbody>
                  {days.map(d => <tr key={d}><th scope='row' className='itsm-nowrap'>{f.day(d)}</th>{groups.map(g => <td key={g ?? 'none'}>{f.number(open.get(`${d}|${g}`) ?? 0)}</td>)}</tr>)}
                </tbody>
              </table>
            </div>
            )}
      </section>
    </>
  )
}
