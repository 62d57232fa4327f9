import { defineServiceRef, type Transaction } from '@monozu/kernel'

/** A device a key belongs to. */
export interface AuthenticatedDevice { tenantId: string, deviceId: string }

/** What devices offers other plugins (edge-ingest): `ctx.service(devicesService)`. */
export interface DevicesService {
  /** The device a key belongs to, or null (unknown, revoked, rotated out, tenant suspended). */
  authenticate (key: unknown): Promise<AuthenticatedDevice | null>
  /** Records the last contact of the tenant's devices inside the caller's tenant transaction. */
  touch (trx: Transaction, deviceIds: string[], at?: Date): Promise<void>
  /**
   * 1.1. Queues a command for one of the tenant's devices inside the caller's tenant transaction;
   * the device hears of it once that transaction commits. Its end arrives as the domain event
   * `devices.command_finished`. Throws `not_found` (no such device) or `invalid_state` (revoked).
   */
  sendCommand (trx: Transaction, command: NewDeviceCommand): Promise<{ id: string, state: string, created: boolean }>
  /** 1.1. The tenant's devices with these ids; unknown ids are left out. */
  getDevices (trx: Transaction, ids: string[]): Promise<DeviceSummary[]>
  /**
   * 1.1. Serves `handler`'s answer to appliances at `GET /api/v1/devices/self/<resource>` with
   * their device key, with a strong ETag and 304 for a matching If-None-Match; null answers 404.
   * Call it from the providing plugin's start().
   */
  serveToDevices (resource: string, handler: DeviceResourceHandler): void
}

export interface NewDeviceCommand {
  deviceId: string
  /** `^[a-z][a-z0-9_.-]{0,63}$`, by convention `<pluginId>.<action>`, e.g. vpn.apply */
  type: string
  payload?: Record<string, unknown>
  ttlSeconds?: number
  timeoutSeconds?: number
  /** A repeat with the same key and the same command returns the first one (created: false). */
  idempotencyKey?: string
}

export interface DeviceSummary {
  id: string
  name: string
  status: 'online' | 'overdue' | 'offline' | 'never' | 'revoked'
  lastSeenAt: string | null
  revoked: boolean
}

export type DeviceResourceHandler = (trx: Transaction, device: AuthenticatedDevice) => Promise<{ body: string, contentType?: string } | null>

/**
 * The versioned reference consumers import from `@monozu/plugin-devices/service` and declare in
 * plugin.json (`"services": { "devices": "^1.0.0" }`). A new method is a minor version, a changed
 * or removed one a major version.
 */
export const devicesService = defineServiceRef<DevicesService>({ id: 'devices', version: '1.1.0' })
