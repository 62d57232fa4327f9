import type { PluginContext } from '@monozu/kernel'

export interface DevicesConfig {
  metricsRetentionDays: number
  logsRetentionDays: number
  historyRetentionDays: number
  keyOverlapSeconds: number
  keyCacheSeconds: number
}

export type Ctx = PluginContext<DevicesConfig>
