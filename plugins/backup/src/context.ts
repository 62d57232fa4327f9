import { ApiError, type PluginContext } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }

// A type literal, not an interface: it must fit the Record<string, unknown> a PluginContext defaults to.
export type BackupConfig = {
  defaultRpoMinutes: number
  restoreTestDays: number
  forecastDays: number
  sweepBatch: number
  notifyBurst: number
}

export type Ctx = PluginContext<BackupConfig>

export const BackupError = ApiError.for(manifest)
