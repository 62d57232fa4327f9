import type { Knex } from 'knex'
import type { FastifyBaseLogger } from 'fastify'
import type { PreparedStatement } from './dialects/pg-client.ts'
import type { Dialect } from './dialects/sql.ts'

/**
 * The two ways into the database: `owner` runs migrations and kernel bookkeeping, `app` serves
 * request traffic as a role that RLS binds. On PGlite both are the one connection.
 */
export interface Connections {
  dialect: Dialect
  owner: Knex
  app: Knex
  /** The app client opens tenant transactions with BEGIN and the scope in one round trip. */
  scopedBegin?: boolean
  /**
   * One prepared statement as a transaction of its own, in one round trip (PostgreSQL); Buffer
   * values go as binary parameters. It sets no tenant scope: the statement must set its own.
   */
  autocommit?(statement: PreparedStatement): Promise<unknown[]>
  /** Runs `fn` while holding the database-wide migration lock (several instances starting together). */
  migrationLock?<T> (fn: () => Promise<T>): Promise<T>
  /** In-memory PGlite only: the whole cluster as a tarball (the test kit's migrated templates). */
  dump?(): Promise<Blob>
  /** Throws unless the app login cannot bypass RLS. */
  checkRuntimeRole (): Promise<void>
  close (): Promise<void>
}

/** knex's own messages (migration failures, pool warnings) go to the kernel's pino logger. */
export function knexLog (logger: FastifyBaseLogger): NonNullable<Knex.Config['log']> {
  const log = logger.child({ component: 'knex' })
  return {
    warn: (m: unknown) => log.warn(String(m)),
    error: (m: unknown) => log.error(String(m)),
    deprecate: (m: unknown) => log.warn(String(m)),
    debug: (m: unknown) => log.debug(String(m))
  }
}
