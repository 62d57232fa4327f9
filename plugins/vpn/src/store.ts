import type { Transaction } from '@monozu/kernel'
import type { CompileInput, Protocol } from './policy/model.ts'
import type { RenderNetwork, RenderPeer } from './config/render.ts'
import { iso } from './http.ts'

export interface NetworkRow {
  id: string, name: string, cidr4: string, prefix6: string | null, dns: string[], search_domains: string[],
  listen_port: number, mtu: number | null, created_at: Date, updated_at: Date
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

export function presentNetwork (r: NetworkRow, peerCount?: number) {
  return {
    id: r.id, name: r.name, cidr4: r.cidr4, prefix6: r.prefix6, dns: json<string[]>(r.dns), searchDomains: json<string[]>(r.search_domains),
    listenPort: r.listen_port, mtu: r.mtu, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
    ...(peerCount !== undefined ? { peerCount } : {})
  }
}

export const renderNetwork = (r: NetworkRow): RenderNetwork => ({
  name: r.name,
  prefix: Number(r.cidr4.split('/')[1]),
  prefix6Length: r.prefix6 ? Number(r.prefix6.split('/')[1]) : null,
  dns: json<string[]>(r.dns),
  searchDomains: json<string[]>(r.search_domains),
  listenPort: r.listen_port,
  mtu: r.mtu
})

export interface PeerRow {
  id: string, network_id: string, name: string, kind: 'appliance' | 'user', device_id: string | null, user_id: string | null,
  public_key: string, address4: string, host_index: string | number, address6: string | null, endpoint: string | null,
  keepalive: number | null, key_created_at: Date, revoked_at: Date | null, setup_key_id: string | null, created_at: Date, updated_at: Date
}

export const renderPeer = (r: PeerRow): RenderPeer => ({
  id: r.id, name: r.name, kind: r.kind, publicKey: r.public_key, address4: r.address4, address6: r.address6, endpoint: r.endpoint, keepalive: r.keepalive
})

export interface NetworkState {
  network: NetworkRow
  peers: PeerRow[]
  input: CompileInput
}

/** Everything the compiler needs of one network, in five reads. */
export async function loadNetwork (trx: Transaction, networkId: string): Promise<NetworkState | null> {
  const network = await trx('vpn_networks').where({ id: networkId }).first() as NetworkRow | undefined
  if (!network) return null
  const [peers, groups, members, policies, routes] = await Promise.all([
    trx('vpn_peers').where({ network_id: networkId }).orderBy('host_index') as Promise<PeerRow[]>,
    trx('vpn_groups').where({ network_id: networkId }).select('id', 'name').orderBy('name_key'),
    trx('vpn_group_members as m').join('vpn_groups as g', function () { this.on('g.id', 'm.group_id').andOn('g.tenant_id', 'm.tenant_id') })
      .where('g.network_id', networkId).select('m.group_id', 'm.peer_id'),
    trx('vpn_policies').where({ network_id: networkId }).orderBy(['created_at', 'id']),
    trx('vpn_routes').where({ network_id: networkId }).orderBy(['created_at', 'id'])
  ])
  const groupsOf = new Map<string, string[]>()
  for (const m of members as Array<{ group_id: string, peer_id: string }>) {
    let l = groupsOf.get(m.peer_id)
    if (!l) groupsOf.set(m.peer_id, l = [])
    l.push(m.group_id)
  }
  return {
    network,
    peers,
    input: {
      peers: peers.map(p => ({ id: p.id, name: p.name, address4: p.address4, address6: p.address6, groupIds: groupsOf.get(p.id) ?? [], revoked: p.revoked_at !== null })),
      groups: groups as Array<{ id: string, name: string }>,
      policies: policies.map((p: Record<string, unknown>) => ({
        id: p.id as string, name: p.name as string, sourceGroupId: p.source_group_id as string, destinationGroupId: p.destination_group_id as string,
        protocol: p.protocol as Protocol, ports: json<string[]>(p.ports), bidirectional: Boolean(p.bidirectional), enabled: Boolean(p.enabled)
      })),
      routes: routes.map((r: Record<string, unknown>) => ({
        id: r.id as string, peerId: r.peer_id as string, kind: r.kind as 'subnet' | 'exit', cidr: r.cidr as string, groupIds: json<string[]>(r.group_ids), enabled: Boolean(r.enabled)
      }))
    }
  }
}
