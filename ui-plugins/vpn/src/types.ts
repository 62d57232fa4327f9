/** What the VPN API answers (plugins/vpn/README.md). */
export interface Network { id: string, name: string, cidr4: string, prefix6: string | null, dns: string[], listenPort: number, peerCount?: number }
export interface PeerStatus { status: 'connected' | 'disconnected' | 'never', lastHandshakeAt: string | null, rxBytes: number, txBytes: number, endpoint: string | null, changedAt: string | null, flapping: boolean, flappingSince: string | null }
export interface Peer {
  id: string, networkId: string, name: string, kind: 'appliance' | 'user', deviceId: string | null, publicKey: string, address4: string, address6: string | null,
  endpoint: string | null, groupIds: string[], keyAgeDays: number, keyRotationDue: boolean, revokedAt: string | null, status: PeerStatus
  /** Appliances: whether the appliance applied its current config (vpn.apply); null for user devices. */
  apply: { state: 'pending' | 'applied' | 'failed', error: string | null, renderedAt: string | null, finishedAt: string | null } | null
}
export interface TrafficPoint { at: string, rxBytes: number, txBytes: number, rxRate: number | null, txRate: number | null, reset: boolean }
export interface Traffic { items: TrafficPoint[], current: { at: string, rxRate: number, txRate: number } | null }
export interface Topology {
  network: { id: string, name: string, cidr4: string }
  peers: Array<{ id: string, name: string, kind: 'appliance' | 'user', address4: string, groupIds: string[], status: 'connected' | 'disconnected' | 'never', flapping: boolean }>
  groups: Array<{ id: string, name: string }>
  policies: Array<{ id: string, name: string, protocol: string, ports: string[], bidirectional: boolean, enabled: boolean }>
  routes: Array<{ id: string, peerId: string, kind: 'subnet' | 'exit', cidr: string, groupIds: string[] }>
  links: Array<{ from: string, to: string, policies: string[] }>
  truncated: boolean
}
export interface Group { id: string, networkId: string, name: string, peerIds: string[] }
export interface Policy { id: string, networkId: string, name: string, sourceGroupId: string, destinationGroupId: string, protocol: string, ports: string[], bidirectional: boolean, enabled: boolean }
export interface SetupKey { id: string, name: string, prefix: string, reusable: boolean, usageLimit: number | null, usedCount: number, autoGroupIds: string[], expiresAt: string, state: 'valid' | 'revoked' | 'expired' | 'used_up', key?: string }
export interface Page<T> { items: T[], nextCursor: string | null }
export interface PolicyRef { id: string, name: string, direction: 'forward' | 'reverse', sourceGroupName?: string, destinationGroupName?: string, protocol: string, ports: string[], mismatch?: string }
export interface Reachability {
  from: { id: string, name: string, groups: Array<{ id: string, name: string }> }
  to: { id: string, name: string, groups: Array<{ id: string, name: string }> }
  protocol: string, port: number | null, allowed: boolean
  reason: 'allowed' | 'same_peer' | 'revoked' | 'no_groups' | 'no_policy' | 'mismatch'
  policies: PolicyRef[], nearMisses: PolicyRef[]
}
export type VpnEvent =
  | { event: 'peer.changed', data: { id: string, networkId: string, change: string } }
  | { event: 'peer.status', data: { id: string, networkId: string, status: string, at: string } }
  | { event: 'peer.flapping', data: { id: string, networkId: string, flapping: boolean } }
  | { event: 'peer.traffic', data: { id: string, rxBytes: number, txBytes: number, rxRate: number | null, txRate: number | null } }
  | { event: 'peer.apply', data: { id: string, state: string, error: string | null } }
  | { event: 'network.changed' | 'group.changed' | 'policy.changed' | 'route.changed', data: { id: string, networkId?: string, change: string } }
