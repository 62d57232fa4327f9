import { createRequire } from 'node:module'
import type { Knex } from 'knex'
import { isUuid } from '../database.ts'
import { APP_ROLE } from './sql.ts'

const require = createRequire(import.meta.url)
// knex has no public hook for the statement that opens a transaction; these are its own classes.
const PgClient = require('knex/lib/dialects/postgres/index.js') as new (config: Knex.Config) => object
const PgTransaction = require('knex/lib/dialects/postgres/execution/pg-transaction.js') as new (...args: unknown[]) => {
  begin (conn: unknown): Promise<unknown>
  query (conn: unknown, sql: string): Promise<unknown>
}

/**
 * `BEGIN` and the tenant scope as one simple-query text. The tenant id is inlined, which is safe
 * only because it must match the uuid pattern exactly (checked here, not just by the caller);
 * the role name is a constant.
 */
function scopedBegin (tenant: string): string {
  if (!isUuid(tenant)) throw new TypeError('tenant scope must be a uuid')
  return `BEGIN; select set_config('role', '${APP_ROLE}', true), set_config('monozu.tenant_id', '${tenant}', true);`
}

interface PgResult { rows: unknown[] }
interface PgConnection { query (statement: PreparedStatement): Promise<PgResult> }
interface PoolClient { acquireConnection (): Promise<PgConnection>, releaseConnection (c: PgConnection): Promise<unknown> }

/** A named statement: parsed once per connection, then only bound and executed. */
export interface PreparedStatement { name: string, text: string, values: unknown[] }

/**
 * One prepared statement as a transaction of its own, in one round trip: Parse (the first time
 * on a connection), Bind, Execute and Sync travel together, the server commits at Sync, and an
 * error rolls everything back there, so the connection returns to the pool clean either way.
 * Buffer values go as binary parameters. Nothing sets a tenant scope here: a statement that needs
 * one sets it itself, transaction-local (ingest_commit does).
 */
export async function autocommit (app: Knex, statement: PreparedStatement): Promise<unknown[]> {
  const client = app.client as unknown as PoolClient
  const connection = await client.acquireConnection()
  try {
    return (await connection.query(statement)).rows
  } finally {
    await client.releaseConnection(connection)
  }
}

/** Opens a tenant transaction in one round trip: `BEGIN` and the scope travel as one simple query. */
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
    try { return this.query(conn, scopedBegin(tenant)) } catch (err) { return Promise.reject(err) }
  }
}

export class ScopedPgClient extends (PgClient as unknown as new (config: Knex.Config) => { transaction (...args: unknown[]): unknown }) {
  override transaction (...args: unknown[]): unknown {
    return new ScopedTransaction(this, ...args)
  }
}
