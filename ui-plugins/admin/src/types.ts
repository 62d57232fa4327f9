import type { Localized } from '@monozu/ui-sdk'

/** Shapes of the operator API (/api/v1/admin/*, README.md's table). */

export interface License { features: string[], seats: number, expiresAt: string }

export interface Tenant {
  id: string
  slug: string
  name: string
  status: 'active' | 'suspended'
  externalId: string | null
  createdAt?: string
  license?: License | null
}

export interface FeatureState { plugin: string, feature: string, licensed: boolean, switchedOff: boolean, enabled: boolean }

export interface TenantDetail { tenant: Tenant, license: (License & { updatedAt: string }) | null, features: FeatureState[] }

export const JOB_STATES = ['pending', 'running', 'succeeded', 'dead', 'cancelled'] as const
export type JobState = typeof JOB_STATES[number]

export interface Job {
  id: string
  plugin: string
  name: string
  tenantId: string | null
  state: JobState
  attempts: number
  maxAttempts: number
  runAt: string
  lastError: string | null
  createdAt: string
  finishedAt: string | null
}

export interface AuditEntry {
  id: string
  tenantId: string | null
  at: string
  actor: string
  action: string
  target: string | null
  details: unknown
  requestId: string | null
}

export interface PluginHealth {
  id: string
  name: Localized
  version: string
  state: 'running' | 'disabled'
  thirdParty: boolean
  kernel: string
  feature: string | null
  dependencies: Record<string, string>
  prefixes: string[]
  reason: string | null
  error: string | null
}

/** A dead-lettered delivery of a domain event to one plugin's handler (GET /api/v1/admin/events/dead). */
export interface DeadEvent {
  id: string
  eventId: string
  tenantId: string
  type: string
  subject: string | null
  plugin: string
  handler: string
  attempts: number
  maxAttempts: number
  lastError: string | null
  occurredAt: string
  deadAt: string | null
}
