import { defineServiceRef, type Transaction } from '@monozu/kernel'

/** A device a key belongs to. */
export interface AuthenticatedDevice { tenantId: string, deviceId: string }

/** What devices offers other plugins (edge-ingest): `ctx.service(devicesService)`. */
export interface DevicesService {
  /** The device a key belongs to, or null (unknown, revoked, rotated out, tenant suspended). */
  authenticate (key: unknown): Promise<AuthenticatedDevice | null>
  /** Records the last contact of the tenant's devices inside the caller's tenant transaction. */
  touch (trx: Transaction, deviceIds: string[], at?: Date): Promise<void>
}

/**
 * The versioned reference consumers import from `@monozu/plugin-devices/service` and declare in
 * plugin.json (`"services": { "devices": "^1.0.0" }`). A new method is a minor version, a changed
 * or removed one a major version.
 */
export const devicesService = defineServiceRef<DevicesService>({ id: 'devices', version: '1.0.0' })
