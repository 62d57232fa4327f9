import { defineServiceRef } from '@monozu/kernel'

/** Reserved for what the VPN offers other plugins; nothing yet (they listen to its domain events). */
export interface VpnService { readonly version: '1.0.0' }
export const vpnService = defineServiceRef<VpnService>({ id: 'vpn', version: '1.0.0' })
