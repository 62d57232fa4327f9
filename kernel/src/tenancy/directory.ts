import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database, Transaction } from '../db/database.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import { isUuid } from '../db/database.ts'
import { permissionsFor, pluginRoles } from './roles.ts'
import { recentActivity, type ActivityEntry, type SubjectNamer } from './activity.ts'

/** A user as plugins see one: enough to name, pick and address them. */
export interface TenantUser { id: string, name: string, email: string, language: string }

/** Which users: by id, by email (case-insensitive) or by a permission they hold; `limit` 1-500 (100). */
export interface UserQuery { ids?: string[], emails?: string[], permission?: string, limit?: number }

export interface TenantSummary {
  users: number
  jobs: { pending: number, running: number, dead: number }
}

/** `ctx.tenants`: what plugins may know about a tenant without reading kernel tables themselves. */
export interface TenantDirectory {
  get (tenantId: string): Promise<{ id: string, slug: string, name: string, status: 'active' | 'suspended' } | undefined>
  summary (tenantId: string): Promise<TenantSummary>
  /**
   * The newest audit entries with actors and subjects named. This is audit data: show it only
   * to callers holding `audit.read` (request.auth.permissions), as GET /api/v1/audit does.
   */
  recentActivity (tenantId: string, limit?: number): Promise<ActivityEntry[]>
  /**
   * Names the subjects of this plugin's own audit entries (actions `<pluginId>.*`) for
   * recentActivity: `resolve(trx, ids)` runs in the tenant's transaction and returns `{ id, name }`
   * for the ids it knows (e.g. devices give the hostname of a device id). One per plugin.
   */
  nameSubjects (resolve: SubjectNamer): void
  /**
   * The tenant's active (not disabled) users matching `query`, by name, inside the caller's tenant
   * transaction (RLS: another tenant's users never match). Criteria combine with AND. A
   * `permission` is judged by the kernel's role model (base roles, plugin roles) over the installed
   * plugins: e.g. the service desk's assignee picker asks for holders of `itsm.agent`.
   */
  users (trx: Transaction, query: UserQuery): Promise<TenantUser[]>
}

/** The kernel's directory: each plugin gets its own view (`forPlugin`), which knows its id. */
export interface KernelTenantDirectory extends TenantDirectory {
  forPlugin (pluginId: string): TenantDirectory
}

export function createTenantDirectory (owner: Knex, db: Database, log: FastifyBaseLogger, registry: PluginRegistry): KernelTenantDirectory {
  const namers = new Map<string, SubjectNamer>()
  const directory: KernelTenantDirectory = {
    async get (tenantId) {
      return owner('tenants').where({ id: tenantId }).first('id', 'slug', 'name', 'status')
    },
    async summary (tenantId) {
      const people = await db.withTenant(tenantId, trx => trx('users').where({ disabled: false }).count('* as n').first())
      const jobs: Array<{ state: string, n: number }> = await owner('jobs').where({ tenant: tenantId }).whereIn('state', ['pending', 'running', 'dead']).groupBy('state').select('state').count('* as n')
      const count = (state: string) => Number(jobs.find(j => j.state === state)?.n ?? 0)
      return {
        users: Number(people?.n ?? 0),
        jobs: { pending: count('pending'), running: count('running'), dead: count('dead') }
      }
    },
    recentActivity (tenantId, limit = 10) {
      return db.withTenant(tenantId, trx => recentActivity(trx, Math.min(Math.max(limit, 1), 100), namers, (plugin, err) => log.warn({ err, plugin }, 'naming audit subjects failed; recorded names used')))
    },
    nameSubjects () {
      throw new Error('nameSubjects is for plugins: use ctx.tenants.nameSubjects in start()')
    },
    async users (trx, query) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 500)
      const ids = query.ids?.filter(isUuid)
      const emails = query.emails?.map(e => e.trim().toLowerCase()).filter(e => e.length > 0 && e.length <= 320)
      if ((ids && ids.length === 0) || (emails && emails.length === 0)) return []
      const rows = await trx('users').where({ disabled: false })
        .modify(q => {
          if (ids) q.whereIn('id', ids)
          if (emails) q.whereRaw(`lower(email) in (${emails.map(() => '?').join(', ')})`, emails)
        })
        .orderBy([{ column: 'name' }, { column: 'id' }])
        // A permission filters in JS (roles are JSON): read a bounded page more than asked for.
        .limit(query.permission ? 5000 : limit)
        .select('id', 'name', 'email', 'language', 'roles') as Array<TenantUser & { roles: string }>
      let found = rows
      if (query.permission) {
        const manifests = registry.running().map(r => r.manifest)
        const available = manifests.flatMap(m => (m.permissions ?? []).map(p => p.id))
        const roles = pluginRoles(manifests)
        found = rows.filter(r => permissionsFor(JSON.parse(r.roles) as string[], available, roles).has(query.permission as string))
      }
      return found.slice(0, limit).map(({ id, name, email, language }) => ({ id, name, email, language }))
    },
    forPlugin (pluginId) {
      return {
        ...directory,
        nameSubjects (resolve) {
          if (namers.has(pluginId)) throw new Error(`plugin "${pluginId}" already names its subjects`)
          namers.set(pluginId, resolve)
        }
      }
    }
  }
  return directory
}
