import { useCallback, useState, type FormEvent } from 'react'
import { ErrorState, fieldErrors, useApi, useApiData, useHasPermission, useT, useToast } from '@monozu/ui-sdk'
import { DataTable, Dialog, Field, type Column } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { NetworkGate } from './network.tsx'
import type { Group, Network, Page, Peer, Policy, Reachability } from './types.ts'

export function PoliciesPage () {
  const t = useT(messages)
  return (
    <>
      <h1>{t('policies')}</h1>
      <NetworkGate>{network => <Policies network={network} />}</NetworkGate>
    </>
  )
}

function Policies ({ network }: { network: Network }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const isAdmin = useHasPermission('vpn.admin')
  const policies = useApiData<Page<Policy>>('/api/v1/vpn/policies', { networkId: network.id, limit: 200 })
  const groups = useApiData<Page<Group>>('/api/v1/vpn/groups', { networkId: network.id, limit: 200 })
  const [open, setOpen] = useState(false)
  const { reload } = policies
  useLive(useCallback(e => { if (e.event === 'policy.changed' || e.event === 'group.changed') reload() }, [reload]))
  if (policies.error) return <ErrorState error={policies.error} onRetry={reload} />
  const groupName = new Map((groups.data?.items ?? []).map(g => [g.id, g.name]))
  const columns: Column<Policy>[] = [
    { key: 'name', header: t('name'), render: p => p.name },
    { key: 'source', header: t('source'), render: p => groupName.get(p.sourceGroupId) ?? '—' },
    { key: 'destination', header: t('destination'), render: p => groupName.get(p.destinationGroupId) ?? '—' },
    { key: 'protocol', header: t('protocol'), render: p => `${p.protocol}${p.ports.length ? ` ${p.ports.join(', ')}` : ` (${t('allPorts')})`}` },
    { key: 'direction', header: t('bidirectional'), render: p => p.bidirectional ? t('both') : t('oneWay') },
    { key: 'enabled', header: t('enabled'), render: p => p.enabled ? t('enabled') : t('disabled') },
    ...(isAdmin ? [{ key: 'actions', header: '', render: (p: Policy) => <button type='button' className='mz-button mz-button--small' onClick={() => { api.del(`/api/v1/vpn/policies/${p.id}`).then(reload, err => toast({ kind: 'error', message: String((err as Error).message) })) }}>{t('delete')}<span className='mz-visually-hidden'> {p.name}</span></button> }] : [])
  ]
  return (
    <>
      {isAdmin && <div><button type='button' className='mz-button mz-button--primary' onClick={() => setOpen(true)}>{t('newPolicy')}</button></div>}
      <DataTable caption={t('policyList')} rows={policies.data?.items ?? []} columns={columns} rowKey={p => p.id} empty={t('noPolicies')} />
      <NewPolicy open={open} network={network} groups={groups.data?.items ?? []} onClose={() => setOpen(false)} onCreated={() => { setOpen(false); reload() }} />
      <Groups network={network} groups={groups.data?.items ?? []} onChanged={groups.reload} />
      <Explainer network={network} />
    </>
  )
}

