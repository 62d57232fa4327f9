import { useState, type FormEvent } from 'react'
import { ErrorState, fieldErrors, useApi, useApiData, useFormat, useT } from '@monozu/ui-sdk'
import { DataTable, Dialog, Field, StatusBadge, type Column } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { NetworkGate } from './network.tsx'
import type { Group, Network, Page, SetupKey } from './types.ts'

export function SetupKeysPage () {
  const t = useT(messages)
  return (
    <>
      <h1>{t('setupKeys')}</h1>
      <NetworkGate>{network => <Keys network={network} />}</NetworkGate>
    </>
  )
}

function Keys ({ network }: { network: Network }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const keys = useApiData<Page<SetupKey>>('/api/v1/vpn/setup-keys', { networkId: network.id, limit: 200 })
  const groups = useApiData<Page<Group>>('/api/v1/vpn/groups', { networkId: network.id, limit: 200 })
  const [open, setOpen] = useState(false)
  const [shown, setShown] = useState<string | null>(null)
  if (keys.error) return <ErrorState error={keys.error} onRetry={keys.reload} />
  const groupName = new Map((groups.data?.items ?? []).map(g => [g.id, g.name]))
  const tones = { valid: 'success', revoked: 'neutral', expired: 'warning', used_up: 'neutral' } as const
  const columns: Column<SetupKey>[] = [
    { key: 'name', header: t('name'), render: k => <>{k.name} <span className='vpn-mono'>{k.prefix}…</span></> },
    { key: 'state', header: t('state'), render: k => <StatusBadge status={k.state} label={t(`state_${k.state}`)} tone={tones[k.state]} /> },
    { key: 'used', header: t('used'), render: k => `${k.usedCount}${k.usageLimit !== null ? ` / ${k.usageLimit}` : ''}${k.reusable ? '' : ` (${t('oneOff')})`}` },
    { key: 'groups', header: t('autoGroups'), render: k => k.autoGroupIds.map(g => groupName.get(g) ?? g).join(', ') || '—' },
    { key: 'expires', header: t('expires'), render: k => fmt.dateTime(k.expiresAt) },
    { key: 'actions', header: '', render: k => k.state === 'valid' ? <button type='button' className='mz-button mz-button--small' onClick={() => { api.post(`/api/v1/vpn/setup-keys/${k.id}/revoke`).then(keys.reload, () => {}) }}>{t('revokeKey')}<span className='mz-visually-hidden'> {k.name}</span></button> : null }
  ]
  return (
    <>
      <div><button type='button' className='mz-button mz-button--primary' onClick={() => setOpen(true)}>{t('newKey')}</button></div>
      {shown && (
        <div className='vpn-answer' role='status'>
          <p>{t('keyShownOnce')}</p>
          <p className='vpn-mono'>{shown}</p>
        </div>
      )}
      <DataTable caption={t('keyList')} rows={keys.data?.items ?? []} columns={columns} rowKey={k => k.id} empty={t('noKeys')} />
      <NewKey open={open} network={network} groups={groups.data?.items ?? []} onClose={() => setOpen(false)} onCreated={key => { setOpen(false); setShown(key); keys.reload() }} />
    </>
  )
}

function NewKey ({ open, network, groups, onClose, onCreated }: { open: boolean, network: Network, groups: Group[], onClose: () => void, onCreated: (key: string) => void }) {
  const t = useT(messages)
  const api = useApi()
  const [form, setForm] = useState({ name: '', reusable: false, usageLimit: '', expiresInHours: '168', autoGroupIds: [] as string[] })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!form.name.trim()) { setErrors({ name: t('required') }); return }
    try {
      const created = await api.post<SetupKey>('/api/v1/vpn/setup-keys', {
        networkId: network.id, name: form.name.trim(), reusable: form.reusable, expiresInHours: Number(form.expiresInHours),
        ...(form.reusable && form.usageLimit ? { usageLimit: Number(form.usageLimit) } : {}), autoGroupIds: form.autoGroupIds
      })
      onCreated(created.key ?? '')
    } catch (err) { setErrors(fieldErrors(err)) }
  }
  return (
    <Dialog open={open} onClose={onClose} title={t('newKey')} footer={<>
      <button type='button' className='mz-button' onClick={onClose}>{t('cancel')}</button>
      <button type='submit' form='vpn-new-key' className='mz-button mz-button--primary'>{t('create')}</button>
    </>}>
      <form id='vpn-new-key' onSubmit={submit} noValidate className='mz-stack'>
        <Field label={t('name')} error={errors.name} required><input value={form.name} onChange={e => setForm(f => ({ ...f, name: e.target.value }))} /></Field>
        <label><input type='checkbox' checked={form.reusable} onChange={e => setForm(f => ({ ...f, reusable: e.target.checked }))} /> {t('reusable')}</label>
        {form.reusable && <Field label={t('usageLimit')} hint={t('usageLimitHint')} error={errors.usageLimit}><input type='number' min={1} value={form.usageLimit} onChange={e => setForm(f => ({ ...f, usageLimit: e.target.value }))} /></Field>}
        <Field label={t('expiresIn')} error={errors.expiresInHours}><input type='number' min={1} max={8760} value={form.expiresInHours} onChange={e => setForm(f => ({ ...f, expiresInHours: e.target.value }))} /></Field>
        <Field label={t('autoGroups')}>
          <select multiple value={form.autoGroupIds} onChange={e => setForm(f => ({ ...f, autoGroupIds: Array.from(e.target.selectedOptions, o => o.value) }))}>
            {groups.map(g => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </Field>
      </form>
    </Dialog>
  )
}
