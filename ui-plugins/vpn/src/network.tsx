import { useState, type FormEvent } from 'react'
import { EmptyState, ErrorState, Spinner, fieldErrors, useApi, useApiData, useT, useToast } from '@monozu/ui-sdk'
import { Dialog, Field } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Network, Page } from './types.ts'

const KEY = 'monozu.vpn.network'

/** The tenant's networks and the one the user works in (remembered in this browser). */
export function useNetwork () {
  const list = useApiData<Page<Network>>('/api/v1/vpn/networks', { limit: 200 })
  const [chosen, setChosen] = useState<string | null>(() => { try { return localStorage.getItem(KEY) } catch { return null } })
  const networks = list.data?.items ?? []
  const network = networks.find(n => n.id === chosen) ?? networks[0] ?? null
  const choose = (id: string) => { setChosen(id); try { localStorage.setItem(KEY, id) } catch { /* private mode */ } }
  return { networks, network, choose, loading: list.loading, error: list.error, reload: list.reload }
}

/** The network picker (when there are several), or the states before there is one. */
export function NetworkGate ({ children }: { children: (network: Network) => React.ReactNode }) {
  const t = useT(messages)
  const n = useNetwork()
  const [creating, setCreating] = useState(false)
  if (n.loading && !n.network) return <Spinner />
  if (n.error) return <ErrorState error={n.error} onRetry={n.reload} />
  if (!n.network) {
    return (
      <>
        <EmptyState title={t('noNetwork')} action={<button type='button' className='mz-button mz-button--primary' onClick={() => setCreating(true)}>{t('createNetwork')}</button>}>{t('noNetworkHint')}</EmptyState>
        <NewNetwork open={creating} onClose={() => setCreating(false)} onCreated={() => { setCreating(false); n.reload() }} />
      </>
    )
  }
  return (
    <>
      {n.networks.length > 1 && (
        <div className='vpn-row'>
          <Field label={t('network')}>
            <select value={n.network.id} onChange={e => n.choose(e.target.value)}>
              {n.networks.map(x => <option key={x.id} value={x.id}>{x.name} ({x.cidr4})</option>)}
            </select>
          </Field>
        </div>
      )}
      {children(n.network)}
    </>
  )
}

function NewNetwork ({ open, onClose, onCreated }: { open: boolean, onClose: () => void, onCreated: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const [name, setName] = useState('')
  const [cidr4, setCidr4] = useState('100.64.0.0/24')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) { setErrors({ name: t('required') }); return }
    try {
      await api.post('/api/v1/vpn/networks', { name: name.trim(), cidr4 })
      onCreated()
    } catch (err) {
      const fields = fieldErrors(err)
      setErrors(fields)
      if (Object.keys(fields).length === 0) toast({ kind: 'error', message: String((err as Error).message) })
    }
  }
  return (
    <Dialog open={open} onClose={onClose} title={t('createNetwork')} footer={<>
      <button type='button' className='mz-button' onClick={onClose}>{t('cancel')}</button>
      <button type='submit' form='vpn-new-network' className='mz-button mz-button--primary'>{t('create')}</button>
    </>}>
      <form id='vpn-new-network' onSubmit={submit} noValidate className='mz-stack'>
        <Field label={t('name')} error={errors.name} required><input value={name} onChange={e => setName(e.target.value)} /></Field>
        <Field label={t('cidr4')} hint={t('cidr4Hint')} error={errors.cidr4} required><input value={cidr4} onChange={e => setCidr4(e.target.value)} /></Field>
      </form>
    </Dialog>
  )
}
