import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Bus } from '../bus/bus.ts'
import type { Clock } from '../clock/clock.ts'
import type { ChannelInfo } from '../channels/hub.ts'
import type { Database, Transaction } from '../db/database.ts'
import { ApiError } from '../errors/errors.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import { KERNEL_PERMISSIONS, pluginRoles } from '../tenancy/roles.ts'
import { checkInput, type CheckedInput } from './input.ts'
import { channelsFor, chunks, resolveRecipients } from './recipients.ts'
import { itemOf } from './store.ts'
import { outermost } from '../db/after-commit.ts'
import type { Language, NotificationChannel, NotificationItem, Notify } from './types.ts'

/** The kernel channel every signed-in tenant user may open; each event on it reaches one user. */
export const NOTIFICATIONS_CHANNEL = 'notifications'
export const notificationsChannel: ChannelInfo = { id: NOTIFICATIONS_CHANNEL, plugin: null, permission: null, personal: true }

/**
 * Called in the same transaction that stored the notifications, with the ids whose email is to go
 * out one by one (`email_state` 'queued'; 'digest' rows wait for the daily digest). The email side
 * enqueues its work here, so the notifications and the work commit or roll back together. It runs
 * inside the caller's transaction: keep it to database writes (no network), and throw only to
 * abort the whole change.
 */
export type EmailQueueHook = (trx: Transaction, ids: string[], context: { tenantId: string }) => Promise<void>

/** `notification.read` on the channel: which of the user's notifications are now read, and how many stay unread. */
export interface ReadEvent { ids: string[], all: boolean, readAt: string, unread: number }

const DEFAULT_CHANNELS: readonly NotificationChannel[] = ['inApp', 'email']
/** Rows per INSERT: 13 columns each stays under SQL Server's 2,100 parameters. */
const INSERT_BATCH = 150

/** What one notify stored: how many people it reaches (in-app or email), and the in-app items to publish. */
interface Live { tenantId: string, reached: number, ids: string[], items: Array<{ userId: string, item: NotificationItem }> }


