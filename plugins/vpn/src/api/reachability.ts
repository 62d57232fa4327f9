import type { FastifyInstance } from 'fastify'
import { ApiError } from '@monozu/kernel'
import { reachability } from '../policy/reachability.ts'
import type { Protocol } from '../policy/model.ts'
import type { Vpn } from '../context.ts'
import { invalid, notFound, uuid } from '../http.ts'
import { loadNetwork } from '../store.ts'

export function reachabilityRoutes (app: FastifyInstance, _vpn: Vpn): void {
  app.get('/api/v1/vpn/reachability', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Can peer `from` open a connection to peer `to` (protocol, port)? With the allowing policies, or the near misses and what is missing', tags: ['vpn'],
      querystring: {
        type: 'object', additionalProperties: false, required: ['from', 'to'],
        properties: { from: uuid, to: uuid, port: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { enum: ['tcp', 'udp', 'icmp'], default: 'tcp' } }
      }
    }
  }, async request => {
    const qs = request.query as { from: string, to: string, port?: number, protocol: Protocol }
    return request.withTenant(async trx => {
      const peers = await trx('vpn_peers').whereIn('id', [qs.from, qs.to]).select('id', 'network_id')
      const from = peers.find((p: { id: string }) => p.id === qs.from)
      const to = peers.find((p: { id: string }) => p.id === qs.to)
      if (!from) throw notFound('peer', qs.from)
      if (!to) throw notFound('peer', qs.to)
      if (from.network_id !== to.network_id) throw invalid('/to', 'the peers are in different networks: they never reach each other', 'querystring')
      const state = await loadNetwork(trx, from.network_id)
      if (!state) throw new ApiError('not_found', 'No network')
      const answer = reachability(state.input, qs.from, qs.to, qs.protocol, qs.port ?? null)
      const groupName = new Map(state.input.groups.map(g => [g.id, g.name]))
      const peerName = new Map(state.input.peers.map(p => [p.id, p.name]))
      const named = <T extends { sourceGroupId: string, destinationGroupId: string }>(p: T) => ({ ...p, sourceGroupName: groupName.get(p.sourceGroupId), destinationGroupName: groupName.get(p.destinationGroupId) })
      return {
        from: { id: qs.from, name: peerName.get(qs.from), groups: state.input.peers.find(p => p.id === qs.from)!.groupIds.map(id => ({ id, name: groupName.get(id) })) },
        to: { id: qs.to, name: peerName.get(qs.to), groups: state.input.peers.find(p => p.id === qs.to)!.groupIds.map(id => ({ id, name: groupName.get(id) })) },
        protocol: qs.protocol,
        port: qs.port ?? null,
        allowed: answer.allowed,
        reason: answer.reason,
        policies: answer.policies.map(named),
        nearMisses: answer.nearMisses.map(named),
        missing: answer.missing
      }
    })
  })
}
