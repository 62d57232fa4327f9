import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'

export interface TenantSummary {
  users: number
  jobs: { pending: number, running: number, dead: number }
  recentActivity: Array<{ at: string, action: string, actor: string }>
}

/** `ctx.tenants`: what plugins may know about a tenant without reading kernel tables themselves. */
export interface TenantDirectory {
  get (tenantId: string): Promise<{ id: string, slug: string, name: string, status: 'active' | 'suspended' } | undefined>
  summary (tenantId: string): Promise<TenantSummary>
}

export function createTenantDirectory (owner: Knex, db: Database): TenantDirectory {
  return {
    async get (tenantId) {
      return owner('tenants').where({ id: tenantId }).first('id', 'slug', 'name', 'status')
    },
    async summary (tenantId) {
      const [people, activity] = await db.withTenant(tenantId, trx => Promise.all([
        trx('users').where({ disabled: false }).count('* as n').first(),
        trx('audit_log').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(10).select('at', 'action', 'actor')
      ]))
      const jobs: Array<{ state: string, n: number }> = await owner('jobs').where({ tenant: tenantId }).whereIn('state', ['pending', 'running', 'dead']).groupBy('state').select('state').count('* as n')
      const count = (state: string) => Number(jobs.find(j => j.state === state)?.n ?? 0)
      return {
        users: Number(people?.n ?? 0),
        jobs: { pending: count('pending'), running: count('running'), dead: count('dead') },
        recentActivity: activity.map((a: { at: Date, action: string, actor: string }) => ({ at: new Date(a.at).toISOString(), action: a.action, actor: a.actor }))
      }
    }
  }
}