export function createNotifications (deps: { db: Database, bus: Bus, registry: PluginRegistry, clock: Clock, log: FastifyBaseLogger }) {
  const log = deps.log.child({ component: 'notifications' })
  let emailQueued: EmailQueueHook | undefined

  const pluginPermissions = () => deps.registry.running().flatMap(r => (r.manifest.permissions ?? []).map(p => p.id))
  const knownPermission = (id: string) => KERNEL_PERMISSIONS.some(p => p.id === id) || deps.registry.records.some(r => (r.manifest.permissions ?? []).some(p => p.id === id))

  async function count (trx: Transaction, userId: string): Promise<number> {
    const row = await trx('notifications').where({ user_id: userId }).whereNull('read_at').count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  }

  async function publish (tenantId: string, userId: string, event: string, data: unknown): Promise<void> {
    try {
      await deps.bus.publish(tenantId, NOTIFICATIONS_CHANNEL, event, data, { userId })
    } catch (err) {
      // The notification is stored; the user sees it on the next list or count.
      log.warn({ err, tenantId, userId, event }, 'live notification not delivered')
    }
  }

  async function publishCreated (live: Live): Promise<void> {
    await Promise.all(live.items.map(({ userId, item }) => publish(live.tenantId, userId, 'notification.created', item)))
  }

  /** The rows, in one transaction of the tenant; what to publish once it commits. */
  async function store (trx: Transaction, input: CheckedInput, defaults: readonly NotificationChannel[]): Promise<Live> {
    const recipients = await resolveRecipients(trx, input.to, pluginPermissions(), pluginRoles(deps.registry.running().map(r => r.manifest)))
    const deliveries = await channelsFor(trx, [...recipients.keys()], input.type, defaults)
    // The kernel's clock, not the database's: a millisecond timestamp round-trips through list cursors exactly.
    const now = deps.clock.now()
    // Without a mailer (no SMTP_URL) email is off: nothing is queued that a later SMTP_URL would send late.
    const mail = emailQueued !== undefined
    const rows = deliveries.filter(d => d.inApp || (mail && d.email)).map(d => ({
      tenant_id: input.tenantId,
      id: randomUUID(),
      user_id: d.userId,
      type: input.type,
      severity: input.severity,
      title: JSON.stringify(input.title),
      body: JSON.stringify(input.body),
      link: input.link,
      in_app: d.inApp,
      created_at: now,
      // Email-only rows are never listed; stored read, they stay out of unread counts.
      read_at: d.inApp ? null : now,
      email_state: !mail || !d.email ? 'none' : d.digest ? 'digest' : 'queued'
    }))
    for (const batch of chunks(rows, INSERT_BATCH)) await trx('notifications').insert(batch)
    const queued = rows.filter(r => r.email_state === 'queued').map(r => r.id)
    if (queued.length > 0 && emailQueued) await emailQueued(trx, queued, { tenantId: input.tenantId })
    const shown = rows.filter(r => r.in_app)
    return {
      tenantId: input.tenantId,
      reached: rows.length,
      ids: shown.map(r => r.id),
      items: shown.map(r => ({ userId: r.user_id, item: itemOf({ ...r, title: input.title, body: input.body }, recipients.get(r.user_id) ?? 'en') }))
    }
  }

  /** In the caller's transaction: publish once it commits, and only what it committed. */
  function publishAfterCommit (trx: Transaction, live: Live): void {
    const root = outermost(trx)
    if (!root.executionPromise) return log.warn('ctx.notify: the transaction given is not a knex transaction; no live delivery')
    // knex also resolves this promise on a rollback without an error, so look before publishing.
    root.executionPromise.then(async () => {
      const committed = new Set(await deps.db.withTenant(live.tenantId, t => t('notifications').whereIn('id', live.ids).pluck('id')))
      await publishCreated({ ...live, items: live.items.filter(i => committed.has(i.item.id)) })
    }, () => {}).catch(err => log.warn({ err, tenantId: live.tenantId }, 'live notifications not delivered'))
  }

  return {
    /** The hook the email side installs; see EmailQueueHook. */
    setEmailQueue (hook: EmailQueueHook | undefined): void { emailQueued = hook },
    get onEmailQueued (): EmailQueueHook | undefined { return emailQueued },

    /** `ctx.notify` of one plugin: only the types its plugin.json declares. */
    forPlugin (manifest: PluginManifest): Notify {
      const declared = new Map((manifest.notifications ?? []).map(n => [n.type, n]))
      return async (input, trx) => {
        const checked = checkInput(input, knownPermission)
        const type = declared.get(checked.type)
        if (!type) throw new TypeError(`ctx.notify: plugin "${manifest.id}" cannot send "${checked.type}": declare it in plugin.json notifications`)
        const defaults = type.defaultChannels ?? DEFAULT_CHANNELS
        if (trx) {
          const live = await store(trx, checked, defaults)
          if (live.items.length > 0) publishAfterCommit(trx, live)
          return { recipients: live.reached }
        }
        const live = await deps.db.withTenant(checked.tenantId, t => store(t, checked, defaults))
        await publishCreated(live)
        return { recipients: live.reached }
      }
    },

    /** The signed-in user's unread count (in-app notifications only). */
    unread: count,

    /** Marks one of the user's notifications read; 404 when it is not theirs. */
    async markRead (tenantId: string, userId: string, id: string): Promise<NotificationItem> {
      const now = deps.clock.now()
      const { row, language, changed, unread } = await deps.db.withTenant(tenantId, async trx => {
        const mine = () => trx('notifications').where({ id, user_id: userId, in_app: true })
        const changed = Number(await mine().whereNull('read_at').update({ read_at: now })) > 0
        const row = await mine().first()
        if (!row) throw new ApiError('not_found', `No notification ${id}`)
        const user = await trx('users').where({ id: userId }).first('language')
        return { row, language: (user?.language ?? 'en') as Language, changed, unread: changed ? await count(trx, userId) : 0 }
      })
      if (changed) await publish(tenantId, userId, 'notification.read', { ids: [id], all: false, readAt: now.toISOString(), unread } satisfies ReadEvent)
      return itemOf(row, language)
    },

    /** Marks every unread notification of the user read; answers how many changed. */
    async markAllRead (tenantId: string, userId: string): Promise<number> {
      const now = deps.clock.now()
      const changed = Number(await deps.db.withTenant(tenantId, trx => trx('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: now })))
      if (changed > 0) await publish(tenantId, userId, 'notification.read', { ids: [], all: true, readAt: now.toISOString(), unread: 0 } satisfies ReadEvent)
      return changed
    }
  }
}

export type Notifications = ReturnType<typeof createNotifications>