function NewPolicy ({ open, network, groups, onClose, onCreated }: { open: boolean, network: Network, groups: Group[], onClose: () => void, onCreated: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const [form, setForm] = useState({ name: '', sourceGroupId: '', destinationGroupId: '', protocol: 'tcp', ports: '', bidirectional: false })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const set = (k: keyof typeof form) => (e: { target: { value: string, checked?: boolean, type?: string } }) => setForm(f => ({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const missing: Record<string, string> = {}
    if (!form.name.trim()) missing.name = t('required')
    if (!form.sourceGroupId) missing.sourceGroupId = t('required')
    if (!form.destinationGroupId) missing.destinationGroupId = t('required')
    if (Object.keys(missing).length) { setErrors(missing); return }
    const ports = form.protocol === 'tcp' || form.protocol === 'udp' ? form.ports.split(',').map(p => p.trim()).filter(Boolean) : []
    try {
      await api.post('/api/v1/vpn/policies', { networkId: network.id, name: form.name.trim(), sourceGroupId: form.sourceGroupId, destinationGroupId: form.destinationGroupId, protocol: form.protocol, ports, bidirectional: form.bidirectional })
      onCreated()
    } catch (err) { setErrors(fieldErrors(err)) }
  }
  const options = [<option key='' value=''>—</option>, ...groups.map(g => <option key={g.id} value={g.id}>{g.name}</option>)]
  return (
    <Dialog open={open} onClose={onClose} title={t('newPolicy')} footer={<>
      <button type='button' className='mz-button' onClick={onClose}>{t('cancel')}</button>
      <button type='submit' form='vpn-new-policy' className='mz-button mz-button--primary'>{t('create')}</button>
    </>}>
      <form id='vpn-new-policy' onSubmit={submit} noValidate className='mz-stack'>
        <Field label={t('name')} error={errors.name} required><input value={form.name} onChange={set('name')} /></Field>
        <Field label={t('source')} error={errors.sourceGroupId} required><select value={form.sourceGroupId} onChange={set('sourceGroupId')}>{options}</select></Field>
        <Field label={t('destination')} error={errors.destinationGroupId} required><select value={form.destinationGroupId} onChange={set('destinationGroupId')}>{options}</select></Field>
        <Field label={t('protocol')}><select value={form.protocol} onChange={set('protocol')}>{['tcp', 'udp', 'icmp', 'all'].map(p => <option key={p} value={p}>{p}</option>)}</select></Field>
        {(form.protocol === 'tcp' || form.protocol === 'udp') && <Field label={t('ports')} hint={t('portsHint')} error={errors.ports}><input value={form.ports} onChange={set('ports')} /></Field>}
        <label><input type='checkbox' checked={form.bidirectional} onChange={set('bidirectional')} /> {t('bidirectional')}</label>
      </form>
    </Dialog>
  )
}

/** "Why can A (not) reach B?": the policies that allow it, or the near misses and what is missing. */
function Explainer ({ network }: { network: Network }) {
  const t = useT(messages)
  const api = useApi()
  const peers = useApiData<Page<Peer>>('/api/v1/vpn/peers', { networkId: network.id, limit: 200 })
  const [q, setQ] = useState({ from: '', to: '', protocol: 'tcp', port: '' })
  const [answer, setAnswer] = useState<Reachability | null>(null)
  const [error, setError] = useState<unknown>(null)
  const set = (k: keyof typeof q) => (e: { target: { value: string } }) => setQ(v => ({ ...v, [k]: e.target.value }))
  const check = async (e: FormEvent) => {
    e.preventDefault()
    if (!q.from || !q.to) return
    setError(null)
    try {
      const qs = new URLSearchParams({ from: q.from, to: q.to, protocol: q.protocol, ...(q.port && q.protocol !== 'icmp' ? { port: q.port } : {}) })
      setAnswer(await api.get<Reachability>(`/api/v1/vpn/reachability?${qs}`))
    } catch (err) { setError(err); setAnswer(null) }
  }
  const list = peers.data?.items.filter(p => !p.revokedAt) ?? []
  const names = (gs: Array<{ name: string }>) => gs.map(g => g.name).join(', ') || t('noGroup')
  return (
    <section className='mz-stack' aria-labelledby='vpn-explainer'>
      <h2 id='vpn-explainer'>{t('explainer')}</h2>
      <form onSubmit={check} className='vpn-row' noValidate>
        <Field label={t('from')}><select value={q.from} onChange={set('from')}><option value=''>—</option>{list.map(p => <option key={p.id} value={p.id}>{p.name}</option>)}</select></Field>
        <Field label={t('to')}><select value={q.to} onChange={set('to')}><option value=''>—</option>{list.map(p => <option key={p.id} value={p.id}>{p.name}</option>)}</select></Field>
        <Field label={t('protocol')}><select value={q.protocol} onChange={set('protocol')}>{['tcp', 'udp', 'icmp'].map(p => <option key={p} value={p}>{p}</option>)}</select></Field>
        <Field label={t('port')}><input type='number' min={1} max={65535} value={q.port} onChange={set('port')} /></Field>
        <button type='submit' className='mz-button mz-button--primary'>{t('check')}</button>
      </form>
      {error !== null && <ErrorState error={error} />}
      {answer && (
        <div className='vpn-answer' data-allowed={String(answer.allowed)} role='status'>
          {answer.reason === 'allowed' && <p>{t('allowedBy', { from: answer.from.name, to: answer.to.name })}</p>}
          {answer.reason === 'same_peer' && <p>{t('samePeer')}</p>}
          {answer.reason === 'revoked' && <p>{t('deniedRevoked')}</p>}
          {answer.reason === 'no_groups' && <p>{t('deniedNoGroups', { who: answer.from.groups.length ? answer.to.name : answer.from.name })}</p>}
          {answer.reason === 'no_policy' && <p>{t('deniedNoPolicy', { fromGroups: names(answer.from.groups), toGroups: names(answer.to.groups) })}</p>}
          {answer.reason === 'mismatch' && <p>{t('deniedMismatch')}</p>}
          {(answer.policies.length > 0 || answer.nearMisses.length > 0) && (
            <ul>
              {answer.policies.map(p => <li key={p.id}>{p.name}: {p.sourceGroupName} → {p.destinationGroupName} {p.direction === 'reverse' ? t('reverse') : ''}</li>)}
              {answer.nearMisses.map(p => <li key={p.id}>{p.name}: {t(`mismatch_${p.mismatch}` as 'mismatch_port')}</li>)}
            </ul>
          )}
          {!answer.allowed && (answer.reason === 'no_policy' || answer.reason === 'mismatch' || answer.reason === 'no_groups') && (
            <p>{t('missingHint', { fromGroups: names(answer.from.groups), toGroups: names(answer.to.groups), protocol: answer.protocol, port: answer.port ? ` ${answer.port}` : '' })}</p>
          )}
        </div>
      )}
    </section>
  )
}

/** The network's groups with their members; admins create a group and pick its members. */
function Groups ({ network, groups, onChanged }: { network: Network, groups: Group[], onChanged: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const isAdmin = useHasPermission('vpn.admin')
  const peers = useApiData<Page<Peer>>('/api/v1/vpn/peers', { networkId: network.id, limit: 200 })
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [members, setMembers] = useState<string[]>([])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const peerName = new Map((peers.data?.items ?? []).map(p => [p.id, p.name]))
  const columns: Column<Group>[] = [
    { key: 'name', header: t('name'), render: g => g.name },
    { key: 'members', header: t('members'), render: g => g.peerIds.map(id => peerName.get(id) ?? id).join(', ') || '—' }
  ]
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) { setErrors({ name: t('required') }); return }
    try {
      await api.post('/api/v1/vpn/groups', { networkId: network.id, name: name.trim(), peerIds: members })
      setOpen(false); setName(''); setMembers([]); setErrors({}); onChanged()
    } catch (err) { setErrors(fieldErrors(err)) }
  }
  return (
    <section className='mz-stack' aria-labelledby='vpn-groups'>
      <h2 id='vpn-groups'>{t('groups')}</h2>
      {isAdmin && <div><button type='button' className='mz-button' onClick={() => setOpen(true)}>{t('newGroup')}</button></div>}
      <DataTable caption={t('groupList')} hideCaption rows={groups} columns={columns} rowKey={g => g.id} empty={t('noGroups')} />
      <Dialog open={open} onClose={() => setOpen(false)} title={t('newGroup')} footer={<>
        <button type='button' className='mz-button' onClick={() => setOpen(false)}>{t('cancel')}</button>
        <button type='submit' form='vpn-new-group' className='mz-button mz-button--primary'>{t('create')}</button>
      </>}>
        <form id='vpn-new-group' onSubmit={submit} noValidate className='mz-stack'>
          <Field label={t('name')} error={errors.name} required><input value={name} onChange={e => setName(e.target.value)} /></Field>
          <Field label={t('members')} error={errors.peerIds}>
            <select multiple value={members} onChange={e => setMembers(Array.from(e.target.selectedOptions, o => o.value))}>
              {(peers.data?.items ?? []).filter(p => !p.revokedAt).map(p => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </Field>
        </form>
      </Dialog>
    </section>
  )
}
