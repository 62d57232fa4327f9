/** Shapes of the devices API (plugins/devices/README.md). */

export type DeviceStatus = 'online' | 'overdue' | 'offline' | 'never' | 'revoked'
export const DEVICE_STATUSES: readonly DeviceStatus[] = ['online', 'overdue', 'offline', 'never', 'revoked']

export interface Device {
  id: string
  hostname: string
  os: string
  agentVersion: string
  hardwareId: string
  site: string | null
  tags: string[]
  status: DeviceStatus
  lastSeenAt: string | null
  enrolledAt: string
  revokedAt: string | null
  keyPrefixes: string[]
}

export type CommandState = 'queued' | 'sent' | 'acked' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'expired' | 'cancelled'
export const COMMAND_STATES: readonly CommandState[] = ['queued', 'sent', 'acked', 'running', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled']
/** A command in these states can still be cancelled (the API answers 409 otherwise). */
export const CANCELLABLE: readonly CommandState[] = ['queued', 'sent']

export interface Command {
  id: string
  deviceId: string
  type: string
  payload: Record<string, unknown> | null
  state: CommandState
  idempotencyKey: string | null
  ttlSeconds: number
  timeoutSeconds: number
  createdAt: string
  expiresAt: string | null
  sentAt: string | null
  ackedAt: string | null
  startedAt: string | null
  finishedAt: string | null
  deadlineAt: string | null
  exitCode: number | null
  output: string | null
  outputTruncated: boolean
  durationMs: number | null
  error: string | null
  createdBy: string | null
}

export type TokenState = 'active' | 'expired' | 'used_up' | 'revoked'

export interface EnrollmentToken {
  id: string
  prefix: string
  expiresAt: string
  maxUses: number | null
  uses: number
  site: string | null
  tags: string[]
  description: string | null
  createdAt: string
  revokedAt: string | null
  state: TokenState
  /** Set on a re-enrolment token: it re-enrols only this device. */
  deviceId: string | null
}

/** POST /api/v1/devices/enrollment-tokens: the only answer that carries the token. */
export interface CreatedToken extends Omit<EnrollmentToken, 'prefix' | 'state' | 'revokedAt' | 'deviceId'> { token: string }

/** POST /api/v1/devices/:id/reenrollment: a one-time token bound to the device, shown once. */
export interface ReenrolmentToken { id: string, token: string, deviceId: string, hardwareId: string, expiresAt: string }

export interface StatusChange { from: DeviceStatus | null, to: DeviceStatus, at: string }
export interface LogEntry { ts: string, level: 'debug' | 'info' | 'warn' | 'error', message: string, source: string | null }

export interface MetricPoint { t: string, avg: number, min: number, max: number, count: number }
export interface Metrics { from: string, to: string, step: number, series: Array<{ name: string, points: MetricPoint[] }> }

export interface Page<T> { items: T[], nextCursor: string | null }

/** Events on the channel `devices`. */
export type DevicesEvent =
  | { event: 'device.enrolled', data: { device: Device } }
  | { event: 'device.updated', data: { device: Device } }
  | { event: 'device.status', data: { deviceId: string, from: DeviceStatus | null, to: DeviceStatus, at: string } }
  | { event: 'command.state', data: { command: Command } }
