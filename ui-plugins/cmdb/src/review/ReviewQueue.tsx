import { useState } from 'react'
import {
  EmptyState, Link, describeError, joinPath, navigate, useApi, useFeatures, useHasPermission, useLocation, useT, useToast, type ModuleProps
} from '@monozu/ui-sdk'
import { CursorItems, StatusBadge, useCatchUp, useCursorList, type Tone } from '@monozu/ui-sdk/components'
import { LiveBadge } from '../badges.tsx'
import { fieldLabel, typeLabel, useCatalog } from '../catalog.tsx'
import { plain, When } from '../display.tsx'
import { useDebounced, useLive } from '../live.tsx'
import { SectionNav } from '../SectionNav.tsx'
import { REVIEW_STATES, type Ci, type ReviewItem } from '../types.ts'
import { reviewMessages } from './messages.ts'
import { reasonText } from './reasons.ts'

const stateTones: Record<string, Tone> = { open: 'warning', accepted: 'success', merged: 'info', rejected: 'neutral' }
const IDENTIFIERS = ['serial', 'hardwareUuid', 'macs', 'hostname', 'site'] as const

/**
 * Discovered assets the reconciliation could not place on its own (several candidates, or
 * identifiers that contradict each other). A person decides: a new CI, one of the candidates, or
 * neither.
 */
export function ReviewQueue ({ basePath }: ModuleProps) {
  const t = useT(reviewMessages)
  const { query } = useLocation()
  const state = query.get('state') ?? 'open'
  const list = useCursorList<ReviewItem>('/api/v1/cmdb/review', { state, limit: 20 })
  const reload = useDebounced(list.reload, 300)
  const status = useLive(e => { if (e.event === 'review.changed') reload() })
  useCatchUp(status, list.reload)

  return (
    <div className='mz-stack cmdb'>
      <div className='mz-page-header'>
        <h1>{t('reviewTitle')}</h1>
        <LiveBadge status={status} />
      </div>
      <SectionNav basePath={basePath} />
      <p className='cmdb-intro'>{t('reviewIntro')}</p>
      <label className='cmdb-inline-field'>
        <span>{t('show')}</span>
        <select className='mz-input' value={state} onChange={e => navigate(`${joinPath(basePath, '/review')}?state=${e.target.value}`, { replace: true })}>
          {[...REVIEW_STATES, 'all'].map(s => <option key={s} value={s}>{t(`state.${s}`)}</option>)}
        </select>
      </label>
      <CursorItems list={list} empty={<EmptyState title={t(state === 'open' ? 'queueEmpty' : 'noneInState')}>{state === 'open' ? t('queueEmptyHint') : null}</EmptyState>}>
        {items => (
          <ul className='cmdb-review'>
            {items.map(item => <Item key={item.id} item={item} basePath={basePath} onResolved={() => { if (state === 'open') list.setItems(rows => rows.filter(i => i.id !== item.id)); else list.reload() }} />)}
          </ul>
        )}
      </CursorItems>
    </div>
  )
}

