import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import { recentActivity, type ActivityEntry } from './activity.ts'

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
}

export function createTenantDirectory (owner: Knex, db: Database): TenantDirectory {
  return {
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
      return db.withTenant(tenantId, trx => recentActivity(trx, Math.min(Math.max(limit, 1), 100)))
    }
  }
}
