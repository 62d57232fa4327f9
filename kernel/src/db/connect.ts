import type { FastifyBaseLogger } from 'fastify'
import type { KernelConfig } from '../config/config.ts'
import { knexLog, type Connections } from './connections.ts'

/** Picks the dialect from DATABASE_URL: unset is the embedded PGlite in the data dir. */
export async function connect (config: KernelConfig, logger: FastifyBaseLogger, pglite: { memory?: boolean } = {}): Promise<Connections> {
  const url = config.databaseUrl
  const log = knexLog(logger)
  if (!url) {
    const { connectPglite } = await import('./dialects/pglite.ts')
    return connectPglite({ dataDir: config.dataDir, log, ...(pglite.memory ? { memory: true } : {}) })
  }
  if (url.startsWith('mssql://')) {
    const { connectMssql } = await import('./dialects/mssql.ts')
    return connectMssql({ url, appUrl: config.databaseAppUrl, poolMax: config.databasePoolMax, log })
  }
  const { connectPostgres } = await import('./dialects/postgres.ts')
  return connectPostgres({ url, appUrl: config.databaseAppUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax, log })
}
