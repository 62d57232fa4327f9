import { createLiveChannel } from '@monozu/ui-sdk/components'
import type { VpnEvent } from './types.ts'

/** The module's one socket on the channel `vpn`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<VpnEvent>('vpn', ['peer.changed', 'peer.status', 'peer.flapping', 'peer.traffic', 'network.changed', 'group.changed', 'policy.changed', 'route.changed', 'peer.apply'])
