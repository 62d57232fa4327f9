import { createRequire } from 'node:module'
import type { Knex } from 'knex'
import { APP_ROLE } from './sql.ts'

const require = createRequire(import.meta.url)
// knex has no public hook for the statement that opens a transaction; these are its own classes.
const PgClient = require('knex/lib/dialects/postgres/index.js') as new (config: Knex.Config) => object
const PgTransaction = require('knex/lib/dialects/postgres/execution/pg-transaction.js') as new (...args: unknown[]) => {
  begin (conn: unknown): Promise<unknown>
  query (conn: unknown, sql: string): Promise<unknown>
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Opens a tenant transaction in one round trip: `BEGIN` and the scope travel as one simple
 * query. The tenant id is inlined, which is safe only because it must match the uuid pattern
 * exactly (checked here again, not just by the caller); the role name is a constant.
 */
class ScopedTransaction extends PgTransaction {
  monozuTenant: string | undefined

  constructor (...args: unknown[]) {
    super(...args)
    // knex starts the transaction (and calls begin) only after a promise tick, so this is in time.
    this.monozuTenant = (args[2] as { monozuTenant?: string } | undefined)?.monozuTenant
  }

  override begin (conn: unknown): Promise<unknown> {
    const tenant = this.monozuTenant
    if (tenant === undefined) return super.begin(conn)
    if (!uuid.test(tenant)) return Promise.reject(new TypeError('tenant scope must be a uuid'))
    return this.query(conn, `BEGIN; select set_config('role', '${APP_ROLE}', true), set_config('monozu.tenant_id', '${tenant}', true);`)
  }
}

export class ScopedPgClient extends (PgClient as unknown as new (config: Knex.Config) => { transaction (...args: unknown[]): unknown }) {
  override transaction (...args: unknown[]): unknown {
    return new ScopedTransaction(this, ...args)
  }
}
