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
 * to commit it with the change that caused it.
 */
export type Notify = (input: NotificationInput, trx?: Transaction) => Promise<{ recipients: number }>
