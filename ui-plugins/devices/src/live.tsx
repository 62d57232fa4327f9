import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import { useChannel, type ChannelEvent, type ChannelStatus } from '@monozu/ui-sdk'
import type { DevicesEvent } from './types.ts'

type Listener = (event: DevicesEvent) => void
interface Live { status: ChannelStatus, subscribe: (listener: Listener) => () => void }

const LiveContext = createContext<Live | null>(null)
const KNOWN = new Set(['device.enrolled', 'device.updated', 'device.status', 'command.state'])

/**
 * One socket on the channel `devices` for the whole module: every page subscribes to it, so
 * moving between the list and a device neither opens a second socket nor misses events.
 */
export function LiveProvider ({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>())
  const onEvent = useCallback((e: ChannelEvent) => {
    if (!KNOWN.has(e.event) || !e.data || typeof e.data !== 'object') return
    const event = { event: e.event, data: e.data } as DevicesEvent
    for (const listener of listeners.current) listener(event)
  }, [])
  const status = useChannel('devices', onEvent)
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

/** Re-renders every `ms` so relative times ("2 minutes ago") stay true. */
export function useNow (ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
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

/** Reads again every `ms` while `enabled`: last contact times change without an event. */
export function useRefresh (reload: () => void, ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return
    const timer = setInterval(reload, ms)
    return () => clearInterval(timer)
  }, [reload, ms, enabled])
}
