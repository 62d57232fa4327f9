// API shapes of devices, enrollment tokens and commands, and the row → API mapping.

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : (v instanceof Date ? v : new Date(v as string)).toISOString())
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const nullableString = { type: ['string', 'null'] } as const
const nullableInt = { type: ['integer', 'null'] } as const

export type Status = 'online' | 'overdue' | 'offline' | 'never' | 'revoked'
export const STATUSES: Status[] = ['online', 'overdue', 'offline', 'never', 'revoked']

export interface Thresholds { overdueAfterSeconds: number, offlineAfterSeconds: number }
export const DEFAULT_THRESHOLDS: Thresholds = { overdueAfterSeconds: 180, offlineAfterSeconds: 900 }

/** The live status from the last contact; the same rule runs in SQL in the sweep (status.ts). */
export function statusOf (row: { revoked_at: unknown, last_seen_at: unknown }, t: Thresholds, now = Date.now()): Status {
  if (row.revoked_at) return 'revoked'
  if (!row.last_seen_at) return 'never'
  const age = (now - new Date(row.last_seen_at as string).getTime()) / 1000
  if (age <= t.overdueAfterSeconds) return 'online'
  return age <= t.offlineAfterSeconds ? 'overdue' : 'offline'
}

export const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, hostname: { type: 'string' }, os: { type: 'string' }, agentVersion: { type: 'string' },
    hardwareId: { type: 'string' }, site: nullableString, tags: { type: 'array', items: { type: 'string' } },
    status: { enum: STATUSES }, lastSeenAt: nullableString, enrolledAt: { type: 'string' }, revokedAt: nullableString,
    keyPrefixes: { type: 'array', items: { type: 'string' } }
  }
} as const

export function toDevice (row: Record<string, unknown>, t: Thresholds, keyPrefixes: string[] = []) {
  return {
    id: row.id as string,
    hostname: row.hostname as string,
    os: row.os as string,
    agentVersion: row.agent_version as string,
    hardwareId: row.hardware_id as string,
    site: (row.site as string | null) ?? null,
    tags: json<string[]>(row.tags),
    status: statusOf(row as { revoked_at: unknown, last_seen_at: unknown }, t),
    lastSeenAt: iso(row.last_seen_at),
    enrolledAt: iso(row.enrolled_at) as string,
    revokedAt: iso(row.revoked_at),
    keyPrefixes
  }
}
export type Device = ReturnType<typeof toDevice>

export const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, token: { type: 'string' }, prefix: { type: 'string' }, expiresAt: { type: 'string' },
    maxUses: nullableInt, uses: { type: 'integer' }, site: nullableString, tags: { type: 'array', items: { type: 'string' } },
    description: nullableString, createdAt: { type: 'string' }, revokedAt: nullableString,
    state: { enum: ['active', 'expired', 'used_up', 'revoked'] }, deviceId: nullableString
  }
} as const

export function toToken (row: Record<string, unknown>) {
  const maxUses = (row.max_uses as number | null) ?? null
  const uses = Number(row.uses)
  const state = row.revoked_at ? 'revoked' : new Date(row.expires_at as string).getTime() <= Date.now() ? 'expired' : maxUses !== null && uses >= maxUses ? 'used_up' : 'active'
  return {
    id: row.id as string,
    prefix: row.prefix as string,
    expiresAt: iso(row.expires_at) as string,
    maxUses,
    uses,
    site: (row.site as string | null) ?? null,
    tags: json<string[]>(row.tags),
    description: (row.description as string | null) ?? null,
    createdAt: iso(row.created_at) as string,
    revokedAt: iso(row.revoked_at),
    state,
    // Set on a re-enrolment token: it re-enrols only this device.
    deviceId: (row.device_id as string | null) ?? null
  }
}

export const COMMAND_STATES = ['queued', 'sent', 'acked', 'running', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled'] as const
export type CommandState = typeof COMMAND_STATES[number]
export const IN_FLIGHT: CommandState[] = ['sent', 'acked', 'running']

export const commandSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, deviceId: { type: 'string' }, type: { type: 'string' },
    payload: { type: 'object', additionalProperties: true }, state: { enum: COMMAND_STATES },
    idempotencyKey: nullableString, ttlSeconds: { type: 'integer' }, timeoutSeconds: { type: 'integer' },
    createdAt: { type: 'string' }, expiresAt: { type: 'string' }, sentAt: nullableString, ackedAt: nullableString,
    startedAt: nullableString, finishedAt: nullableString, deadlineAt: nullableString, exitCode: nullableInt,
    output: nullableString, outputTruncated: { type: 'boolean' }, durationMs: nullableInt, error: nullableString,
    createdBy: nullableString
  }
} as const

export function toCommand (row: Record<string, unknown>) {
  return {
    id: row.id as string,
    deviceId: row.device_id as string,
    type: row.type as string,
    payload: json<Record<string, unknown>>(row.payload),
    state: row.state as CommandState,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    ttlSeconds: Number(row.ttl_seconds),
    timeoutSeconds: Number(row.timeout_seconds),
    createdAt: iso(row.created_at) as string,
    expiresAt: iso(row.expires_at) as string,
    sentAt: iso(row.sent_at),
    ackedAt: iso(row.acked_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    deadlineAt: iso(row.deadline_at),
    exitCode: (row.exit_code as number | null) ?? null,
    output: (row.output as string | null) ?? null,
    outputTruncated: Boolean(row.output_truncated),
    durationMs: (row.duration_ms as number | null) ?? null,
    error: (row.error as string | null) ?? null,
    createdBy: (row.created_by as string | null) ?? null
  }
}
export type Command = ReturnType<typeof toCommand>
