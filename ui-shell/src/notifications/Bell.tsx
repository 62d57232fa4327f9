import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react'
import { useApi, useChannel, useT } from '@monozu/ui-sdk'
import { messages } from '../messages.ts'
import type { BellEvent, NotificationItem, ReadEvent } from './types.ts'

// Only the bell and its count are drawn at start; the list loads when the bell is first opened.
const Panel = lazy(() => import('./Panel.tsx').then(m => ({ default: m.Panel })))

/** While the socket is down the count is read this often (and once more when it reopens). */
const POLL_MS = 60_000

/**
 * The header's bell: the unread count, live from the personal `notifications` channel, read from
 * `GET /api/v1/notifications/unread-count` at start, whenever the socket (re)opens and while it is
 * down; the button opens the panel with the list.
 */
export function Bell () {
  const t = useT(messages)
  const api = useApi()
  const [count, setCount] = useState<number | null>(null)
  const [open, setOpen] = useState(false)
  const [last, setLast] = useState<BellEvent | null>(null)
  const [news, setNews] = useState('')
  const seq = useRef(0)
  const button = useRef<HTMLButtonElement>(null)
  const root = useRef<HTMLDivElement>(null)
  const panelId = useId()

  const refresh = useCallback(() => {
    api.get<{ count: number }>('/api/v1/notifications/unread-count').then(b => setCount(b.count), () => { /* keep the last count; the next read tries again */ })
  }, [api])

  const status = useChannel('notifications', e => {
    if (e.event === 'notification.created') {
      setCount(c => (c ?? 0) + 1)
      const item = e.data as Partial<NotificationItem> | null
      setNews(t('bell.new', { title: t.pick(item?.localized?.title ?? item?.title) }))
    }
    else if (e.event === 'notification.read') {
      const unread = (e.data as Partial<ReadEvent> | null)?.unread
      if (typeof unread === 'number') setCount(unread)
    }
    setLast({ seq: ++seq.current, event: e.event, data: e.data })
  })

  useEffect(() => {
    refresh()
    if (status === 'open') return
    const timer = setInterval(refresh, POLL_MS)
    return () => clearInterval(timer)
  }, [status, refresh])

  const close = useCallback((focusBell: boolean) => {
    setOpen(false)
    if (focusBell) button.current?.focus()
  }, [])

  // Esc closes the panel and gives focus back to the bell; so does a click anywhere outside it.
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') close(true) }
    const onPointer = (e: PointerEvent) => { if (!root.current?.contains(e.target as Node)) close(false) }
    window.addEventListener('keydown', onKey)
    window.addEventListener('pointerdown', onPointer)
    return () => { window.removeEventListener('keydown', onKey); window.removeEventListener('pointerdown', onPointer) }
  }, [open, close])

  const unread = count ?? 0
  const label = unread > 0 ? t('bell.unread', { count: unread }) : t('bell.label')
  return (
    <div className='mz-shell-bell' ref={root}>
      <button
        ref={button} type='button' className='mz-button mz-button--ghost mz-button--icon mz-shell-bell__button' data-testid='notifications-bell'
        aria-expanded={open} aria-controls={open ? panelId : undefined} onClick={() => setOpen(o => !o)}
      >
        <svg aria-hidden='true' width='20' height='20' viewBox='0 0 24 24' fill='none' stroke='currentColor' strokeWidth='2' strokeLinecap='round' strokeLinejoin='round'><path d='M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9' /><path d='M10.3 21a1.94 1.94 0 0 0 3.4 0' /></svg>
        <span className='mz-visually-hidden'>{label}</span>
        {unread > 0 && <span className='mz-shell-bell__count' aria-hidden='true' data-testid='notifications-count'>{unread > 99 ? '99+' : unread}</span>}
      </button>
      <span role='status' className='mz-visually-hidden'>{news}</span>
      {open && (
        <Suspense fallback={null}>
          <Panel id={panelId} last={last} onClose={close} refreshCount={refresh} />
        </Suspense>
      )}
    </div>
  )
}
