import { useCallback } from 'react'
import { ErrorState, Link, joinPath, navigate, useApiData, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { DataTable, RelativeTime, useCatchUp, type Column } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { NetworkGate } from './network.tsx'
import { PeerStatusBadge } from './status.tsx'
import type { Group, Network, Page, Peer } from './types.ts'

export function PeerList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return (
    <>
      <div className='mz-page-header'>
        <h1>{t('title')}</h1>
        <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/add')}>{t('addDevice')}</Link>
      </div>
      <NetworkGate>{network => <Peers basePath={basePath} network={network} />}</NetworkGate>
    </>
  )
}

function Peers ({ basePath, network }: ModuleProps & { network: Network }) {
  const t = useT(messages)
  const fmt = useFormat()
  const peers = useApiData<Page<Peer>>('/api/v1/vpn/peers', { networkId: network.id, limit: 200 })
  const groups = useApiData<Page<Group>>('/api/v1/vpn/groups', { networkId: network.id, limit: 200 })
  const { reload } = peers
  const status = useLive(useCallback(e => {
    if (e.event === 'peer.traffic') return
    if (!('networkId' in e.data) || e.data.networkId === undefined || e.data.networkId === network.id) reload()
  }, [reload, network.id]))
  useCatchUp(status, reload)
  if (peers.error) return <ErrorState error={peers.error} onRetry={reload} />
  const groupName = new Map((groups.data?.items ?? []).map(g => [g.id, g.name]))
  const columns: Column<Peer>[] = [
    { key: 'name', header: t('name'), render: p => <Link to={joinPath(basePath, `/peers/${p.id}`)}>{p.name}</Link> },
    { key: 'kind', header: t('kind'), render: p => t(p.kind) },
    { key: 'address', header: t('address'), render: p => <span className='vpn-mono'>{p.address4}</span> },
    { key: 'status', header: t('status'), render: p => <PeerStatusBadge peer={p} /> },
    { key: 'handshake', header: t('lastHandshake'), render: p => p.status.lastHandshakeAt ? <RelativeTime at={p.status.lastHandshakeAt} /> : t('never') },
    { key: 'groups', header: t('groups'), render: p => p.groupIds.map(g => groupName.get(g) ?? g).join(', ') || '—' }
  ]
  return (
    <>
      <p>{network.name} · <span className='vpn-mono'>{network.cidr4}</span> · {t('peers')}: {fmt.number(peers.data?.items.length ?? 0)}</p>
      <DataTable caption={t('peerList')} rows={peers.data?.items ?? []} columns={columns} rowKey={p => p.id} onRowClick={p => navigate(joinPath(basePath, `/peers/${p.id}`))} empty={t('noPeers')} />
    </>
  )
}
