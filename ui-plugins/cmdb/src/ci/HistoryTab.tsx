import { DelayedSpinner, EmptyState, ErrorState, useFormat, useT } from '@monozu/ui-sdk'
import { LoadMore, useCursorList } from '@monozu/ui-sdk/components'
import { useFieldLabel } from '../catalog.tsx'
import { CiLink, plain, When } from '../display.tsx'
import { useDebounced, useLive } from '../live.tsx'
import type { Change, Ci } from '../types.ts'
import { ciMessages } from './messages.ts'

const actorTones: Record<string, string> = { user: 'info', import: 'neutral', discovery: 'success', review: 'warning' }

/** The CI's change log, newest first: who, when, why, and each field before and after. */
export function HistoryTab ({ basePath, ci }: { basePath: string, ci: Ci }) {
  const t = useT(ciMessages)
  const list = useCursorList<Change>(`/api/v1/cmdb/cis/${encodeURIComponent(ci.id)}/history`, { limit: 25 })
  const reload = useDebounced(list.reload, 300)
  useLive(e => {
    if ((e.event === 'ci.updated' && e.data.id === ci.id) || (e.event === 'cis.changed' && e.data.ids.includes(ci.id))) reload()
    else if ((e.event === 'relation.created' || e.event === 'relation.deleted') && (e.data.sourceId === ci.id || e.data.targetId === ci.id)) reload()
  })

  if (!list.loaded) return list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : <DelayedSpinner />
  if (list.items.length === 0) return <EmptyState title={t('noHistory')} />
  return (
    <section className='mz-card' aria-labelledby='cmdb-history-title'>
      <h2 id='cmdb-history-title' className='mz-card__title'>{t('historyTitle')}</h2>
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      <ol className='cmdb-history'>
        {list.items.map(c => <Entry key={c.seq} change={c} ci={ci} basePath={basePath} />)}
      </ol>
      <LoadMore list={list} label={t('loadOlder')} />
    </section>
  )
}

function Entry ({ change: c, ci, basePath }: { change: Change, ci: Ci, basePath: string }) {
  const t = useT(ciMessages)
  const fmt = useFormat()
  const label = useFieldLabel(ci.type)
  const who = c.actor.name ?? c.actor.id
  let summary
  let rows: Array<[string, unknown, unknown]> = []
  if (c.entity === 'relation') {
    const rel = (c.after ?? c.before ?? {}) as { sourceId?: string, targetId?: string, type?: string }
    const outgoing = rel.sourceId === ci.id
    const other = outgoing ? rel.targetId : rel.sourceId
    summary = (
      <>
        {t(c.action === 'create' ? 'historyRelationAdded' : 'historyRelationRemoved')}{' '}
        {outgoing ? <>{t(`rel.${rel.type ?? 'depends_on'}`)} {other && <CiLink id={other} basePath={basePath} />}</> : <>{other && <CiLink id={other} basePath={basePath} />} {t(`rel.${rel.type ?? 'depends_on'}`)} {t('thisCi')}</>}
      </>
    )
  } else {
    const before = c.before ?? {}
    const after = c.after ?? {}
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(k => k !== 'type')
    rows = keys.map(k => [k, before[k], after[k]])
    summary = c.action === 'create' ? t('historyCreated') : c.action === 'delete' ? t('historyDeleted') : t('historyUpdated', { count: keys.length })
  }
  return (
    <li>
      <div className='cmdb-history__head'>
        <span className='cmdb-strong'>{summary}</span>
        <span className='cmdb-history__meta'>
          <span className={`mz-badge mz-badge--${actorTones[c.actor.kind] ?? 'neutral'}`}>{t(`actor.${c.actor.kind}`)}</span>
          <span>{who}</span>
          <span aria-hidden='true'>·</span>
          <When at={c.at} />
        </span>
      </div>
      {c.message && <p className='cmdb-history__message'>“{c.message}”</p>}
      {rows.length > 0 && c.action !== 'update' && (
        <details className='cmdb-history__values'>
          <summary>{t('showValues')}</summary>
          <dl className='cmdb-dl cmdb-dl--compact'>
            {rows.filter(([, b, a]) => plain(a ?? b) !== '–').map(([k, b, a]) => (
              <div key={k}><dt>{k === 'locked' ? t('locks') : label(k)}</dt><dd>{k === 'locked' ? plainLocks(a ?? b, label) : plain(a ?? b)}</dd></div>
            ))}
          </dl>
        </details>
      )}
      {rows.length > 0 && c.action === 'update' && (
        <table className='cmdb-diff'>
          <caption className='mz-visually-hidden'>{t('changesAt', { date: fmt.dateTime(c.at) })}</caption>
          <thead><tr><th scope='col'>{t('field')}</th><th scope='col'>{t('before')}</th><th scope='col'>{t('after')}</th></tr></thead>
          <tbody>
            {rows.map(([k, b, a]) => (
              <tr key={k}>
                <th scope='row'>{k === 'locked' ? t('locks') : label(k)}</th>
                <td><del>{k === 'locked' ? plainLocks(b, label) : plain(b)}</del></td>
                <td><ins>{k === 'locked' ? plainLocks(a, label) : plain(a)}</ins></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  )
}

const plainLocks = (v: unknown, label: (k: string) => string) => (Array.isArray(v) && v.length > 0 ? v.map(k => label(String(k))).join(', ') : '–')
