import { createContext, useCallback, useContext, useEffect, useRef, type ReactNode } from 'react'
import { useChannel, type ChannelEvent, type ChannelStatus } from '@monozu/ui-sdk'
import type { CmdbEvent } from './types.ts'

type Listener = (event: CmdbEvent) => void
interface Live { status: ChannelStatus, subscribe: (listener: Listener) => () => void }

const LiveContext = createContext<Live | null>(null)
const KNOWN = new Set(['ci.created', 'ci.updated', 'ci.deleted', 'cis.changed', 'relation.created', 'relation.deleted', 'type.changed', 'review.changed', 'import.progress'])

/**
 * One socket on the channel `cmdb` for the whole module: every page subscribes to it, so moving
 * between the list, a CI and the import neither opens a second socket nor misses events.
 */
export function LiveProvider ({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>())
  const onEvent = useCallback((e: ChannelEvent) => {
    if (!KNOWN.has(e.event) || !e.data || typeof e.data !== 'object') return
    const event = { event: e.event, data: e.data } as CmdbEvent
    for (const listener of listeners.current) listener(event)
  }, [])
  const status = useChannel('cmdb', onEvent)
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener)
    return () => { listeners.current.delete(listener) }
  }, [])
  return <LiveContext.Provider value={{ status, subscribe }}>{children}</LiveContext.Provider>
}

/** Calls `onEvent` for every event of the channel; returns the socket's status. */
export function useLive (onEvent: Listener): ChannelStatus {
  const live = useContext(LiveContext)
  if (!live) throw new Error('useLive needs the LiveProvider (Module.tsx mounts it)')
  const handler = useRef(onEvent)
  handler.current = onEvent
  const { subscribe } = live
  useEffect(() => subscribe(e => handler.current(e)), [subscribe])
  return live.status
}

/**
 * Keeps data right when events may have been missed: polls while the channel is not open, and
 * reads again once when it reopens after a drop (events sent meanwhile never arrive).
 */
export function useCatchUp (status: ChannelStatus, reload: () => void, pollMs = 30_000): void {
  const dropped = useRef(false)
  useEffect(() => {
    if (status === 'open') {
      if (dropped.current) { dropped.current = false; reload() }
      return
    }
    if (status === 'closed') dropped.current = true
    const timer = setInterval(reload, pollMs)
    return () => clearInterval(timer)
  }, [status, reload, pollMs])
}

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
