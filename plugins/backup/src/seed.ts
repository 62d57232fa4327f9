import type { DemoTenant, PluginContext } from '@monozu/kernel'
import type { BackupConfig } from './context.ts'

export async function seedDemo (_ctx: PluginContext<BackupConfig>, _tenant: DemoTenant): Promise<void> {}
