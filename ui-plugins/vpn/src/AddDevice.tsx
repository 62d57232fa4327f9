import { useEffect, useRef, useState, type FormEvent } from 'react'
import QRCode from 'qrcode'
import { fieldErrors, useApi, useApiData, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { generateKeyPair, withPrivateKey } from './keys.ts'
import { messages } from './messages.ts'
import { NetworkGate } from './network.tsx'
import type { Group, Network, Page, Peer } from './types.ts'

export function AddDevice (_props: ModuleProps) {
  const t = useT(messages)
  return (
    <>
      <h1>{t('addDevice')}</h1>
      <p>{t('addIntro')}</p>
      <NetworkGate>{network => <Add network={network} />}</NetworkGate>
    </>
  )
}

/**
 * Generates the X25519 pair with WebCrypto, sends the public key only (POST /peers), reads the
 * rendered config (which has no private key) and puts the private key into it here, for the
 * download and the QR code. The private key lives in this component's state and nowhere else.
 */
function Add ({ network }: { network: Network }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const groups = useApiData<Page<Group>>('/api/v1/vpn/groups', { networkId: network.id, limit: 200 })
  const [name, setName] = useState('')
  const [groupIds, setGroupIds] = useState<string[]>([])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [config, setConfig] = useState<string | null>(null)
  const [download, setDownload] = useState<string | null>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const supported = typeof crypto !== 'undefined' && crypto.subtle !== undefined

  useEffect(() => {
    if (!config || !canvas.current) return
    QRCode.toCanvas(canvas.current, config, { errorCorrectionLevel: 'L', width: 320 }).catch(() => {})
    const url = URL.createObjectURL(new Blob([config], { type: 'text/plain' }))
    setDownload(url)
    return () => URL.revokeObjectURL(url)
  }, [config])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) { setErrors({ name: t('required') }); return }
    setBusy(true)
    try {
      const keys = await generateKeyPair()
      const peer = await api.post<Peer>('/api/v1/vpn/peers', { networkId: network.id, name: name.trim(), kind: 'user', publicKey: keys.publicKey, groupIds })
      const rendered = await api.get<{ config: string }>(`/api/v1/vpn/peers/${peer.id}/config`)
      setConfig(withPrivateKey(rendered.config, keys.privateKey))
      toast({ kind: 'success', message: t('added', { name: peer.name, address: peer.address4 }) })
    } catch (err) {
      const fields = fieldErrors(err)
      setErrors(fields)
      if (Object.keys(fields).length === 0) toast({ kind: 'error', message: err instanceof DOMException ? t('noWebCrypto') : String((err as Error).message) })
    } finally { setBusy(false) }
  }

  if (!supported) return <p role='alert'>{t('noWebCrypto')}</p>
  if (config) {
    return (
      <section className='mz-stack' aria-labelledby='vpn-config'>
        <h2 id='vpn-config'>{t('configTitle')}</h2>
        <p>{t('configHint')}</p>
        <pre className='vpn-config' tabIndex={0} aria-label={t('configTitle')}>{config}</pre>
        {download && <a className='mz-button mz-button--primary' href={download} download={`${name.trim().replace(/[^A-Za-z0-9_-]+/g, '-') || 'monozu'}.conf`}>{t('download')}</a>}
        <canvas ref={canvas} className='vpn-qr' role='img' aria-label={t('qr')} />
      </section>
    )
  }
  return (
    <form onSubmit={submit} noValidate className='mz-stack'>
      <Field label={t('deviceName')} error={errors.name} required><input value={name} onChange={e => setName(e.target.value)} /></Field>
      <Field label={t('groups')}>
        <select multiple value={groupIds} onChange={e => setGroupIds(Array.from(e.target.selectedOptions, o => o.value))}>
          {(groups.data?.items ?? []).map(g => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </Field>
      <div><button type='submit' className='mz-button mz-button--primary' disabled={busy}>{busy ? t('generating') : t('generate')}</button></div>
    </form>
  )
}
