import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { DelayedSpinner, ErrorState, Link, navigate, useApi, useFeatures, useFormat, useT, useToast, describeError } from '@monozu/ui-sdk'
import { notificationHref } from './links.ts'
import { notificationMessages as messages } from './messages.ts'
import type { BellEvent, NotificationItem, ReadEvent } from './types.ts'

const PAGE = 20

interface PanelProps {
  id: string
  /** The channel's latest event: the list follows it while open. */
  last: BellEvent | null
  onClose: (focusBell: boolean) => void
  /** Reads the unread count again (the channel's notification.read says the same when it is up). */
  refreshCount: () => void
}

/** The bell's list: newest first, mark one or all read, a click on one follows its link. */
export function Panel ({ id, last, onClose, refreshCount }: PanelProps) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const features = useFeatures()
  const fmt = useFormat()
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const [items, setItems] = useState<NotificationItem[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [state, setState] = useState<'loading' | 'ready' | 'more' | { error: unknown }>('loading')

  const load = useCallback(async (after: string | null) => {
    setState(after ? 'more' : 'loading')
    try {
      const page = await api.get<{ items: NotificationItem[], nextCursor: string | null }>('/api/v1/notifications', { query: { limit: PAGE, cursor: after ?? undefined } })
      setItems(prev => {
        const base = after ? prev : []
        const seen = new Set(base.map(i => i.id))
        return [...base, ...page.items.filter(i => !seen.has(i.id))]
      })
      setCursor(page.nextCursor)
      setState('ready')
    } catch (error) {
      setState({ error })
    }
  }, [api])

  useEffect(() => { void load(null) }, [load])
  useEffect(() => { heading.current?.focus() }, [])

  // Live: a new one goes on top; one read elsewhere (another tab) shows read here too.
  useEffect(() => {
    if (!last) return
    if (last.event === 'notification.created') {
      const item = last.data as NotificationItem
      if (item && typeof item.id === 'string') setItems(prev => (prev.some(i => i.id === item.id) ? prev : [item, ...prev]))
    } else if (last.event === 'notification.read') {
      const read = last.data as ReadEvent
      setItems(prev => prev.map(i => (i.readAt === null && (read.all || read.ids.includes(i.id)) ? { ...i, readAt: read.readAt } : i)))
    }
  }, [last])

  const markRead = useCallback(async (item: NotificationItem): Promise<boolean> => {
    if (item.readAt !== null) return true
    try {
      const updated = await api.post<NotificationItem>(`/api/v1/notifications/${encodeURIComponent(item.id)}/read`)
      setItems(prev => prev.map(i => (i.id === item.id ? { ...i, readAt: updated.readAt ?? new Date().toISOString() } : i)))
      refreshCount()
      return true
    } catch (error) {
      toast({ kind: 'error', message: describeError(error, t).message })
      return false
    }
  }, [api, refreshCount, toast, t])

  const markAll = useCallback(async () => {
    try {
      await api.post('/api/v1/notifications/read-all')
      const now = new Date().toISOString()
      setItems(prev => prev.map(i => (i.readAt === null ? { ...i, readAt: now } : i)))
      refreshCount()
    } catch (error) {
      toast({ kind: 'error', message: describeError(error, t).message })
    }
  }, [api, refreshCount, toast, t])

  const follow = async (item: NotificationItem, href: string) => {
    await markRead(item)
    onClose(false)
    navigate(href)
  }

  const unread = items.some(i => i.readAt === null)
  return (
    <section id={id} className='mz-shell-notifications' aria-labelledby={headingId} data-testid='notifications-panel'>
      <div className='mz-shell-notifications__head'>
        <h2 id={headingId} ref={heading} tabIndex={-1}>{t('panel.title')}</h2>
        <button type='button' className='mz-button mz-button--ghost' disabled={!unread} onClick={() => { void markAll() }}>{t('panel.markAll')}</button>
      </div>
      {typeof state === 'object'
        ? <ErrorState title={t('panel.loadFailed')} error={state.error} onRetry={() => { void load(null) }} />
        : state === 'loading'
          ? <DelayedSpinner label={t('panel.loading')} />
          : items.length === 0
            ? <p className='mz-shell-notifications__empty'>{t('panel.empty')}</p>
            : (
              <ul className='mz-shell-notifications__list'>
                {items.map(item => {
                  const title = t.pick(item.localized?.title ?? item.title)
                  const body = t.pick(item.localized?.body ?? item.body)
                  const href = notificationHref(item.link, features)
                  const isUnread = item.readAt === null
                  return (
                    <li key={item.id} className={`mz-shell-notification mz-shell-notification--${item.severity}${isUnread ? ' mz-shell-notification--unread' : ''}`} data-testid='notification'>
                      <p className='mz-shell-notification__title'>
                        {isUnread && <span className='mz-visually-hidden'>{t('panel.unread')} </span>}
                        {item.severity !== 'info' && <span className='mz-shell-notification__severity'>{t(`severity.${item.severity}`)}: </span>}
                        {href
                          ? <a href={href} onClick={e => { e.preventDefault(); void follow(item, href) }}>{title}</a>
                          : title}
                      </p>
                      {body && <p className='mz-shell-notification__body'>{body}</p>}
                      <div className='mz-shell-notification__meta'>
                        <time dateTime={item.createdAt} title={fmt.dateTime(item.createdAt, { seconds: true })}>{fmt.relative(item.createdAt)}</time>
                        {isUnread && (
                          <button type='button' className='mz-button mz-button--ghost mz-shell-notification__read' aria-label={`${t('panel.markRead')}: ${title}`} onClick={() => { void markRead(item) }}>
                            {t('panel.markRead')}
                          </button>
                        )}
                      </div>
                    </li>
                  )
                })}
              </ul>
              )}
      {cursor && state !== 'loading' && typeof state !== 'object' && (
        <button type='button' className='mz-button mz-shell-notifications__more' disabled={state === 'more'} onClick={() => { void load(cursor) }}>{t('panel.more')}</button>
      )}
      <p className='mz-shell-notifications__foot'>
        <Link to='/settings/notifications' onClick={() => onClose(false)}>{t('panel.settings')}</Link>
      </p>
    </section>
  )
}
