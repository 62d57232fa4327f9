import { createLiveChannel } from '@monozu/ui-sdk/components'

export type SecurityEvent = { event: string, data: Record<string, unknown> }

/** The module's one socket on the channel `security`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<SecurityEvent>('security', ['alerts.changed', 'findings.changed', 'inventory.changed'])
