import type { Knex } from 'knex'
import { StartupError } from '../errors/errors.ts'
import type { Connections } from './connections.ts'
import { mssqlSql, postgresSql } from './dialects/sql.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid (value: unknown): value is string {
  return typeof value === 'string' && uuid.test(value)
}

/** The rows of a `raw()` result, whichever driver answered (pg: `{ rows }`, others: an array). */
export function rowsOf<T> (result: unknown): T[] {
  return Array.isArray(result) ? result : (result as { rows?: T[] }).rows ?? []
}

/** Why cross-tenant work is happening; recorded in the audit log. */
export interface PlatformPurpose {
  actor: string
  reason: string
}

export type Transaction = Knex.Transaction

/** What plugins get as `ctx.db`. */
export interface Database {
  readonly dialect: Connections['dialect']
  /**
   * Runs `fn` in one transaction scoped to `tenantId`: row-level security then shows and
   * accepts only that tenant's rows, whatever SQL `fn` sends.
   */
  withTenant<T> (tenantId: string, fn: (trx: Transaction) => Promise<T>): Promise<T>
  /** Cross-tenant work (operators, platform jobs): explicit and audited, never the default. */
  platform<T> (purpose: PlatformPurpose, fn: (trx: Transaction) => Promise<T>): Promise<T>
}

export type PlatformAuditor = (purpose: PlatformPurpose) => Promise<void>

export function createDatabase (conn: Connections, auditPlatform: PlatformAuditor): Database {
  return {
    dialect: conn.dialect,
    withTenant (tenantId, fn) {
      if (!isUuid(tenantId)) return Promise.reject(new TypeError(`withTenant needs a tenant uuid, got ${JSON.stringify(tenantId)}`))
      if (conn.scopedBegin) return conn.app.transaction(fn, { monozuTenant: tenantId } as Knex.TransactionConfig)
      return conn.app.transaction(async trx => {
        if (conn.dialect !== 'mssql') {
          await trx.raw(postgresSql.scope, [tenantId])
          return fn(trx)
        }
        await trx.raw(mssqlSql.scope, [tenantId])
        try { return await fn(trx) } finally { await trx.raw(mssqlSql.reset).catch(() => {}) }
      })
    },
    async platform (purpose, fn) {
      if (!purpose?.actor || !purpose?.reason) throw new TypeError('platform scope needs { actor, reason }')
      await auditPlatform(purpose)
      return conn.owner.transaction(fn)
    }
  }
}

/** Refuses to start when a table with a tenant_id column lacks forced RLS and a policy. */
export async function assertTenantTablesProtected (conn: Connections, createdBy = 'a migration'): Promise<void> {
  const sql = conn.dialect === 'mssql' ? mssqlSql.unprotectedTables : postgresSql.unprotectedTables
  const result = await conn.owner.raw(sql)
  const rows: Array<{ name: string }> = Array.isArray(result) ? result : result.rows
  if (rows.length > 0) {
    throw new StartupError('rls_missing', `${createdBy}: table(s) ${rows.map(r => r.name).join(', ')} have a tenant_id column but no forced row-level security; create them with tenantTable()`)
  }
}
