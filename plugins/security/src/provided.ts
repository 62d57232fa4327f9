import { ApiError, isUuid } from '@monozu/kernel'
import type { FindingSummary, SecurityService } from './service.ts'

const MAX_IDS = 1000

export function providedService (): SecurityService {
  return {
    async getFindings (trx, ids) {
      if (ids.length > MAX_IDS) throw new ApiError('validation_failed', `At most ${MAX_IDS} finding ids per call`)
      ids = [...new Set(ids.filter(isUuid))]
      if (ids.length === 0) return []
      // RLS scopes the read to the caller's tenant; the id filter does the rest.
      const rows = await trx('security_findings').whereIn('id', ids)
        .select('id', 'vulnerability_id', 'severity', 'state', 'kev', 'risk_score', 'package', 'version', 'ecosystem', 'ci_id', 'device_id', 'due_at')
      return rows.map((r): FindingSummary => ({
        id: r.id, vulnerabilityId: r.vulnerability_id, title: `${r.vulnerability_id} in ${r.package} ${r.version}`,
        severity: r.severity, state: r.state, kev: r.kev, riskScore: Number(r.risk_score), package: r.package, version: r.version,
        ecosystem: r.ecosystem, ciId: r.ci_id, deviceId: r.device_id, dueAt: r.due_at == null ? null : new Date(r.due_at).toISOString()
      }))
    }
  }
}
