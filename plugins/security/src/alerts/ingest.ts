import { randomUUID } from 'node:crypto'
import type { IngestedEvent, PluginContext, Transaction } from '@monozu/kernel'
import type { AlertSeverity } from '../http.ts'
import type { Live } from '../live.ts'
import { covers, fingerprintOf, type AlertRow, type SuppressionRow } from './model.ts'

interface Incoming {
  fingerprint: string, ruleId: string, severity: AlertSeverity, title: string, source: string
  ciId: string | null, deviceId: string | null, reportedBy: string, observedAt: Date, fields: Record<string, unknown>
}

function read (e: IngestedEvent): Incoming {
  const d = e.data as Record<string, unknown>
  const ciId = typeof d.ciId === 'string' ? d.ciId : null
  // An alert about an asset that is not itself an appliance names its CI; else it is the reporting device's.
  const deviceId = typeof d.deviceId === 'string' ? d.deviceId : (ciId ? null : e.deviceId)
  const observed = typeof d.observedAt === 'string' ? new Date(d.observedAt) : new Date(e.ts)
  const base = { ruleId: String(d.ruleId), source: String(d.source), ciId, deviceId }
  return {
    ...base,
    fingerprint: fingerprintOf({ ...base, ...(typeof d.fingerprint === 'string' ? { fingerprint: d.fingerprint } : {}) }),
    severity: d.severity as AlertSeverity,
    title: String(d.title),
    reportedBy: e.deviceId,
    observedAt: Number.isNaN(observed.getTime()) ? new Date(e.ts) : observed,
    fields: (d.fields && typeof d.fields === 'object' ? d.fields : {}) as Record<string, unknown>
  }
}

const RANK: Record<AlertSeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 }

/**
 * Applies a batch of alerts in the consumer's transaction: a fingerprint with an active (not
 * resolved) alert counts into it (count, last seen, the higher severity); else a new alert opens,
 * or starts suppressed when an unexpired suppression rule covers it. A suppressed alert whose rule
 * has expired opens again on its next occurrence.
 */
export async function applyAlerts (ctx: PluginContext, live: Live, trx: Transaction, tenantId: string, events: IngestedEvent[]): Promise<void> {
  const now = ctx.clock.now()
  const incoming = events.map(read)
  const fps = [...new Set(incoming.map(i => i.fingerprint))]
  const active = new Map<string, AlertRow>()
  for (let i = 0; i < fps.length; i += 1000) {
    for (const r of await trx('security_alerts').select('*').whereIn('fingerprint', fps.slice(i, i + 1000)).whereNot('state', 'resolved') as AlertRow[]) active.set(r.fingerprint, r)
  }
  const rules = await trx('security_suppressions').select('*').where('expires_at', '>', now) as SuppressionRow[]
  const ruleFor = (a: { rule_id: string, source: string, ci_id: string | null, device_id: string | null }) => rules.find(r => covers(r, a, now)) ?? null

  const created = new Map<string, AlertRow>()
  const changed = new Map<string, AlertRow>()
  const opened: AlertRow[] = []
  for (const i of incoming) {
    const existing = created.get(i.fingerprint) ?? changed.get(i.fingerprint) ?? active.get(i.fingerprint)
    if (existing) {
      const next: AlertRow = {
        ...existing,
        count: Number(existing.count) + 1,
        first_seen: new Date(Math.min(new Date(existing.first_seen).getTime(), i.observedAt.getTime())),
        last_seen: new Date(Math.max(new Date(existing.last_seen).getTime(), i.observedAt.getTime())),
        severity: RANK[i.severity] > RANK[existing.severity] ? i.severity : existing.severity,
        title: i.title,
        fields: i.fields
      }
      if (existing.state === 'suppressed' && !ruleFor(existing)) {
        Object.assign(next, { state: 'open', suppression_id: null, state_changed_at: now, state_changed_by: 'suppression expired' })
        opened.push(next)
      }
      if (created.has(i.fingerprint)) created.set(i.fingerprint, next)
      else changed.set(i.fingerprint, next)
      continue
    }
    const row: AlertRow = {
      id: randomUUID(), fingerprint: i.fingerprint, rule_id: i.ruleId, severity: i.severity, title: i.title, source: i.source,
      ci_id: i.ciId, device_id: i.deviceId, reported_by: i.reportedBy, fields: i.fields, state: 'open', suppression_id: null,
      count: 1, first_seen: i.observedAt, last_seen: i.observedAt, state_changed_at: now, state_changed_by: null, created_at: now
    }
    const rule = ruleFor(row)
    if (rule) Object.assign(row, { state: 'suppressed', suppression_id: rule.id, state_changed_by: `suppression ${rule.id}` })
    created.set(i.fingerprint, row)
  }

  const fresh = [...created.values()]
  for (let i = 0; i < fresh.length; i += 500) {
    await trx('security_alerts').insert(fresh.slice(i, i + 500).map(r => ({ ...r, tenant_id: tenantId, fields: JSON.stringify(r.fields) })))
  }
  for (const r of changed.values()) {
    await trx('security_alerts').where({ id: r.id }).update({
      count: r.count, first_seen: r.first_seen, last_seen: r.last_seen, severity: r.severity, title: r.title, fields: JSON.stringify(r.fields),
      state: r.state, suppression_id: r.suppression_id, state_changed_at: r.state_changed_at, state_changed_by: r.state_changed_by
    })
  }
  const opening = [...fresh.filter(r => r.state === 'open'), ...opened]
  if (opening.length > 0) {
    await ctx.events.publishMany(trx, 'security.alert_opened', opening.map(r => ({
      subject: r.id,
      payload: { alertId: r.id, ruleId: r.rule_id, severity: r.severity, title: r.title, source: r.source, ciId: r.ci_id, deviceId: r.device_id }
    })))
    for (const r of opening.filter(o => o.severity === 'critical').slice(0, 20)) {
      await ctx.notify({
        tenantId, type: 'security.critical_alert', to: { permissions: ['security.triage'] }, severity: 'critical', link: `/security/alerts?id=${r.id}`,
        title: { en: `Critical alert: ${r.title}`.slice(0, 200), pl: `Krytyczny alert: ${r.title}`.slice(0, 200) },
        body: { en: `Rule ${r.rule_id} from ${r.source}.`, pl: `Reguła ${r.rule_id} ze źródła ${r.source}.` }
      }, trx)
    }
  }
  const ids = [...fresh, ...changed.values()].map(r => r.id)
  if (ids.length > 0) live.afterCommit(trx, tenantId, 'alerts.changed', { created: fresh.length, updated: changed.size, ids: ids.slice(0, 100) })
}

export function consumeAlerts (ctx: PluginContext, live: Live): void {
  ctx.ingest.consume('security_alert', async (events, trx) => {
    await applyAlerts(ctx, live, trx, events[0]!.tenantId, events)
  }, { batchSize: 500 })
}
