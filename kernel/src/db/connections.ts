import type { Knex } from 'knex'
import type { Dialect } from './dialects/sql.ts'

/**
 * The two ways into the database: `owner` runs migrations and kernel bookkeeping, `app` serves
 * request traffic as a role that RLS binds. On PGlite both are the one connection.
 */
export interface Connections {
  dialect: Dialect
  owner: Knex
  app: Knex
  /** Throws unless the app login cannot bypass RLS. */
  checkRuntimeRole (): Promise<void>
  dump? (): Promise<Blob>
  close (): Promise<void>
}
