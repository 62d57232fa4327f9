import { useCallback, useEffect, useRef } from 'react'
import { useChannel, type ChannelStatus } from '@monozu/ui-sdk'
import { createLiveChannel } from '@monozu/ui-sdk/components'
import type { ItsmEvent } from './types.ts'

/** The module's one socket on the channel `itsm`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<ItsmEvent>('itsm', ['ticket.created', 'ticket.changed', 'message.created', 'presence', 'config.changed'])

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

/** The ticket id an event is about, if any. */
export function ticketIdOf (e: ItsmEvent): string | undefined {
  const d = e.data as { id?: string, ticketId?: string }
  return d.ticketId ?? (e.event.startsWith('ticket.') ? d.id : undefined)
}

/** Reads again when the tab becomes visible (for pages without live events, e.g. a requester's). */
export function useRefreshOnFocus (reload: () => void): void {
  const latest = useRef(reload)
  latest.current = reload
  useEffect(() => {
    const onVisible = () => { if (document.visibilityState === 'visible') latest.current() }
    document.addEventListener('visibilitychange', onVisible)
    return () => document.removeEventListener('visibilitychange', onVisible)
  }, [])
}

/**
 * A requester's live path: the channel `itsm` is for agents, so requesters listen on their own
 * `notifications` socket, where the server tells them (and only them) of a public reply or a
 * status change on their own ticket (itsm.reply, itsm.status). `onTicket` gets the ticket id.
 * Off for agents (`enabled` false), who have the channel.
 */
export function useRequesterLive (enabled: boolean, onTicket: (ticketId: string) => void): ChannelStatus {
  const latest = useRef(onTicket)
  latest.current = onTicket
  return useChannel<{ type?: string, link?: string | null }>('notifications', e => {
    const d = e.data
    if (e.event !== 'notification.created' || !d || typeof d.type !== 'string' || !d.type.startsWith('itsm.')) return
    const id = /^\/itsm\/tickets\/([0-9a-f-]{36})$/.exec(d.link ?? '')?.[1]
    if (id) latest.current(id)
  }, { enabled })
}
