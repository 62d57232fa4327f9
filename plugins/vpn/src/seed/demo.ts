import type { DemoTenant } from '@monozu/kernel'
import type { Vpn } from '../context.ts'

export async function seedDemo (_vpn: Vpn, _tenant: DemoTenant): Promise<void> {}
