import type { Transaction } from '../db/database.ts'
import type { LocalText } from '../plugins/manifest.ts'

export type NotificationSeverity = 'info' | 'warning' | 'critical'
export type NotificationChannel = 'inApp' | 'email'

/** What `ctx.notify` sends; recipients are resolved inside the tenant when it is called. */
export interface NotificationInput {
  tenantId: string
  /** Declared in the plugin's plugin.json `notifications`. */
  type: string
  /** Any of: these user ids, holders of these roles, holders of these permissions (union, deduplicated). */
  to: { users?: string[], roles?: string[], permissions?: string[] }
  /** Shown in the recipient's language (en, pl). */
  title: LocalText
  body: LocalText
  severity?: NotificationSeverity
  /** A path inside the UI, e.g. `/devices/<id>`; never an absolute URL. */
  link?: string
}

/**
 * `ctx.notify`: stores one in-app notification per recipient (delivered live on the `notifications`
 * channel to that user alone) and queues email for those whose preferences want it. Pass `trx`
 * to commit it with the change that caused it. Answers how many people it reached, in the app
 * or by email (those who turned both channels off for the type are not counted).
 */
export type Notify = (input: NotificationInput, trx?: Transaction) => Promise<{ recipients: number }>

/** The languages a user may choose (`users.language`); notifications carry text in each. */
export type Language = 'en' | 'pl'
export const LANGUAGES: readonly Language[] = ['en', 'pl']

/** One notification as its recipient reads it (the routes' items and the live `notification.created` event). */
export interface NotificationItem {
  id: string
  type: string
  severity: NotificationSeverity
  /** In the recipient's language. */
  title: string
  body: string
  /** Both languages, for a UI that switches language without reloading. */
  localized: { title: LocalText, body: LocalText }
  link: string | null
  createdAt: string
  readAt: string | null
}
