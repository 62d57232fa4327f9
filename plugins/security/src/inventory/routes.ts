import type { FastifyInstance } from 'fastify'
import { decodeCursor, page, pageOf } from '@monozu/kernel'
import { iso } from '../http.ts'
import { NO_NUL } from '../http.ts'

interface Row {
  id: string, asset_key: string, ci_id: string | null, ci_name: string | null, device_id: string | null, source: string, ecosystem: string
  name: string, version: string, purl: string | null, observed_at: Date | string, changed_at: Date | string
}

const itemOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, assetKey: { type: 'string' }, ciId: { type: ['string', 'null'] }, ciName: { type: ['string', 'null'] }, deviceId: { type: ['string', 'null'] },
    source: { type: 'string' }, ecosystem: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' }, purl: { type: ['string', 'null'] },
    observedAt: { type: 'string' }, changedAt: { type: 'string' }
  }
} as const

export const presentItem = (r: Row) => ({
  id: r.id, assetKey: r.asset_key, ciId: r.ci_id, ciName: r.ci_name, deviceId: r.device_id, source: r.source, ecosystem: r.ecosystem, name: r.name,
  version: r.version, purl: r.purl, observedAt: iso(r.observed_at), changedAt: iso(r.changed_at)
})

export function inventoryRoutes (app: FastifyInstance): void {
  app.get('/api/v1/security/inventory', {
    config: { permission: 'security.read' },
    schema: {
      summary: 'Software inventory: one row per package version per asset and source (where the data came from and when)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          deviceId: { type: 'string', format: 'uuid', description: 'The reporting appliance' },
          ciId: { type: 'string', format: 'uuid' },
          assetKey: { type: 'string', maxLength: 80, pattern: NO_NUL, description: 'One asset (ci:<uuid> or device:<uuid>), as findings name it' },
          ecosystem: { type: 'string', maxLength: 64, pattern: NO_NUL },
          name: { type: 'string', maxLength: 214, pattern: NO_NUL },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 500, pattern: NO_NUL }
        }
      },
      response: { 200: pageOf(itemOut) }
    }
  }, async request => {
    const q = request.query as { deviceId?: string, ciId?: string, assetKey?: string, ecosystem?: string, name?: string, limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { id: 'uuid' })
    const rows = await request.withTenant(trx => trx('security_inventory').select('*')
      .modify(b => {
        if (q.deviceId) b.where('device_id', q.deviceId)
        if (q.ciId) b.where('ci_id', q.ciId)
        if (q.assetKey) b.where('asset_key', q.assetKey)
        if (q.ecosystem) b.where('ecosystem', q.ecosystem)
        if (q.name) b.where('name', q.name)
        if (after) b.where('id', '>', after.id)
      }).orderBy('id').limit(q.limit + 1)) as Row[]
    const result = page(rows, q.limit, r => ({ id: r.id }))
    return { items: result.items.map(presentItem), nextCursor: result.nextCursor }
  })
}
