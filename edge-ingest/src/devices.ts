import type { Transaction } from '@monozu/kernel'

/** What edge-ingest uses of its declared dependency `devices` (`ctx.use('devices')`). */
export interface DevicesService {
  authenticate (key: unknown): Promise<{ tenantId: string, deviceId: string } | null>
  touch (trx: Transaction, deviceIds: string[], at?: Date): Promise<void>
}
