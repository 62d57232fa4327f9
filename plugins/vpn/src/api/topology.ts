import type { FastifyInstance } from 'fastify'
import type { Vpn } from '../context.ts'
import { notFound, uuidParam } from '../http.ts'
import { loadNetwork } from '../store.ts'
import type { CompileInput } from '../policy/model.ts'

/** Links beyond this are left out (`truncated`): a picture of more says nothing, and the reachability explainer answers any pair. */
export const MAX_LINKS = 5000

export interface Link { from: string, to: string, policies: string[] }

/**
 * Who may open connections to whom, by policy (deny by default): for each enabled policy every
 * member of the source group reaches every member of the destination group, and the other way
 * round when it is bidirectional. Revoked peers take part in nothing. Pure, for the topology view.
 */
export function linksOf (input: CompileInput, max = MAX_LINKS): { links: Link[], truncated: boolean } {
  const live = new Set(input.peers.filter(p => !p.revoked).map(p => p.id))
  const members = new Map<string, string[]>()
  for (const p of input.peers) {
    if (!live.has(p.id)) continue
    for (const g of p.groupIds) { let l = members.get(g); if (!l) members.set(g, l = []); l.push(p.id) }
  }
  const byPair = new Map<string, Link>()
  let truncated = false
  const add = (from: string, to: string, policy: string) => {
    if (from === to) return
    const key = `${from}>${to}`
    const link = byPair.get(key)
    if (link) { if (!link.policies.includes(policy)) link.policies.push(policy); return }
    if (byPair.size >= max) { truncated = true; return }
    byPair.set(key, { from, to, policies: [policy] })
  }
  for (const policy of input.policies) {
    if (!policy.enabled) continue
    const sources = members.get(policy.sourceGroupId) ?? []
    const destinations = members.get(policy.destinationGroupId) ?? []
    for (const s of sources) {
      for (const d of destinations) {
        add(s, d, policy.id)
        if (policy.bidirectional) add(d, s, policy.id)
      }
    }
  }
  return { links: [...byPair.values()], truncated }
}

export function topologyRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/networks/:id/topology', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'The network as a graph: peers (with status), groups, routes and exit nodes, and which peer may reach which by policy (directed links)',
      tags: ['vpn'], params: uuidParam
    }
  }, async request => {
    const { id } = request.params as { id: string }
    return request.withTenant(async trx => {
      const state = await loadNetwork(trx, id)
      if (!state) throw notFound('network', id)
      const ids = state.peers.map(p => p.id)
      const statuses = new Map((ids.length ? await trx('vpn_peer_status').whereIn('peer_id', ids).select('peer_id', 'status', 'flapping') : [] as Array<{ peer_id: string, status: string, flapping: boolean }>)
        .map((s: { peer_id: string, status: string, flapping: boolean }) => [s.peer_id, s]))
      const { links, truncated } = linksOf(state.input)
      const groupsOf = new Map(state.input.peers.map(p => [p.id, p.groupIds]))
      return {
        network: { id: state.network.id, name: state.network.name, cidr4: state.network.cidr4 },
        peers: state.peers.filter(p => p.revoked_at === null).map(p => ({
          id: p.id, name: p.name, kind: p.kind, address4: p.address4, groupIds: groupsOf.get(p.id) ?? [],
          status: statuses.get(p.id)?.status ?? 'never', flapping: Boolean(statuses.get(p.id)?.flapping)
        })),
        groups: state.input.groups,
        policies: state.input.policies.map(p => ({ id: p.id, name: p.name, protocol: p.protocol, ports: p.ports, bidirectional: p.bidirectional, enabled: p.enabled })),
        routes: state.input.routes.filter(r => r.enabled).map(r => ({ id: r.id, peerId: r.peerId, kind: r.kind, cidr: r.cidr, groupIds: r.groupIds })),
        links,
        truncated
      }
    })
  })
}
