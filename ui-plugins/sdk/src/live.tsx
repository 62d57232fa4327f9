import { createContext, useCallback, useContext, useEffect, useRef, type ReactElement, type ReactNode } from 'react'
import { useChannel, type ChannelEvent, type ChannelStatus } from '@monozu/ui-sdk'

/** One event of a module's channel; a module's event type is a union of these, one per name. */
export interface LiveEvent { event: string, data: unknown }

export interface LiveChannel<E extends LiveEvent> {
  /** Mount once around the module's routes: it holds the module's one socket. */
  LiveProvider: (props: { children: ReactNode }) => ReactElement
  /** Calls `onEvent` for every known event of the channel; returns the socket's status. */
  useLive: (onEvent: (event: E) => void) => ChannelStatus
}

/**
 * One socket on `channel` for a whole module: every page subscribes to it, so moving between
 * pages neither opens a second socket nor misses events. Only the named events with an object
 * as data reach the pages, so a newer server's events do not break an older module.
 */
export function createLiveChannel<E extends LiveEvent> (channel: string, events: ReadonlyArray<E['event']>): LiveChannel<E> {
  type Listener = (event: E) => void
  interface Live { status: ChannelStatus, subscribe: (listener: Listener) => () => void }
  const known = new Set<string>(events)
  const LiveContext = createContext<Live | null>(null)

  function LiveProvider ({ children }: { children: ReactNode }): ReactElement {
    const listeners = useRef(new Set<Listener>())
    const onEvent = useCallback((e: ChannelEvent) => {
      if (!known.has(e.event) || !e.data || typeof e.data !== 'object') return
      const event = { event: e.event, data: e.data } as E
      for (const listener of listeners.current) listener(event)
    }, [])
    const status = useChannel(channel, onEvent)
    const subscribe = useCallback((listener: Listener) => {
      listeners.current.add(listener)
      return () => { listeners.current.delete(listener) }
    }, [])
    return <LiveContext.Provider value={{ status, subscribe }}>{children}</LiveContext.Provider>
  }

  function useLive (onEvent: Listener): ChannelStatus {
    const live = useContext(LiveContext)
    if (!live) throw new Error(`useLive needs the LiveProvider of the channel "${channel}" mounted above it`)
    const handler = useRef(onEvent)
    handler.current = onEvent
    const { subscribe } = live
    useEffect(() => subscribe(e => handler.current(e)), [subscribe])
    return live.status
  }

  return { LiveProvider, useLive }
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
