import knex, { type Knex } from 'knex'
import { StartupError } from '../../errors/errors.ts'
import type { Connections } from '../connections.ts'
import { mssqlSql } from './sql.ts'

/** mssql://user:password@host:port/database?encrypt=true as knex's tedious connection. */
export function mssqlConnection (url: string): Knex.MsSqlConnectionConfig {
  const u = new URL(url)
  return {
    server: u.hostname,
    port: u.port ? Number(u.port) : 1433,
    userName: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    options: {
      encrypt: u.searchParams.get('encrypt') !== 'false',
      trustServerCertificate: u.searchParams.get('trustServerCertificate') === 'true'
    }
  }
}

/**
 * Azure SQL / SQL Server. The runtime login is not provisioned here: give DATABASE_APP_URL a
 * user that is a member of monozu_app only (not db_owner, which can alter security policies).
 */
export async function connectMssql (options: { url: string, appUrl: string | undefined, poolMax: number, log: Knex.Config['log'] }): Promise<Connections> {
  if (!options.appUrl) throw new StartupError('config_invalid', 'DATABASE_APP_URL is required with an mssql:// DATABASE_URL: expected a login that is a member of monozu_app only')
  const owner = knex({ client: 'mssql', connection: mssqlConnection(options.url), pool: { min: 0, max: 2 }, log: options.log })
  for (const sql of mssqlSql.setup()) await owner.raw(sql)
  const app = knex({ client: 'mssql', connection: mssqlConnection(options.appUrl), pool: { min: 0, max: options.poolMax }, log: options.log })
  return {
    dialect: 'mssql',
    owner,
    app,
    async checkRuntimeRole () {
      const unsafe = (await app.raw(mssqlSql.unsafeRoles) as Array<{ name: string }>).map(r => r.name)
      if (unsafe.length > 0) throw new StartupError('db_role_unsafe', `the request pool's login is ${unsafe.join(', ')}, which can bypass or alter security policies`)
    },
    async close () { await Promise.all([app.destroy(), owner.destroy()]) }
  }
}
