/** What the compiler needs of a network; the same shapes the store loads. Pure data. */
export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp'

export interface CompilePeer {
  id: string
  name: string
  address4: string
  address6: string | null
  groupIds: string[]
  /** Revoked peers take part in nothing: they vanish from every other peer's config. */
  revoked: boolean
}

export interface CompileGroup { id: string, name: string }

export interface CompilePolicy {
  id: string
  name: string
  sourceGroupId: string
  destinationGroupId: string
  protocol: Protocol
  /** Empty: every port. Items are "22" or "8000-8100". Ignored for icmp. */
  ports: string[]
  bidirectional: boolean
  enabled: boolean
}

export interface CompileRoute {
  id: string
  /** The router: traffic to `cidr` goes through this peer. */
  peerId: string
  kind: 'subnet' | 'exit'
  cidr: string
  /** The groups whose peers may use the route. */
  groupIds: string[]
  enabled: boolean
}

export interface CompileInput {
  peers: CompilePeer[]
  groups: CompileGroup[]
  policies: CompilePolicy[]
  routes: CompileRoute[]
}

/** One inbound allow rule of a peer's firewall; everything else is dropped (deny by default). */
export interface FirewallRule {
  policyId: string
  policyName: string
  /** The group the traffic comes from. */
  fromGroupId: string
  /** The sources' tunnel addresses (/32 and /128). */
  from: string[]
  protocol: Protocol
  ports: string[]
}

/** Forwarding a router allows: from the route's groups to the route's destination. */
export interface ForwardRule { routeId: string, kind: 'subnet' | 'exit', to: string, from: string[] }

export interface PeerPlan {
  peerId: string
  /** The WireGuard [Peer] sections: every peer a policy or route connects this one with. */
  readonly peers: Array<{ peerId: string, allowedIps: string[] }>
  /** How many [Peer] sections (without materialising them). */
  peerCount: number
  inbound: FirewallRule[]
  forward: ForwardRule[]
  /** Routes not installed because another router already serves the same destination to this peer. */
  shadowedRoutes: string[]
}
