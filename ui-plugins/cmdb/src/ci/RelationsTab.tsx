import { useState, type FormEvent } from 'react'
import {
  ApiError, DelayedSpinner, ErrorState, Link, describeError, fieldErrors, joinPath, useApi, useHasPermission, useT, useToast
} from '@monozu/ui-sdk'
import { LoadMore, useCursorList } from '@monozu/ui-sdk/components'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { useDebounced, useLive } from '../live.tsx'
import { RELATION_TYPES, type Ci, type CiRef, type Relation, type RelationType } from '../types.ts'
import { CiPicker } from './CiPicker.tsx'
import { Graph, type GraphEdge, type GraphNode } from './Graph.tsx'
import { ciMessages } from './messages.ts'

/** The CI's relations both ways: a small graph, the two lists, and (for writers) add and remove. */
export function RelationsTab ({ basePath, ci }: { basePath: string, ci: Ci }) {
  const t = useT(ciMessages)
  const api = useApi()
  const toast = useToast()
  const { byKey } = useCatalog()
  const write = useHasPermission('cmdb.write')
  const list = useCursorList<Relation>('/api/v1/cmdb/relations', { ciId: ci.id, limit: 200 })
  const reload = useDebounced(list.reload, 200)
  useLive(e => {
    if ((e.event === 'relation.created' || e.event === 'relation.deleted') && (e.data.sourceId === ci.id || e.data.targetId === ci.id)) reload()
    else if (e.event === 'ci.deleted' || e.event === 'ci.updated') { if (list.items.some(r => r.sourceId === e.data.id || r.targetId === e.data.id)) reload() }
  })
  const [removing, setRemoving] = useState<string | null>(null)

  const href = (id: string) => joinPath(basePath, `/ci/${encodeURIComponent(id)}`)
  const outgoing = list.items.filter(r => r.sourceId === ci.id)
  const incoming = list.items.filter(r => r.targetId === ci.id)
  const relLabel = (type: RelationType) => t(`rel.${type}`)

  const node = (ref: CiRef | undefined, id: string, column: number): GraphNode =>
    ({ id, label: ref?.name ?? id.slice(0, 8), sub: ref ? typeLabel(t, ref.type, byKey.get(ref.type)) : '', column, href: href(id) })
  const nodes = new Map<string, GraphNode>([[ci.id, { id: ci.id, label: ci.name, sub: typeLabel(t, ci.type, byKey.get(ci.type)), column: 1, current: true }]])
  for (const r of incoming) if (!nodes.has(r.sourceId)) nodes.set(r.sourceId, node(r.source, r.sourceId, 0))
  for (const r of outgoing) if (!nodes.has(r.targetId)) nodes.set(r.targetId, node(r.target, r.targetId, 2))
  const edges: GraphEdge[] = list.items.map(r => ({ from: r.sourceId, to: r.targetId, label: relLabel(r.type) }))

  const remove = async (r: Relation) => {
    setRemoving(r.id)
    try {
      await api.del(`/api/v1/cmdb/relations/${encodeURIComponent(r.id)}`)
      list.setItems(items => items.filter(x => x.id !== r.id))
      toast({ kind: 'success', message: t('relationRemoved') })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setRemoving(null) }
  }

  const side = (title: string, id: string, items: Relation[], other: (r: Relation) => { id: string, ref?: CiRef | undefined }) => (
    <section className='mz-card' aria-labelledby={id}>
      <h2 id={id} className='mz-card__title'>{title}</h2>
      {items.length === 0
        ? <p className='mz-muted cmdb-small'>{t('noRelations')}</p>
        : (
          <ul className='cmdb-rels'>
            {items.map(r => {
              const o = other(r)
              const name = o.ref?.name ?? o.id
              return (
                <li key={r.id}>
                  <span className='mz-badge mz-badge--info'>{relLabel(r.type)}</span>
                  <Link to={href(o.id)}>{name}</Link>
                  {o.ref && <span className='mz-muted cmdb-small'>{typeLabel(t, o.ref.type, byKey.get(o.ref.type))}</span>}
                  {write && (
                    <button type='button' className='mz-button mz-button--ghost cmdb-small' disabled={removing === r.id}
                      aria-label={t('removeRelation', { relation: relLabel(r.type), name })} onClick={() => { void remove(r) }}>{t('remove')}</button>
                  )}
                </li>
              )
            })}
          </ul>
          )}
    </section>
  )

  if (!list.loaded) return list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : <DelayedSpinner />
  return (
    <div className='mz-stack'>
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      <section className='mz-card' aria-labelledby='cmdb-graph-title'>
        <h2 id='cmdb-graph-title' className='mz-card__title'>{t('relationsGraph')}</h2>
        {list.items.length === 0
          ? <p className='mz-muted'>{t('noRelationsYet')}</p>
          : (
            <>
              <p className='mz-muted cmdb-small'>{t('graphLegend')}</p>
              <div className='cmdb-graph-wrap'><Graph nodes={[...nodes.values()]} edges={edges} label={t('relationsGraphOf', { name: ci.name })} moreLabel={n => t('moreNodes', { count: n })} /></div>
            </>
            )}
        <LoadMore list={list} />
      </section>
      <div className='cmdb-columns cmdb-columns--even'>
        {side(t('usesTitle'), 'cmdb-uses', outgoing, r => ({ id: r.targetId, ref: r.target }))}
        {side(t('usedByTitle'), 'cmdb-used-by', incoming, r => ({ id: r.sourceId, ref: r.source }))}
      </div>
      {write && <AddRelation ci={ci} onAdded={r => list.setItems(items => items.some(x => x.id === r.id) ? items : [...items, r])} />}
    </div>
  )
}