function Item ({ item, basePath, onResolved }: { item: ReviewItem, basePath: string, onResolved: () => void }) {
  const t = useT(reviewMessages)
  const api = useApi()
  const toast = useToast()
  const write = useHasPermission('cmdb.write')
  // The appliance links to its page when the user may open the devices module.
  const devices = useFeatures().some(f => f.id === 'devices' && f.ui)
  const { byKey } = useCatalog()
  const live = item.candidates.filter(c => !c.deleted)
  const [target, setTarget] = useState(live.length === 1 ? live[0]!.id : '')
  const [busy, setBusy] = useState(false)
  const e = item.event
  const ciType = String(e.ciType ?? '')
  const title = String(e.name ?? e.hostname ?? e.serial ?? e.hardwareUuid ?? (Array.isArray(e.macs) ? e.macs[0] : '') ?? t('unnamed'))
  const fields = (e.fields && typeof e.fields === 'object' ? e.fields : {}) as Record<string, unknown>
  const href = (id: string) => joinPath(basePath, `/ci/${encodeURIComponent(id)}`)
  const headingId = `cmdb-review-${item.id}`

  const act = async (action: 'accept' | 'merge' | 'reject') => {
    setBusy(true)
    try {
      const path = `/api/v1/cmdb/review/${encodeURIComponent(item.id)}/${action}`
      if (action === 'merge') {
        const ci = await api.post<Ci>(path, { ciId: target })
        toast({ kind: 'success', message: t('merged', { name: ci.name }) })
      } else if (action === 'accept') {
        const ci = await api.post<Ci>(path)
        toast({ kind: 'success', message: t('accepted', { name: ci.name }) })
      } else {
        await api.post(path)
        toast({ kind: 'success', message: t('rejected') })
      }
      onResolved()
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(false) }
  }

  return (
    <li className='mz-card cmdb-review__item' aria-labelledby={headingId}>
      <div className='cmdb-card-header'>
        <h2 id={headingId} className='cmdb-review__title'>{title} <span className='mz-muted cmdb-small'>{typeLabel(t, ciType, byKey.get(ciType))}</span></h2>
        <StatusBadge status={item.state} tone={stateTones[item.state]} label={t(`state.${item.state}`)} />
      </div>
      <p className='cmdb-strong'>{reasonText(item.reason, t)}</p>
      <p className='mz-muted cmdb-small'>
        {t('reportedBy', { source: item.source })}{' '}
        {devices ? <Link to={`/m/devices/${encodeURIComponent(item.deviceId)}`}>{t('appliance', { id: item.deviceId.slice(0, 8) })}</Link> : t('appliance', { id: item.deviceId.slice(0, 8) })} · {t('seen', { count: item.seen })} · {t('firstSeen')} <When at={item.firstSeen} /> · {t('lastSeen')} <When at={item.lastSeen} />
      </p>
      <div className='cmdb-columns cmdb-columns--even'>
        <section aria-label={t('reported')}>
          <h3 className='cmdb-h3'>{t('reported')}</h3>
          <dl className='cmdb-dl cmdb-dl--compact'>
            {IDENTIFIERS.filter(k => e[k] !== undefined).map(k => <div key={k}><dt>{t(`field.${k}`)}</dt><dd><code>{plain(e[k])}</code></dd></div>)}
            {Object.entries(fields).map(([k, v]) => <div key={k}><dt>{fieldLabel(t, k, byKey.get(ciType)?.fields.find(f => f.key === k))}</dt><dd>{plain(v)}</dd></div>)}
          </dl>
        </section>
        <section aria-label={t('candidates')}>
          <h3 className='cmdb-h3'>{t('candidates')}</h3>
          {item.candidates.length === 0
            ? <p className='mz-muted cmdb-small'>{t('noCandidates')}</p>
            : (
              <fieldset className='cmdb-candidates' disabled={!write || item.state !== 'open'}>
                <legend className='mz-visually-hidden'>{t('mergeInto')}</legend>
                {item.candidates.map(c => (
                  <label key={c.id} className='cmdb-candidate'>
                    {item.state === 'open' && write && <input type='radio' name={`cmdb-target-${item.id}`} value={c.id} checked={target === c.id} disabled={c.deleted} onChange={() => setTarget(c.id)} />}
                    <span>
                      {c.deleted ? <span className='mz-muted'>{t('deletedCandidate')}</span> : <Link to={href(c.id)}>{c.name}</Link>}
                      {c.type && <span className='mz-muted cmdb-small'> · {typeLabel(t, c.type, byKey.get(c.type))}</span>}
                      <span className='cmdb-small'> · {t('matchedBy', { field: t(`field.${c.matchedBy}`).toLocaleLowerCase(t.lang) })}</span>
                      {!c.deleted && <span className='mz-muted cmdb-small cmdb-candidate__ids'>{[c.serial, c.hardwareUuid, c.hostname].filter(Boolean).join(' · ')}</span>}
                    </span>
                  </label>
                ))}
              </fieldset>
              )}
        </section>
      </div>
      {item.state === 'open' && write && (
        <div className='mz-row'>
          <button type='button' className='mz-button mz-button--primary' disabled={busy || !target} onClick={() => { void act('merge') }}>{t('merge')}</button>
          <button type='button' className='mz-button' disabled={busy} onClick={() => { void act('accept') }}>{t('accept')}</button>
          <button type='button' className='mz-button mz-button--ghost' disabled={busy} onClick={() => { void act('reject') }}>{t('reject')}</button>
        </div>
      )}
      {item.state !== 'open' && (
        <p className='mz-muted cmdb-small'>
          {t('resolved')} <When at={item.resolvedAt} />{item.ciId && <> · <Link to={href(item.ciId)}>{t('openCi')}</Link></>}
        </p>
      )}
    </li>
  )
}
