import { defineServiceRef, type Transaction } from '@monozu/kernel'

/** A vulnerability finding as other plugins see it (ITSM links a ticket to one). */
export interface FindingSummary {
  id: string
  /** The advisory: GHSA-..., DSA-..., CVE-... */
  vulnerabilityId: string
  /** "<vulnerabilityId> in <package> <version>", e.g. "GHSA-35jh-r3h4-6jhm in lodash 4.17.20". */
  title: string
  severity: 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown'
  state: 'open' | 'fixed' | 'risk_accepted' | 'false_positive' | 'withdrawn'
  kev: boolean
  riskScore: number
  package: string
  version: string
  ecosystem: string
  ciId: string | null
  deviceId: string | null
  /** ISO time; null when the finding has none (not open). */
  dueAt: string | null
}

/** What Security offers other plugins: `ctx.service(securityService)`. */
export interface SecurityService {
  /**
   * The tenant's findings among `ids`, inside the caller's tenant transaction (`request.withTenant`
   * or a job's `withTenant`); another tenant's ids, unknown ids and non-uuids are left out.
   * At most 1,000 ids per call.
   */
  getFindings (trx: Transaction, ids: string[]): Promise<FindingSummary[]>
}

/**
 * The versioned reference consumers import from `@monozu/plugin-security/service` and declare in
 * plugin.json (`"dependencies": { "security": "^1.0.0" }`, `"services": { "security": "^1.0.0" }`).
 * A new method is a minor version, a changed or removed one a major version.
 */
export const securityService = defineServiceRef<SecurityService>({ id: 'security', version: '1.0.0' })
