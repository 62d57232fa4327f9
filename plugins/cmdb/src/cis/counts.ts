import type { FastifyInstance } from 'fastify'
import { loadRegistry } from '../types/registry.ts'

const count = { type: 'integer', minimum: 0 } as const

/**
 * GET /api/v1/cmdb/counts: how many CIs each type has (types without CIs included, largest
 * first), for summary widgets; one grouped query instead of paging through the list.
 */
export function countRoutes (app: FastifyInstance): void {
  app.get('/api/v1/cmdb/counts', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'CIs per type',
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' }, builtin: { type: 'boolean' }, count } } },
            total: count
          }
        }
      }
    }
  }, async request => {
    const { registry, rows } = await request.withTenant(async trx => ({
      registry: await loadRegistry(trx),
      rows: await trx('cmdb_cis').groupBy('type').select('type').count('* as n') as Array<{ type: string, n: number | string }>
    }))
    const counts = new Map(rows.map(r => [r.type, Number(r.n)]))
    const items = [...registry.types.values()].map(t => ({ type: t.key, label: t.label, builtin: t.builtin, count: counts.get(t.key) ?? 0 }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type))
    return { items, total: items.reduce((sum, i) => sum + i.count, 0) }
  })
}
