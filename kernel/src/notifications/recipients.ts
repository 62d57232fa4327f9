import type { Transaction } from '../db/database.ts'
import { permissionsFor, type PluginRole } from '../tenancy/roles.ts'
import type { Language, NotificationChannel } from './types.ts'

/** Rows per IN list: SQL Server takes at most 2,100 parameters in one statement. */
export const CHUNK = 1000

export function chunks<T> (items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The active users of the transaction's tenant that `to` names: the union of the listed users,
 * the holders of the roles and the holders of the permissions, each once. Permissions follow the
 * kernel's role model (tenancy/roles.ts) over every installed plugin's permissions; row-level
 * security keeps every lookup inside the tenant. Answers each recipient's language.
 */
export async function resolveRecipients (trx: Transaction, to: { users: string[], roles: string[], permissions: string[] }, pluginPermissions: readonly string[], pluginRoles: ReadonlyMap<string, PluginRole> = new Map()): Promise<Map<string, Language>> {
  const found = new Map<string, Language>()
  for (const ids of chunks(to.users)) {
    for (const row of await trx('users').whereIn('id', ids).where('disabled', false).select('id', 'language')) found.set(row.id, row.language)
  }
  if (to.roles.length > 0 || to.permissions.length > 0) {
    const byRoles = new Map<string, Set<string>>()
    for (const row of await trx('users').where('disabled', false).select('id', 'roles', 'language') as Array<{ id: string, roles: string, language: Language }>) {
      const roles: string[] = JSON.parse(row.roles)
      if (roles.some(r => to.roles.includes(r))) { found.set(row.id, row.language); continue }
      if (to.permissions.length === 0) continue
      const key = [...roles].sort().join(',')
      let granted = byRoles.get(key)
      if (!granted) byRoles.set(key, granted = permissionsFor(roles, pluginPermissions, pluginRoles))
      if (to.permissions.some(p => granted.has(p))) found.set(row.id, row.language)
    }
  }
  return found
}

export interface Delivery { userId: string, inApp: boolean, email: boolean, digest: boolean }

/** Each recipient's channels for `type`: their saved preference, else the type's defaults; and whether they take email as a digest. */
export async function channelsFor (trx: Transaction, userIds: string[], type: string, defaults: readonly NotificationChannel[]): Promise<Delivery[]> {
  const prefs = new Map<string, { in_app: boolean, email: boolean }>()
  const digest = new Set<string>()
  for (const ids of chunks(userIds)) {
    for (const row of await trx('notification_preferences').where({ type }).whereIn('user_id', ids).select('user_id', 'in_app', 'email')) prefs.set(row.user_id, row)
    for (const row of await trx('notification_settings').where({ digest: true }).whereIn('user_id', ids).select('user_id')) digest.add(row.user_id)
  }
  return userIds.map(userId => {
    const pref = prefs.get(userId)
    return {
      userId,
      inApp: pref ? Boolean(pref.in_app) : defaults.includes('inApp'),
      email: pref ? Boolean(pref.email) : defaults.includes('email'),
      digest: digest.has(userId)
    }
  })
}
