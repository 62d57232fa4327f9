import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Transaction } from '../db/database.ts'
import { ApiError } from '../errors/errors.ts'
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.ts'
import type { Features } from '../licensing/features.ts'
import { chunks } from './recipients.ts'
import type { Notifications } from './service.ts'
import { itemOf, itemSchema } from './store.ts'
import type { Language, NotificationChannel } from './types.ts'

const tags = ['notifications']
const text = { type: 'object', properties: { en: { type: 'string' }, pl: { type: 'string' } } }
const DEFAULT_CHANNELS: readonly NotificationChannel[] = ['inApp', 'email']
const typeItem = {
  type: 'object',
  required: ['type', 'inApp', 'email'],
  properties: {
    type: { type: 'string', maxLength: 100 },
    inApp: { type: 'boolean' },
    email: { type: 'boolean' }
  }
}
const preferencesSchema = {
  type: 'object',
  required: ['digest', 'types'],
  properties: {
    digest: { type: 'boolean', description: 'Email arrives once a day as a digest instead of one message per notification' },
    types: {
      type: 'array',
      items: { type: 'object', properties: { type: { type: 'string' }, label: text, plugin: { type: 'string' }, inApp: { type: 'boolean' }, email: { type: 'boolean' } } }
    }
  }
}

const isUniqueViolation = (err: unknown) => ['23505', '2627', '2601'].includes(String((err as { code?: string }).code ?? (err as { number?: number }).number))

interface TypeInfo { type: string, label: { en: string, pl: string }, plugin: string, defaults: readonly NotificationChannel[] }

/** Who is asking: every route here works on the caller's own notifications, in their tenant. */
function caller (request: FastifyRequest): { tenantId: string, userId: string } {
  const auth = request.auth!
  if (!auth.tenant) throw new ApiError('forbidden', 'Notifications belong to tenant users; platform operators have none')
  return { tenantId: auth.tenant.id, userId: auth.userId }
}

async function languageOf (trx: Transaction, userId: string): Promise<Language> {
  const row = await trx('users').where({ id: userId }).first('language')
  return row?.language === 'pl' ? 'pl' : 'en'
}

/**
 * The signed-in user's in-app notifications and preferences. Every query names the caller's own
 * user id inside their tenant's row-level security, so another user's notification id answers
 * 404, exactly like one that does not exist.
 */
