import type { PeerPlan } from '../policy/model.ts'

export interface RenderNetwork { name: string, prefix: number, prefix6Length: number | null, dns: string[], searchDomains: string[], listenPort: number, mtu: number | null }
export interface RenderPeer { id: string, name: string, kind: 'appliance' | 'user', publicKey: string, address4: string, address6: string | null, endpoint: string | null, keepalive: number | null }

/** Where an appliance keeps its private key: the agent writes it there, the server never sees it. */
export const APPLIANCE_KEY_PATH = '/etc/monozu/vpn/private.key'
export const PRIVATE_KEY_PLACEHOLDER = '# PrivateKey = <the private key stays on your device>'

// Names go into comments only: a newline in one must not start a new directive.
const comment = (s: string) => s.replace(/[\r\n]+/g, ' ')

/**
 * A peer's config in wg-quick format (wg-quick(8): [Interface] Address, DNS, MTU, ListenPort,
 * PostUp; [Peer] PublicKey, AllowedIPs, Endpoint, PersistentKeepalive). There is no PrivateKey
 * line: an appliance's agent loads its key from APPLIANCE_KEY_PATH in PostUp, and the browser
 * puts a user device's key in place of the placeholder comment before offering the file.
 * Peers without an endpoint of their own keep NAT mappings open with PersistentKeepalive 25.
 */
export function renderWgQuick (network: RenderNetwork, self: RenderPeer, plan: PeerPlan, peersById: ReadonlyMap<string, RenderPeer>): string {
  const lines: string[] = [
    `# Monozu VPN: network ${comment(network.name)}, peer ${comment(self.name)}`,
    '[Interface]',
    self.kind === 'appliance' ? `PostUp = wg set %i private-key ${APPLIANCE_KEY_PATH}` : PRIVATE_KEY_PLACEHOLDER,
    `Address = ${[`${self.address4}/${network.prefix}`, ...(self.address6 && network.prefix6Length ? [`${self.address6}/${network.prefix6Length}`] : [])].join(', ')}`
  ]
  if (self.kind === 'appliance' || self.endpoint) lines.push(`ListenPort = ${network.listenPort}`)
  const dns = [...network.dns, ...network.searchDomains]
  if (dns.length > 0 && self.kind === 'user') lines.push(`DNS = ${dns.join(', ')}`)
  if (network.mtu) lines.push(`MTU = ${network.mtu}`)
  for (const entry of plan.peers) {
    const other = peersById.get(entry.peerId)
    if (!other) continue
    lines.push('', `# ${comment(other.name)}`, '[Peer]', `PublicKey = ${other.publicKey}`, `AllowedIPs = ${entry.allowedIps.join(', ')}`)
    if (other.endpoint) lines.push(`Endpoint = ${other.endpoint}`)
    const keepalive = other.keepalive ?? (self.endpoint ? null : 25)
    if (keepalive) lines.push(`PersistentKeepalive = ${keepalive}`)
  }
  return `${lines.join('\n')}\n`
}

/** An appliance's firewall, as JSON its agent turns into nftables rules: drop unless a rule allows. */
export function renderFirewall (self: RenderPeer, plan: PeerPlan): string {
  return JSON.stringify({
    peer: self.id,
    default: 'drop',
    inbound: plan.inbound.map(r => ({ policy: r.policyId, name: r.policyName, from: r.from, protocol: r.protocol, ports: r.ports })),
    forward: plan.forward.map(f => ({ route: f.routeId, kind: f.kind, from: f.from, to: f.to }))
  })
}
