import { useState, type FormEvent } from 'react'
import { Link, describeError, useApiData, useHasPermission, useT } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { problemFields } from '../problems.ts'
import { LINK_KINDS, type Impact, type LinkKind, type NamedLinks, type Ticket } from '../types.ts'
import { ticketMessages } from './messages.ts'
import { usePatch } from './Workflow.tsx'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * What the ticket is about: configuration items, devices and security findings by id (the server
 * checks each through the providing plugin), with links to them where the user may open that
 * module, and the CMDB impact of the linked CIs: what depends on them.
 */
export function LinksPanel ({ ticket, onSaved }: { ticket: Ticket, onSaved: (t: Ticket) => void }) {
  const t = useT(ticketMessages)
  const patch = usePatch(ticket, onSaved)
  const cmdb = useHasPermission('cmdb.read')
  const devices = useHasPermission('devices.read')
  const links = ticket.links ?? { cis: [], devices: [], findings: [] }
  const [kind, setKind] = useState<LinkKind>('cis')
  const [id, setId] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const total = LINK_KINDS.reduce((n, k) => n + (links[k]?.length ?? 0), 0)
  // Names come from the providing plugins (cmdb, devices, security) through the server, read again when the links change.
  const named = useApiData<NamedLinks>(`/api/v1/itsm/tickets/${encodeURIComponent(ticket.id)}/links`)
  const key = LINK_KINDS.map(k => links[k]?.join(',')).join(';')
  const [seen, setSeen] = useState(key)
  if (seen !== key) { setSeen(key); named.reload() }
  const nameOf = (k: LinkKind, v: string) => named.data?.[k]?.find(x => x.id === v)

  const save = async (next: Partial<Record<LinkKind, string[]>>) => {
    setBusy(true); setError(null)
    try { await patch({ links: next }); return true } catch (err) {
      const { fields } = problemFields(err, t)
      setError(fields.links ?? describeError(err, t).message)
      return false
    } finally { setBusy(false) }
  }
  const add = async (e: FormEvent) => {
    e.preventDefault()
    const value = id.trim()
    if (!value) { setError(t('err.required')); return }
    if (kind !== 'findings' && !UUID.test(value)) { setError(t('linkIdFormat')); return }
    if (links[kind]?.includes(value)) { setError(t('linkExists')); return }
    if (await save({ [kind]: [...(links[kind] ?? []), value] })) setId('')
  }
  const href = (k: LinkKind, v: string) => k === 'cis' && cmdb ? `/m/cmdb/ci/${encodeURIComponent(v)}` : k === 'devices' && devices ? `/m/devices/${encodeURIComponent(v)}` : null

  return (
    <section className='mz-card mz-stack' aria-labelledby='itsm-links'>
      <h2 id='itsm-links' className='mz-card__title'>{t('linksTitle')}</h2>
      {total === 0 && <p className='mz-muted'>{t('noLinks')}</p>}
      {LINK_KINDS.filter(k => links[k]?.length).map(k => (
        <div key={k}>
          <h3 className='itsm-h3'>{t(`linkKind.${k}`)}</h3>
          <ul className='itsm-links'>
            {links[k].map(v => {
              const to = href(k, v)
              const n = nameOf(k, v)
              const label = n?.name ?? v
              return (
                <li key={v}>
                  {to && n?.found !== false ? <Link to={to}>{label}</Link> : <span>{label}</span>}
                  {n && !n.found && <span className='mz-muted itsm-small'>{t('linkGone')}</span>}
                  {n?.found && <span className='mz-muted itsm-small'>{[n.kind, n.status].filter(Boolean).join(' · ')}</span>}
                  <code className='mz-muted itsm-small' title={v}>{v.slice(0, 8)}</code>
                  <button type='button' className='mz-button mz-button--ghost itsm-small' disabled={busy} onClick={() => { void save({ [k]: links[k].filter(x => x !== v) }) }}>
                    {t('removeLink', { id: n?.name ?? v.slice(0, 8) })}
                  </button>
                </li>
              )
            })}
          </ul>
        </div>
      ))}
      <form className='itsm-add-link' onSubmit={e => { void add(e) }} noValidate aria-label={t('addLink')}>
        <Field label={t('linkKind')}>
          <select className='mz-input' value={kind} onChange={e => { setKind(e.target.value as LinkKind); setError(null) }}>
            {LINK_KINDS.map(k => <option key={k} value={k}>{t(`linkKind.${k}`)}</option>)}
          </select>
        </Field>
        <Field label={t('linkId')} error={error}>
          <input className='mz-input' value={id} maxLength={100} onChange={e => { setId(e.target.value); setError(null) }} />
        </Field>
        <button type='submit' className='mz-button' disabled={busy}>{t('addLink')}</button>
      </form>
      {links.cis.length > 0 && <ImpactView ticket={ticket} />}
    </section>
  )
}

/** "What depends on this CI" for each linked CI, nearest first. */
function ImpactView ({ ticket }: { ticket: Ticket }) {
  const t = useT(ticketMessages)
  const cmdb = useHasPermission('cmdb.read')
  const data = useApiData<{ items: Impact[] }>(`/api/v1/itsm/tickets/${encodeURIComponent(ticket.id)}/impact`)
  const key = ticket.links?.cis.join(',') ?? ''
  const [seen, setSeen] = useState(key)
  if (seen !== key) { setSeen(key); data.reload() }
  if (data.error) return <p className='itsm-problem'>{describeError(data.error, t).message}</p>
  const items = data.data?.items ?? []
  return (
    <div className='mz-stack' data-testid='impact'>
      <h3 className='itsm-h3'>{t('impactTitle')}</h3>
      {data.data && items.every(i => i.nodes.length === 0) && <p className='mz-muted itsm-small'>{t('noImpact')}</p>}
      {items.filter(i => i.nodes.length > 0).map(i => (
        <div key={i.root}>
          <p className='itsm-small'>{t('dependsOn', { n: i.nodes.length, id: i.name ?? i.root.slice(0, 8) })}{i.truncated ? ` ${t('truncated')}` : ''}</p>
          <ul className='itsm-links'>
            {[...i.nodes].sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name)).map(n => (
              <li key={n.id}>
                {cmdb ? <Link to={`/m/cmdb/ci/${encodeURIComponent(n.id)}`}>{n.name}</Link> : <span>{n.name}</span>}
                <span className='mz-muted itsm-small'>{n.class} · {t('depth', { n: n.depth })}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  )
}
