import type { Localized } from '@monozu/ui-sdk'

/** One notification as GET /api/v1/notifications and the `notification.created` event carry it. */
export interface NotificationItem {
  id: string
  type: string
  severity: 'info' | 'warning' | 'critical'
  /** In the language saved on the server; `localized` follows a switch without a reload. */
  title: string
  body: string
  localized?: { title: Localized, body: Localized }
  /** A path inside the UI. */
  link: string | null
  createdAt: string
  readAt: string | null
}

/** The `notification.read` event: which are read now (`all`: every one), and how many stay unread. */
export interface ReadEvent { ids: string[], all: boolean, readAt: string, unread: number }

/** The channel's events as the bell hands them to its panel, numbered so a repeat is still news. */
export interface BellEvent { seq: number, event: string, data: unknown }
