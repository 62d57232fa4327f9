import { useT } from '@monozu/ui-sdk'
import { StatusBadge } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Peer } from './types.ts'

/** Connected / disconnected / never, with flapping and revoked called out. */
export function PeerStatusBadge ({ peer }: { peer: Peer }) {
  const t = useT(messages)
  if (peer.revokedAt) return <StatusBadge status='revoked' label={t('revoked')} tone='neutral' />
  return (
    <span className='vpn-row' style={{ gap: '0.25rem' }}>
      {peer.status.status === 'connected' && <StatusBadge status='connected' label={t('connected')} tone='success' />}
      {peer.status.status === 'disconnected' && <StatusBadge status='disconnected' label={t('disconnected')} tone='danger' />}
      {peer.status.status === 'never' && <StatusBadge status='never' label={t('neverConnected')} tone='neutral' />}
      {peer.status.flapping && <StatusBadge status='flapping' label={t('flapping')} tone='warning' />}
    </span>
  )
}

export function bytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
}
