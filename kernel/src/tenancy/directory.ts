import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import { recentActivity, type ActivityEntry, type SubjectNamer } from './activity.ts'

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
}

/** The kernel's directory: each plugin gets its own view (`forPlugin`), which knows its id. */
export interface KernelTenantDirectory extends TenantDirectory {
  forPlugin (pluginId: string): TenantDirectory
}

export function createTenantDirectory (owner: Knex, db: Database, log: FastifyBaseLogger): KernelTenantDirectory {
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
