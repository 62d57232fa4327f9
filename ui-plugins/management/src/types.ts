export interface License { id: string, action: string, plan: string | null, features: string[], seats: number, devices: number | null, issuedAt: string, expiresAt: string, status: string, issuedBy: string }
export interface Delivery { id: string, licenseId: string, status: 'pending' | 'succeeded' | 'failed', attempts: number, lastStatus: number | null, lastError: string | null, lastDurationMs: number | null, createdAt: string, deliveredAt: string | null, attemptLog?: Array<{ at: string, status: number | null, durationMs: number, error: string | null }> }
export interface ManagedTenant {
  id: string, slug: string, name: string, adminEmail: string, status: string, pending: string | null, plan: string | null, cloudId: string | null, inviteUrl: string | null, lastError: string | null,
  usage: { seats: number, devices: number, at: string } | null, overLimit: boolean, export: { sha256: string, bytes: number } | null, purgeAfter: string | null, createdAt: string,
  license: License | null, lastDelivery?: Delivery | null
}
export interface Plan { key: string, name: string, features: string[], seats: number, devices: number | null, days: number }
export interface Toggle { plugin: string, feature: string, licensed: boolean, switchedOff: boolean, enabled: boolean }
/** `actorName`/`actorEmail`: the staff member behind `user:<id>`; null for `system:*` and `internal:*` actors. */
export interface ActivityItem { id: string, at: string, actor: string, actorName: string | null, actorEmail: string | null, action: string, details: Record<string, unknown> | null }
export const API = '/api/v1/management'
