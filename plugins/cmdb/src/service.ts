import { defineServiceRef, type Transaction } from '@monozu/kernel'

/** A configuration item as other plugins see it. */
export interface CiSummary { id: string, type: string, name: string, status: string }

/** What depends on a CI (`up`) or what it needs (`down`): the CMDB's impact view. */
export interface CiImpact {
  items: Array<CiSummary & { distance: number }>
  edges: Array<{ relationId: string, sourceId: string, targetId: string, type: string }>
  truncated: boolean
}

/** What the CMDB offers other plugins (ITSM links and impact): `ctx.service(cmdbService)`. */
export interface CmdbService {
  /** The tenant's CIs among `ids`, inside the caller's tenant transaction; others are left out. */
  getCis (trx: Transaction, ids: string[]): Promise<CiSummary[]>
  /**
   * Walks relations from one CI: `up` (default) is who depends on it, what breaks if it fails.
   * Null when the tenant has no such CI. `depth` 1..10 (default 5); `maxNodes` at most the
   * plugin's `impactMaxNodes`.
   */
  impact (trx: Transaction, ciId: string, options?: { direction?: 'up' | 'down', depth?: number, maxNodes?: number }): Promise<CiImpact | null>
}

/**
 * The versioned reference consumers import from `@monozu/plugin-cmdb/service` and declare in
 * plugin.json (`"dependencies": { "cmdb": "^1.0.0" }`, `"services": { "cmdb": "^1.0.0" }`).
 * A new method is a minor version, a changed or removed one a major version.
 */
export const cmdbService = defineServiceRef<CmdbService>({ id: 'cmdb', version: '1.0.0' })