function AddRelation ({ ci, onAdded }: { ci: Ci, onAdded: (r: Relation) => void }) {
  const t = useT(ciMessages)
  const api = useApi()
  const toast = useToast()
  const [direction, setDirection] = useState<'out' | 'in'>('out')
  const [type, setType] = useState<RelationType>('depends_on')
  const [other, setOther] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [problem, setProblem] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setProblem(null)
    if (!other) { setError(t('chooseCiFirst')); return }
    setSaving(true)
    try {
      const body = direction === 'out' ? { sourceId: ci.id, targetId: other, type } : { sourceId: other, targetId: ci.id, type }
      onAdded(await api.post<Relation>('/api/v1/cmdb/relations', body))
      toast({ kind: 'success', message: t('relationAdded') })
      setOther('')
    } catch (err) {
      const fields = fieldErrors(err)
      const onOther = fields[direction === 'out' ? 'targetId' : 'sourceId'] ?? fields.targetId
      if (onOther) setError(onOther)
      else setProblem(err instanceof ApiError && err.code === 'conflict' ? t('relationExists') : describeError(err, t).message)
    } finally { setSaving(false) }
  }

  return (
    <section className='mz-card' aria-labelledby='cmdb-add-rel-title'>
      <h2 id='cmdb-add-rel-title' className='mz-card__title'>{t('addRelation')}</h2>
      <form className='cmdb-add-rel' onSubmit={e => { void submit(e) }} noValidate>
        <div className='mz-field'>
          <label className='mz-field__label' htmlFor='cmdb-rel-direction'>{t('direction')}</label>
          <select id='cmdb-rel-direction' className='mz-input' value={direction} onChange={e => setDirection(e.target.value as 'out' | 'in')}>
            <option value='out'>{t('directionOut', { name: ci.name })}</option>
            <option value='in'>{t('directionIn', { name: ci.name })}</option>
          </select>
        </div>
        <div className='mz-field'>
          <label className='mz-field__label' htmlFor='cmdb-rel-type'>{t('relationType')}</label>
          <select id='cmdb-rel-type' className='mz-input' value={type} onChange={e => setType(e.target.value as RelationType)}>
            {RELATION_TYPES.map(r => <option key={r} value={r}>{t(`rel.${r}`)}</option>)}
          </select>
        </div>
        <CiPicker label={t('otherCi')} value={other} onChange={v => { setOther(v); setError(undefined) }} exclude={ci.id} error={error} required />
        <div className='cmdb-add-rel__submit'>
          <button type='submit' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('saving') : t('add')}</button>
        </div>
      </form>
      {problem && <p className='cmdb-problem' role='alert'>{problem}</p>}
    </section>
  )
}
