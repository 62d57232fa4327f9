import { useEffect, useState } from 'react'
import { createLiveChannel } from '@monozu/ui-sdk/components'
import type { DevicesEvent } from './types.ts'

/** The module's one socket on the channel `devices`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<DevicesEvent>('devices', ['device.enrolled', 'device.updated', 'device.status', 'command.state'])

/** Re-renders every `ms` so relative times ("2 minutes ago") stay true. */
export function useNow (ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

/** Reads again every `ms` while `enabled`: last contact times change without an event. */
export function useRefresh (reload: () => void, ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return
    const timer = setInterval(reload, ms)
    return () => clearInterval(timer)
  }, [reload, ms, enabled])
}
