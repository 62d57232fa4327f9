import type { CompileInput, CompilePolicy, FirewallRule, ForwardRule, PeerPlan } from './model.ts'

/**
 * Compiles a network's groups, policies and routes into each peer's WireGuard peers (with their
 * AllowedIPs) and firewall rules. Deny by default: two peers are WireGuard peers of each other
 * only if an enabled policy connects one of their groups to the other's (in either direction,
 * since replies need the tunnel too), and a peer's firewall accepts only what a policy lets in.
 * A one-way policy A -> B lets A open connections to B (B's inbound rule) but not B to A; the
 * appliance's firewall is stateful, so B's replies pass.
 *
 * Work is done per group, not per peer pair: rule objects are shared by every member of a group,
 * and each peer's peer list is a union of member lists, de-duplicated with a stamp array. Pure.
 */
export function compile (input: CompileInput, only?: ReadonlySet<string>): Map<string, PeerPlan> {
  const peers = input.peers.filter(p => !p.revoked)
  const index = new Map(peers.map((p, i) => [p.id, i]))
  const members = new Map<string, number[]>()
  for (const g of input.groups) members.set(g.id, [])
  peers.forEach((p, i) => { for (const g of p.groupIds) members.get(g)?.push(i) })

  const hostRoutes = peers.map(p => p.address6 ? [`${p.address4}/32`, `${p.address6}/128`] : [`${p.address4}/32`])
  const addressCache = new Map<string, string[]>()
  const addressesOf = (groupId: string) => {
    let a = addressCache.get(groupId)
    if (!a) { a = (members.get(groupId) ?? []).flatMap(i => hostRoutes[i]!); addressCache.set(groupId, a) }
    return a
  }

  // Per group: the groups its members talk to, and the inbound rules its members get.
  const talksTo = new Map<string, Set<string>>()
  const inbound = new Map<string, FirewallRule[]>()
  const link = (a: string, b: string) => { let s = talksTo.get(a); if (!s) talksTo.set(a, s = new Set()); s.add(b) }
  const allow = (policy: CompilePolicy, from: string, to: string) => {
    let rules = inbound.get(to)
    if (!rules) inbound.set(to, rules = [])
    rules.push({ policyId: policy.id, policyName: policy.name, fromGroupId: from, from: addressesOf(from), protocol: policy.protocol, ports: policy.protocol === 'icmp' ? [] : policy.ports })
  }
  for (const policy of input.policies) {
    if (!policy.enabled || !members.has(policy.sourceGroupId) || !members.has(policy.destinationGroupId)) continue
    link(policy.sourceGroupId, policy.destinationGroupId)
    link(policy.destinationGroupId, policy.sourceGroupId)
    allow(policy, policy.sourceGroupId, policy.destinationGroupId)
    if (policy.bidirectional && policy.destinationGroupId !== policy.sourceGroupId) allow(policy, policy.destinationGroupId, policy.sourceGroupId)
  }

  // Routes: a peer in one of a route's groups sends the destination through the router.
  const routesByGroup = new Map<string, typeof input.routes>()
  const forwardByRouter = new Map<number, ForwardRule[]>()
  for (const route of input.routes) {
    const router = index.get(route.peerId)
    if (!route.enabled || router === undefined) continue
    for (const g of route.groupIds) { let l = routesByGroup.get(g); if (!l) routesByGroup.set(g, l = []); l.push(route) }
    let f = forwardByRouter.get(router)
    if (!f) forwardByRouter.set(router, f = [])
    f.push({ routeId: route.id, kind: route.kind, to: route.cidr, from: [...new Set(route.groupIds.flatMap(addressesOf))] })
  }

  const stamp = new Int32Array(peers.length).fill(-1)
  const plans = new Map<string, PeerPlan>()
  peers.forEach((peer, self) => {
    if (only && !only.has(peer.id)) return
    const seen: number[] = []
    const extra = new Map<number, string[]>()
    const rules: FirewallRule[] = []
    const shadowed: string[] = []
    for (const g of peer.groupIds) {
      for (const other of talksTo.get(g) ?? []) {
        for (const m of members.get(other) ?? []) if (m !== self && stamp[m] !== self) { stamp[m] = self; seen.push(m) }
      }
      const r = inbound.get(g)
      if (r) { if (rules.length === 0) rules.push(...r); else for (const rule of r) if (!rules.includes(rule)) rules.push(rule) }
    }
    const destinations = new Set<string>()
    for (const g of peer.groupIds) {
      for (const route of routesByGroup.get(g) ?? []) {
        const router = index.get(route.peerId)!
        if (router === self) continue
        const dests = route.kind === 'exit' ? ['0.0.0.0/0', '::/0'] : [route.cidr]
        if (dests.some(d => destinations.has(d))) { if (!shadowed.includes(route.id)) shadowed.push(route.id); continue }
        for (const d of dests) destinations.add(d)
        if (stamp[router] !== self) { stamp[router] = self; seen.push(router) }
        let e = extra.get(router)
        if (!e) extra.set(router, e = [])
        e.push(...dests)
      }
    }
    const order = Int32Array.from(seen).sort()
    // The [Peer] list is materialised when first read (rendering reads it once): compiling a whole
    // network stays at index arrays, which is what keeps 5,000 peers under a second.
    let list: PeerPlan['peers'] | undefined
    plans.set(peer.id, {
      peerId: peer.id,
      get peers () {
        list ??= Array.from(order, m => ({ peerId: peers[m]!.id, allowedIps: extra.has(m) ? [...hostRoutes[m]!, ...extra.get(m)!] : hostRoutes[m]! }))
        return list
      },
      peerCount: order.length,
      inbound: rules,
      forward: forwardByRouter.get(self) ?? [],
      shadowedRoutes: shadowed
    })
  })
  return plans
}
