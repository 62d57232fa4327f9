import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { KernelConfig } from '../config/config.ts'
import { secureDataDir } from '../data-dir.ts'
import { knexLog, type Connections } from './connections.ts'
import { lockFolder } from './folder-lock.ts'

/** Picks the dialect from DATABASE_URL: unset is the embedded PGlite in the data dir. */
export async function connect (config: KernelConfig, logger: FastifyBaseLogger, pglite: { memory?: boolean, template?: Blob } = {}): Promise<Connections> {
  const url = config.databaseUrl
  const log = knexLog(logger)
  const secure = () => {
    const changed = secureDataDir(config.dataDir)
    if (changed.length > 0) logger.warn({ dataDir: resolve(config.dataDir), changed: changed.length, examples: changed.slice(0, 5) }, 'the data dir was readable by other users: removed group and other permissions')
  }
  if (!url) {
    const { connectPglite } = await import('./dialects/pglite.ts')
    if (pglite.memory) { secure(); return connectPglite({ dataDir: config.dataDir, log, memory: true, ...(pglite.template ? { template: pglite.template } : {}) }) }
    const folder = resolve(config.dataDir, 'pglite')
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
    const unlock = lockFolder(join(resolve(config.dataDir), 'pglite.lock'), `the embedded database ${folder}`, message => logger.warn(message))
    try {
      secure()
      const conn = await connectPglite({ dataDir: config.dataDir, log })
      // A new PGlite folder is unpacked with 644/755 whatever the umask; the files it creates later are 600.
      secureDataDir(config.dataDir)
      return { ...conn, async close () { try { await conn.close() } finally { unlock() } } }
    } catch (err) {
      unlock()
      throw err
    }
  }
  secure()
  if (url.startsWith('mssql://')) {
    const { connectMssql } = await import('./dialects/mssql.ts')
    return connectMssql({ url, appUrl: config.databaseAppUrl, poolMax: config.databasePoolMax, log })
  }
  const { connectPostgres } = await import('./dialects/postgres.ts')
  return connectPostgres({ url, appUrl: config.databaseAppUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax, log })
}
