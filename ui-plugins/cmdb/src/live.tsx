import { useCallback, useEffect, useRef } from 'react'
import { createLiveChannel } from '@monozu/ui-sdk/components'
import type { CmdbEvent } from './types.ts'

/** The module's one socket on the channel `cmdb`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<CmdbEvent>('cmdb', ['ci.created', 'ci.updated', 'ci.deleted', 'cis.changed', 'relation.created', 'relation.deleted', 'type.changed', 'review.changed', 'import.progress'])

/** Calls `fn` once `ms` after the last call: a burst of events becomes one read. */
export function useDebounced (fn: () => void, ms = 400): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(fn)
  latest.current = fn
  useEffect(() => () => clearTimeout(timer.current), [])
  return useCallback(() => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => latest.current(), ms)
  }, [ms])
}