export function registerNotificationRoutes (app: FastifyInstance, deps: { notifications: Notifications, features: Features }): void {
  /** Declared types of the plugins enabled for the tenant. */
  async function typesOf (tenantId: string): Promise<TypeInfo[]> {
    const enabled = await deps.features.enabledPlugins(tenantId)
    return enabled.flatMap(r => (r.manifest.notifications ?? []).map(n => ({ type: n.type, label: n.label, plugin: r.manifest.id, defaults: n.defaultChannels ?? DEFAULT_CHANNELS })))
  }

  async function preferences (trx: Transaction, userId: string, types: TypeInfo[]) {
    const saved = new Map<string, { in_app: boolean, email: boolean }>()
    for (const ids of chunks(types.map(t => t.type))) {
      for (const row of await trx('notification_preferences').where({ user_id: userId }).whereIn('type', ids).select('type', 'in_app', 'email')) saved.set(row.type, row)
    }
    const settings = await trx('notification_settings').where({ user_id: userId }).first('digest')
    return {
      digest: Boolean(settings?.digest),
      types: types.map(t => {
        const s = saved.get(t.type)
        return { type: t.type, label: t.label, plugin: t.plugin, inApp: s ? Boolean(s.in_app) : t.defaults.includes('inApp'), email: s ? Boolean(s.email) : t.defaults.includes('email') }
      })
    }
  }

  app.get('/api/v1/notifications', {
    schema: {
      tags,
      summary: 'My notifications, newest first',
      description: '`title` and `body` are in my language (`PATCH /api/v1/me`); `localized` holds both. `unread=true` lists only unread ones.',
      querystring: { ...pageQuery, properties: { ...pageQuery.properties, unread: { type: 'boolean', default: false } } },
      response: { 200: pageOf(itemSchema) }
    }
  }, async request => {
    const { userId } = caller(request)
    const query = request.query as { limit: number, cursor?: string, unread: boolean }
    const after = decodeCursor(query.cursor, { at: 'date', id: 'uuid' })
    const { rows, language } = await request.withTenant(async (trx): Promise<{ language: Language, rows: Array<Record<string, unknown>> }> => ({
      language: await languageOf(trx, userId),
      rows: await trx('notifications').where({ user_id: userId, in_app: true })
        .modify(q => {
          if (query.unread) q.whereNull('read_at')
          if (after) q.where(w => w.where('created_at', '<', new Date(after.at)).orWhere(w2 => w2.where('created_at', new Date(after.at)).andWhere('id', '<', after.id)))
        })
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit + 1)
    }))
    return page(rows.map(r => itemOf(r, language)), query.limit, i => ({ at: i.createdAt, id: i.id }))
  })

  app.get('/api/v1/notifications/unread-count', {
    schema: { tags, summary: 'How many of my notifications are unread', response: { 200: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } } }
  }, async request => {
    const { userId } = caller(request)
    return { count: await request.withTenant(trx => deps.notifications.unread(trx, userId)) }
  })

  app.post('/api/v1/notifications/:id/read', {
    schema: {
      tags,
      summary: 'Mark one of my notifications read',
      description: 'Answers the notification. Someone else\'s notification is 404, as if it did not exist. Marking a read one again changes nothing.',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
      response: { 200: itemSchema }
    }
  }, async request => {
    const { tenantId, userId } = caller(request)
    return deps.notifications.markRead(tenantId, userId, (request.params as { id: string }).id)
  })

  app.post('/api/v1/notifications/read-all', {
    schema: { tags, summary: 'Mark all my notifications read', response: { 200: { type: 'object', required: ['updated'], properties: { updated: { type: 'integer', description: 'How many were unread' } } } } }
  }, async request => {
    const { tenantId, userId } = caller(request)
    return { updated: await deps.notifications.markAllRead(tenantId, userId) }
  })

  app.get('/api/v1/notifications/preferences', {
    schema: {
      tags,
      summary: 'Which notification types reach me by which channel',
      description: 'Every type declared by the modules enabled for my tenant, with my choice or, until I choose, the type\'s default channels.',
      response: { 200: preferencesSchema }
    }
  }, async request => {
    const { tenantId, userId } = caller(request)
    const types = await typesOf(tenantId)
    return request.withTenant(trx => preferences(trx, userId, types))
  })

  app.put('/api/v1/notifications/preferences', {
    schema: {
      tags,
      summary: 'Change my notification preferences',
      description: 'Types not named keep their current setting; `digest` omitted keeps the current one. An unknown type (or one of a module not enabled for my tenant) is a 400.',
      body: {
        type: 'object',
        minProperties: 1,
        properties: {
          digest: { type: 'boolean' },
          types: { type: 'array', maxItems: 500, items: typeItem }
        }
      },
      response: { 200: preferencesSchema }
    }
  }, async request => {
    const { tenantId, userId } = caller(request)
    const body = request.body as { digest?: boolean, types?: Array<{ type: string, inApp: boolean, email: boolean }> }
    const types = await typesOf(tenantId)
    const known = new Set(types.map(t => t.type))
    const unknown = (body.types ?? []).map((t, i) => ({ t, i })).filter(({ t }) => !known.has(t.type))
    if (unknown.length > 0) {
      throw new ApiError('validation_failed', `body/types: unknown notification type(s) ${unknown.map(u => u.t.type).join(', ')}`, {
        extra: { errors: unknown.map(u => ({ in: 'body', pointer: `/types/${u.i}/type`, message: 'not a notification type of a module enabled for this tenant' })) }
      })
    }
    const named = new Map((body.types ?? []).map(t => [t.type, t]))
    return request.withTenant(async trx => {
      for (const ids of chunks([...named.keys()])) await trx('notification_preferences').where({ user_id: userId }).whereIn('type', ids).del()
      const rows = [...named.values()].map(t => ({ tenant_id: tenantId, user_id: userId, type: t.type, in_app: t.inApp, email: t.email }))
      for (const batch of chunks(rows, 300)) await trx('notification_preferences').insert(batch)
      if (body.digest !== undefined) {
        await trx('notification_settings').where({ user_id: userId }).del()
        await trx('notification_settings').insert({ tenant_id: tenantId, user_id: userId, digest: body.digest })
      }
      return preferences(trx, userId, types)
    }).catch(err => {
      // Two saves of the same user at the same moment (two tabs): the later one lost the race.
      if (isUniqueViolation(err)) throw new ApiError('conflict', 'Your notification settings were changed at the same moment elsewhere; load them and save again')
      throw err
    })
  })
}
