import { isUuid } from '@monozu/kernel'
import { impact } from './relations/impact.ts'
import type { CmdbService, CiSummary } from './service.ts'

const clamp = (n: number | undefined, fallback: number, max: number) => Math.max(1, Math.min(max, Math.trunc(n ?? fallback)))

export function providedService (options: { impactMaxNodes: number }): CmdbService {
  return {
    async getCis (trx, ids) {
      ids = ids.filter(isUuid)
      if (ids.length === 0) return []
      return await trx('cmdb_cis').whereIn('id', ids).select('id', 'type', 'name', 'status') as CiSummary[]
    },
    async impact (trx, ciId, opts = {}) {
      if (!isUuid(ciId) || !await trx('cmdb_cis').where({ id: ciId }).first('id')) return null
      return impact(trx, ciId, opts.direction ?? 'up', clamp(opts.depth, 5, 10), clamp(opts.maxNodes, options.impactMaxNodes, options.impactMaxNodes))
    }
  }
}
