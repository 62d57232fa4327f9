import { randomBytes } from 'node:crypto'
import { readOrCreate } from '../../data-dir.ts'
import { join } from 'node:path'
import knex, { type Knex } from 'knex'
import pg from 'pg'
import { StartupError } from '../../errors/errors.ts'
import type { Connections } from '../connections.ts'
import { APP_ROLE, postgresSql } from './sql.ts'
import { autocommit, ScopedPgClient } from './pg-client.ts'

// bigint (count(*)) as a number, as PGlite gives it: counts stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10))

const MIGRATION_LOCK = 7_349_202_611

const pool = (max: number) => ({ min: 0, max, idleTimeoutMillis: 10_000 })

export function runtimeRoleName (database: string): string {
  return `mz_rt_${database.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63)
}

function runtimePassword (dataDir: string): string {
  return readOrCreate(join(dataDir, 'db-runtime-password'), () => randomBytes(24).toString('base64url') + '\n').trim()
}

/**
 * Roles and grants are cluster-wide catalog rows: kernels starting together on one cluster
 * race on them ("already exists", "tuple concurrently updated"). Such a statement is retried,
 * and an object that now exists counts as done.
 */
async function settle (work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try { await work(); return } catch (err) {
      const code = (err as { code?: string }).code
      if (code === '42710' || code === '23505') return
      if (code !== 'XX000' || attempt >= 5) throw err
      await new Promise(resolve => setTimeout(resolve, 50 * attempt))
    }
  }
}

/** Creates the shared NOLOGIN app role and this database's runtime login, returns its URL. */
async function provisionRuntimeLogin (owner: Knex, url: URL, dataDir: string): Promise<string> {
  const database = decodeURIComponent(url.pathname.slice(1)) || 'postgres'
  const login = runtimeRoleName(database)
  const password = runtimePassword(dataDir)
  const exists = async (name: string) => (await owner.raw('select 1 from pg_roles where rolname = ?', [name])).rows.length > 0
  if (!(await exists(APP_ROLE))) await settle(() => owner.raw(`create role ${APP_ROLE} nologin nosuperuser nobypassrls`))
  if (!(await exists(login))) await settle(() => owner.raw(`create role ${login} login nosuperuser nobypassrls noinherit nocreatedb nocreaterole`))
  await settle(() => owner.raw(`alter role ${login} with login password ${pg.escapeLiteral(password)}`))
  await settle(() => owner.raw(`grant ${APP_ROLE} to ${login}`))
  await settle(() => owner.raw(`grant connect on database "${database.replace(/"/g, '""')}" to ${login}`))
  await settle(() => owner.raw(`grant usage on schema public to ${APP_ROLE}`))
  const app = new URL(url.href)
  app.username = login
  app.password = password
  return app.href
}

export async function connectPostgres (options: { url: string, appUrl?: string | undefined, dataDir: string, poolMax: number, log: Knex.Config['log'] }): Promise<Connections> {
  // Kernel bookkeeping (job claims, sign-in lookups, feature loads) runs here too: not just migrations.
  const owner = knex({ client: 'pg', connection: options.url, pool: pool(Math.max(4, Math.ceil(options.poolMax / 2))), log: options.log })
  await owner.raw('select 1')
  const appUrl = options.appUrl ?? await provisionRuntimeLogin(owner, new URL(options.url), options.dataDir)
  const app = knex({ client: ScopedPgClient as unknown as typeof knex.Client, connection: appUrl, pool: pool(options.poolMax), log: options.log })
  return {
    dialect: 'postgres',
    owner,
    app,
    scopedBegin: true,
    autocommit: statement => autocommit(app, statement),
    // knex's own migration lock table is created and seeded racily by instances starting
    // together (two lock rows lock everyone out for good); a session advisory lock on one
    // dedicated connection serialises the whole migration phase instead.
    async migrationLock (fn) {
      const connection = await owner.client.acquireConnection()
      try {
        await owner.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK]).connection(connection)
        try { return await fn() } finally { await owner.raw('select pg_advisory_unlock(?)', [MIGRATION_LOCK]).connection(connection) }
      } finally {
        await owner.client.releaseConnection(connection)
      }
    },
    async checkRuntimeRole () {
      const unsafe = (await app.raw(postgresSql.unsafeRoles)).rows.map((r: { name: string }) => r.name)
      if (unsafe.length > 0) {
        throw new StartupError('db_role_unsafe', `the request pool logs in as a role that is or can become ${unsafe.join(', ')} (superuser or BYPASSRLS); give DATABASE_APP_URL a plain login role`)
      }
      const owned = (await app.raw(postgresSql.ownedRelations)).rows[0].n
      if (owned > 0) throw new StartupError('db_role_unsafe', `the request pool's login role owns ${owned} relation(s); table owners can disable RLS`)
      const member = (await app.raw('select pg_has_role(current_user, ?, \'MEMBER\') as ok', [APP_ROLE])).rows[0].ok
      if (!member) throw new StartupError('db_role_unsafe', `the request pool's login role is not a member of ${APP_ROLE}`)
    },
    async close () { await Promise.all([app.destroy(), owner.destroy()]) }
  }
}
