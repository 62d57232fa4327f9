import { Link, joinPath, useFormat, useT } from '@monozu/ui-sdk'
import { DataTable, type Column } from '@monozu/ui-sdk/components'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { plain } from '../display.tsx'
import { fieldErrorText } from '../problems.ts'
import type { ImportReport, ProblemRow, RowPlan } from '../types.ts'
import { where } from './pointers.ts'
import { importMessages } from './messages.ts'

const actionTones: Record<RowPlan['action'], string> = { create: 'success', update: 'info', unchanged: 'neutral' }

/** An import's counts, its per-row errors and its planned (or applied) changes. */
export function Report ({ report, basePath }: { report: ImportReport, basePath: string }) {
  const t = useT(importMessages)
  const fmt = useFormat()
  const { byKey, types } = useCatalog()
  const message = (e: ProblemRow) => {
    const column = e.pointer.split('/')[3] ?? ''
    return fieldErrorText(e, column, types.flatMap(ty => ty.fields).find(f => f.key === column), t)
  }
  const stats: Array<[string, number, string]> = [
    ['rows', report.rows, t('statRows')],
    ['created', report.created, t(report.applied ? 'statCreated' : 'statToCreate')],
    ['updated', report.updated, t(report.applied ? 'statUpdated' : 'statToUpdate')],
    ['unchanged', report.unchanged, t('statUnchanged')],
    ['errors', report.errorCount, t('statErrors')]
  ]

  const errorColumns: Column<ProblemRow & { n: number }>[] = [
    { key: 'where', header: t('where'), render: e => where(e.pointer, t), sortValue: e => e.n },
    { key: 'message', header: t('problem'), render: e => message(e) }
  ]
  const changeColumns: Column<RowPlan>[] = [
    { key: 'row', header: t('row'), align: 'end' },
    { key: 'action', header: t('action'), render: c => <span className={`mz-badge mz-badge--${actionTones[c.action]}`}>{t(`action.${c.action}`)}</span> },
    { key: 'type', header: t('type'), render: c => typeLabel(t, c.type, byKey.get(c.type)) },
    { key: 'name', header: t('field.name'), render: c => (report.applied || c.action !== 'create' ? <Link to={joinPath(basePath, `/ci/${encodeURIComponent(c.id)}`)}>{c.name}</Link> : c.name) },
    {
      key: 'changes',
      header: t('changes'),
      sortable: false,
      filterValue: c => Object.keys(c.changes ?? {}).join(' '),
      render: c => c.changes
        ? <ul className='cmdb-plan-changes'>{Object.entries(c.changes).map(([k, v]) => <li key={k}><span className='cmdb-strong'>{t.has(`field.${k}`) ? t(`field.${k}`) : k}</span>: <del>{plain(v.from)}</del> → <ins>{plain(v.to)}</ins></li>)}</ul>
        : <span className='mz-muted'>{c.action === 'create' ? t('newItem') : '–'}</span>
    }
  ]
  // Row numbers sort the errors the way the file reads.
  const errors = report.errors.map(e => ({ ...e, n: Number(e.pointer.split('/')[2]) || 0 }))

  return (
    <div className='mz-stack'>
      <dl className='cmdb-stats' aria-label={t('summary')}>
        {stats.map(([key, n, label]) => (
          <div key={key} className={`cmdb-stat cmdb-stat--${key}${key === 'errors' && n > 0 ? ' cmdb-stat--bad' : ''}`} data-stat={key}>
            <dt>{label}</dt><dd>{fmt.number(n)}</dd>
          </div>
        ))}
      </dl>
      {errors.length > 0 && (
        <DataTable caption={t('errorsCaption', { shown: fmt.number(errors.length), total: fmt.number(report.errorCount) })} rows={errors} columns={errorColumns}
          rowKey={e => `${e.pointer}-${e.message}`} pageSize={20} filterable={errors.length > 20} initialSort={{ key: 'where', direction: 'asc' }} />
      )}
      {report.changes.length > 0 && (
        <DataTable caption={report.applied ? t('appliedCaption') : t('plannedCaption')} rows={report.changes} columns={changeColumns}
          rowKey={c => `${c.row}-${c.id}`} pageSize={20} filterable={report.changes.length > 20} />
      )}
      {report.truncated && <p className='mz-muted cmdb-small'>{t('truncated')}</p>}
    </div>
  )
}
