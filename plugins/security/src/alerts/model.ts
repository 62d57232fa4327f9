import { createHash } from 'node:crypto'
import { iso, json, type AlertSeverity } from '../http.ts'

export type AlertState = 'open' | 'acknowledged' | 'resolved' | 'suppressed'

export interface AlertRow {
  id: string, fingerprint: string, rule_id: string, severity: AlertSeverity, title: string, source: string
  ci_id: string | null, device_id: string | null, reported_by: string | null, fields: unknown, state: AlertState
  suppression_id: string | null, count: number, first_seen: Date | string, last_seen: Date | string
  state_changed_at: Date | string, state_changed_by: string | null, created_at: Date | string
}

export interface SuppressionRow {
  id: string, rule_id: string | null, source: string | null, ci_id: string | null, device_id: string | null
  reason: string, expires_at: Date | string, created_by: string, created_at: Date | string
}

/** The default dedupe key: the same rule, on the same asset, from the same tool. */
export function fingerprintOf (a: { fingerprint?: string, ruleId: string, source: string, ciId?: string | null, deviceId?: string | null }): string {
  if (a.fingerprint) return a.fingerprint
  return createHash('sha256').update([a.ruleId, a.source, a.ciId ?? '', a.deviceId ?? ''].join('\u0000')).digest('hex').slice(0, 40)
}

/** Whether a rule covers an alert: every field the rule sets matches; an expired rule covers nothing. */
export function covers (rule: SuppressionRow, alert: { rule_id: string, source: string, ci_id: string | null, device_id: string | null }, now: Date): boolean {
  if (new Date(rule.expires_at).getTime() <= now.getTime()) return false
  return (rule.rule_id === null || rule.rule_id === alert.rule_id) && (rule.source === null || rule.source === alert.source) &&
    (rule.ci_id === null || rule.ci_id === alert.ci_id) && (rule.device_id === null || rule.device_id === alert.device_id)
}

export const presentAlert = (r: AlertRow) => ({
  id: r.id, fingerprint: r.fingerprint, ruleId: r.rule_id, severity: r.severity, title: r.title, source: r.source,
  ciId: r.ci_id, deviceId: r.device_id, reportedBy: r.reported_by, fields: json<Record<string, unknown>>(r.fields) ?? {},
  state: r.state, suppressionId: r.suppression_id, count: Number(r.count), firstSeen: iso(r.first_seen), lastSeen: iso(r.last_seen),
  stateChangedAt: iso(r.state_changed_at), stateChangedBy: r.state_changed_by
})

export const presentSuppression = (r: SuppressionRow, now: Date) => ({
  id: r.id, ruleId: r.rule_id, source: r.source, ciId: r.ci_id, deviceId: r.device_id, reason: r.reason,
  expiresAt: iso(r.expires_at), active: new Date(r.expires_at).getTime() > now.getTime(), createdBy: r.created_by, createdAt: iso(r.created_at)
})

export const alertOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, fingerprint: { type: 'string' }, ruleId: { type: 'string' }, severity: { type: 'string' }, title: { type: 'string' }, source: { type: 'string' },
    ciId: { type: ['string', 'null'] }, deviceId: { type: ['string', 'null'] }, reportedBy: { type: ['string', 'null'] }, fields: { type: 'object', additionalProperties: true },
    state: { type: 'string' }, suppressionId: { type: ['string', 'null'] }, count: { type: 'integer' }, firstSeen: { type: 'string' }, lastSeen: { type: 'string' },
    stateChangedAt: { type: 'string' }, stateChangedBy: { type: ['string', 'null'] }
  }
} as const

export const suppressionOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, ruleId: { type: ['string', 'null'] }, source: { type: ['string', 'null'] }, ciId: { type: ['string', 'null'] }, deviceId: { type: ['string', 'null'] },
    reason: { type: 'string' }, expiresAt: { type: 'string' }, active: { type: 'boolean' }, createdBy: { type: 'string' }, createdAt: { type: 'string' }
  }
} as const
