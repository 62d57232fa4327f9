import { useEffect, useRef, useState } from 'react'
import { useMonozu } from './context.tsx'

/** What the server pushes on a channel. */
export interface ChannelEvent<D = unknown> {
  type: 'event'
  channel: string
  event: string
  data: D
  id?: string
  ts?: string
}

export type ChannelStatus = 'connecting' | 'open' | 'closed' | 'forbidden'

export interface ChannelOptions {
  /** Set false to keep the socket closed (e.g. while a tab is hidden). Default true. */
  enabled?: boolean
  /** First reconnect delay in ms (doubles each time, up to maxDelay, with jitter). Default 500. */
  baseDelay?: number
  /** Longest reconnect delay in ms. Default 30000. */
  maxDelay?: number
}

/** Close codes the kernel uses. */
export const CLOSE_TOKEN_EXPIRED = 4001
export const CLOSE_FORBIDDEN = 4003

export function channelUrl (channel: string, loc: { protocol: string, host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/ws/${encodeURIComponent(channel)}`
}

/** Exponential backoff with ±20% jitter. */
export function backoffDelay (attempt: number, base = 500, max = 30_000): number {
  const d = Math.min(max, base * 2 ** attempt)
  return Math.round(d * (0.8 + Math.random() * 0.4))
}

/**
 * Live events of one channel over `GET /api/ws/<channel>`. The token rides in the subprotocol
 * (`bearer, <token>`); a renewed token is sent as `{ type: 'auth', token }` on the open socket.
 * Reconnects with exponential backoff; 4001 (token expired) refreshes first; 4003 (permission
 * or feature withdrawn) stops for good.
 */
export function useChannel<D = unknown> (channel: string, onEvent: (event: ChannelEvent<D>) => void, options: ChannelOptions = {}): ChannelStatus {
  const { session } = useMonozu()
  const [status, setStatus] = useState<ChannelStatus>('connecting')
  const handler = useRef(onEvent)
  handler.current = onEvent
  const { enabled = true, baseDelay = 500, maxDelay = 30_000 } = options

  useEffect(() => {
    if (!enabled) { setStatus('closed'); return }
    let socket: WebSocket | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0
    let stopped = false

    const connect = () => {
      if (stopped) return
      const token = session.getToken()
      if (!token) { schedule(); return }
      setStatus('connecting')
      const ws = new WebSocket(channelUrl(channel), ['bearer', token])
      socket = ws
      ws.onopen = () => { attempt = 0; setStatus('open') }
      ws.onmessage = message => {
        let msg: unknown
        try { msg = JSON.parse(String(message.data)) } catch { return }
        if (msg && typeof msg === 'object' && (msg as { type?: unknown }).type === 'event') handler.current(msg as ChannelEvent<D>)
      }
      ws.onclose = close => {
        if (socket !== ws || stopped) return
        socket = null
        if (close.code === CLOSE_FORBIDDEN) { setStatus('forbidden'); return }
        setStatus('closed')
        if (close.code === CLOSE_TOKEN_EXPIRED) {
          // The token ran out before a renewal reached the socket: renew, then reconnect at once.
          void session.refresh().then(t => { if (t) connect(); else schedule() })
          return
        }
        schedule()
      }
    }
    const schedule = () => {
      if (stopped) return
      clearTimeout(timer)
      timer = setTimeout(connect, backoffDelay(attempt++, baseDelay, maxDelay))
    }
    const unsubscribe = session.subscribe(token => {
      if (token && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'auth', token }))
      else if (!token) socket?.close(1000, 'signed out')
    })
    connect()
    return () => {
      stopped = true
      unsubscribe()
      clearTimeout(timer)
      socket?.close(1000, 'unmounted')
      socket = null
    }
  }, [channel, session, enabled, baseDelay, maxDelay])

  return status
}
