import { useMemo } from 'react'
import { DelayedSpinner, EmptyState, ErrorState, Link, joinPath, navigate, useApiData, useLocation, useT } from '@monozu/ui-sdk'
import { DataTable, type Column } from '@monozu/ui-sdk/components'
import { CiStatusBadge } from '../badges.tsx'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { useDebounced, useLive } from '../live.tsx'
import type { Ci, Impact } from '../types.ts'
import { Graph, type GraphNode } from './Graph.tsx'
import { ciMessages } from './messages.ts'

const DEPTHS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20]
type Row = Impact['items'][number]

/**
 * Impact analysis: `up` is what breaks if this CI fails (everything that depends on it, however
 * indirectly), `down` what it needs to work. Direction and depth live in the URL.
 */
export function ImpactTab ({ basePath, ci }: { basePath: string, ci: Ci }) {
  const t = useT(ciMessages)
  const { byKey } = useCatalog()
  const { pathname, query } = useLocation()
  const direction = query.get('direction') === 'down' ? 'down' : 'up'
  const depth = DEPTHS.includes(Number(query.get('depth'))) ? Number(query.get('depth')) : 5
  const impact = useApiData<Impact>(`/api/v1/cmdb/cis/${encodeURIComponent(ci.id)}/impact`, { direction, depth })
  const reload = useDebounced(impact.reload, 300)
  useLive(e => { if (e.event.startsWith('relation.') || e.event === 'ci.deleted' || e.event === 'cis.changed') reload() })
  const set = (next: { direction?: string, depth?: number }) => navigate(`${pathname}?direction=${next.direction ?? direction}&depth=${next.depth ?? depth}`, { replace: true })

  const href = (id: string) => joinPath(basePath, `/ci/${encodeURIComponent(id)}`)
  const data = impact.data
  const graph = useMemo(() => {
    if (!data) return null
    const max = Math.max(0, ...data.items.map(i => i.distance))
    // Arrows read "depends on", left to right: dependents stand left of the CI, dependencies right.
    const column = (distance: number) => (direction === 'up' ? max - distance : distance)
    const nodes: GraphNode[] = [
      { id: ci.id, label: ci.name, sub: typeLabel(t, ci.type, byKey.get(ci.type)), column: column(0), current: true },
      ...data.items.map(i => ({ id: i.id, label: i.name, sub: typeLabel(t, i.type, byKey.get(i.type)), column: column(i.distance), href: href(i.id) }))
    ]
    return { nodes, edges: data.edges.map(e => ({ from: e.sourceId, to: e.targetId, label: t(`rel.${e.type}`) })) }
  }, [data, direction, ci, byKey, t])

  const columns: Column<Row>[] = [
    { key: 'name', header: t('field.name'), render: r => <Link to={href(r.id)}>{r.name}</Link> },
    { key: 'type', header: t('type'), render: r => typeLabel(t, r.type, byKey.get(r.type)), sortValue: r => typeLabel(t, r.type, byKey.get(r.type)) },
    { key: 'status', header: t('status'), render: r => <CiStatusBadge status={r.status} /> },
    { key: 'distance', header: t('distance'), align: 'end' }
  ]

  return (
    <div className='mz-stack'>
      <section className='mz-card' aria-labelledby='cmdb-impact-title'>
        <div className='cmdb-card-header'>
          <h2 id='cmdb-impact-title' className='mz-card__title'>{t('impactTitle')}</h2>
          <div className='mz-row'>
            <fieldset className='cmdb-segmented'>
              <legend className='mz-visually-hidden'>{t('impactDirection')}</legend>
              {(['up', 'down'] as const).map(d => (
                <label key={d}>
                  <input type='radio' name='cmdb-direction' value={d} checked={direction === d} onChange={() => set({ direction: d })} />
                  <span>{t(`impact.${d}`)}</span>
                </label>
              ))}
            </fieldset>
            <label className='cmdb-inline-field'>
              <span>{t('depth')}</span>
              <select className='mz-input' value={depth} onChange={e => set({ depth: Number(e.target.value) })}>
                {DEPTHS.map(d => <option key={d} value={d}>{d}</option>)}
              </select>
            </label>
          </div>
        </div>
        <p className='mz-muted cmdb-small'>{t(`impactHint.${direction}`, { name: ci.name })}</p>
        {impact.error && <ErrorState error={impact.error} onRetry={impact.reload} />}
        {!data
          ? (!impact.error && <DelayedSpinner />)
          : data.items.length === 0
            ? <EmptyState title={t(`impactNone.${direction}`)} />
            : (
              <>
                {data.truncated && <p className='cmdb-note' role='note'>{t('impactTruncated')}</p>}
                <p role='status' className='cmdb-strong'>{t(`impactCount.${direction}`, { count: data.items.length })}</p>
                {graph && <div className='cmdb-graph-wrap'><Graph nodes={graph.nodes} edges={graph.edges} label={t(`impactGraph.${direction}`, { name: ci.name })} moreLabel={n => t('moreNodes', { count: n })} /></div>}
              </>
              )}
      </section>
      {data && data.items.length > 0 && (
        <DataTable caption={t('impactedCis')} rows={data.items} columns={columns} rowKey={r => r.id} pageSize={25} filterable={data.items.length > 10} initialSort={{ key: 'distance', direction: 'asc' }} />
      )}
    </div>
  )
}
