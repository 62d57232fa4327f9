import { defineServiceRef, type Transaction } from '@monozu/kernel'
import type { ProtectionStatus, StatusReason } from './model.ts'

export interface DeviceProtection { deviceId: string, name: string, status: ProtectionStatus, reason: StatusReason, lastSuccessAt: string | null }

/** What backup offers other plugins (ITSM, overview): `ctx.service(backupService)`. */
export interface BackupService {
  /** The stored protection of these devices (those backup knows of; others are left out). */
  protection (trx: Transaction, deviceIds: string[]): Promise<DeviceProtection[]>
}

export const backupService = defineServiceRef<BackupService>({ id: 'backup', version: '1.0.0' })
