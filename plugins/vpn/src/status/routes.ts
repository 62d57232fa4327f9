import type { FastifyInstance } from 'fastify'
import type { Vpn } from '../context.ts'
import { iso, uuidParam } from '../http.ts'
import { peerOr404 } from '../api/peer-core.ts'
import { trafficRates } from './rates.ts'

const range = {
  type: 'object', additionalProperties: false,
  properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } }
} as const

export function statusRoutes (app: FastifyInstance, vpn: Vpn): void {
  app.get('/api/v1/vpn/peers/:id/history', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Connected intervals of a peer (default: the last 7 days), newest first; the open one has no end', tags: ['vpn'],
      params: uuidParam, querystring: range
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const qs = request.query as { from?: string, to?: string }
    const to = qs.to ? new Date(qs.to) : vpn.ctx.clock.now()
    const from = qs.from ? new Date(qs.from) : new Date(to.getTime() - 7 * 86_400_000)
    return request.withTenant(async trx => {
      await peerOr404(trx, id)
      const rows = await trx('vpn_peer_sessions').where({ peer_id: id }).where('connected_at', '<', to)
        .where(w => w.whereNull('disconnected_at').orWhere('disconnected_at', '>', from))
        .orderBy('connected_at', 'desc').limit(1000) as Array<{ connected_at: Date, disconnected_at: Date | null }>
      const status = await trx('vpn_peer_status').where({ peer_id: id }).first('flapping', 'flapping_since')
      let connectedMs = 0
      for (const r of rows) connectedMs += Math.max(0, Math.min(to.getTime(), r.disconnected_at ? new Date(r.disconnected_at).getTime() : to.getTime()) - Math.max(from.getTime(), new Date(r.connected_at).getTime()))
      return {
        from: from.toISOString(), to: to.toISOString(),
        uptimeRatio: Math.round((connectedMs / Math.max(1, to.getTime() - from.getTime())) * 10000) / 10000,
        flapping: Boolean(status?.flapping), flappingSince: iso(status?.flapping_since),
        items: rows.map(r => ({ connectedAt: iso(r.connected_at), disconnectedAt: iso(r.disconnected_at) }))
      }
    })
  })

  app.get('/api/v1/vpn/peers/:id/traffic', {
    config: { permission: 'vpn.read' },
    schema: {
      summary: 'Traffic of a peer (default: the last 24 hours), oldest first, at most 500 samples: cumulative rx/tx bytes as reported and the rate since the sample before (bytes/s; a counter that went down was reset)',
      tags: ['vpn'], params: uuidParam, querystring: range
    }
  }, async request => {
    const { id } = request.params as { id: string }
    const qs = request.query as { from?: string, to?: string }
    const to = qs.to ? new Date(qs.to) : vpn.ctx.clock.now()
    const from = qs.from ? new Date(qs.from) : new Date(to.getTime() - 86_400_000)
    return request.withTenant(async trx => {
      await peerOr404(trx, id)
      // One sample more than shown, from before the window when there is one: the first shown point gets its rate too.
      const rows = await trx('vpn_peer_traffic').where({ peer_id: id }).where('at', '<=', to).orderBy('at', 'desc').limit(501) as Array<{ at: Date, rx_bytes: string, tx_bytes: string }>
      const samples = rows.reverse().map(r => ({ at: new Date(r.at), rxBytes: Number(r.rx_bytes), txBytes: Number(r.tx_bytes) }))
      const points = trafficRates(samples).filter(p => Date.parse(p.at) >= from.getTime()).slice(-500)
      const last = points.at(-1)
      return { from: from.toISOString(), to: to.toISOString(), current: last && last.rxRate !== null ? { at: last.at, rxRate: last.rxRate, txRate: last.txRate } : null, items: points }
    })
  })
}
