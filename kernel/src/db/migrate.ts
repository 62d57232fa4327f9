import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Knex } from 'knex'
import { StartupError } from '../errors/errors.ts'
import type { Connections } from './connections.ts'

const migrationFile = /^\d{3,}[-_][\w-]+\.(ts|js|mjs)$/

/** The migration table of one owner (the kernel or a plugin id): `mz_migrations_<owner>`. */
export function migrationTable (owner: string): string {
  return `mz_migrations_${owner.replace(/-/g, '_')}`
}

/**
 * Applies the migrations in `dir` (files `NNN-name.ts` exporting `up(knex)` and optionally
 * `down(knex)`) on the owner connection, each in its own transaction, using knex's migrator
 * under a database-wide lock (PostgreSQL: an advisory lock), so that several instances starting
 * together apply each migration once.
 */
export async function migrate (conn: Connections, ownerId: string, dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  const owner = conn.owner
  const files = readdirSync(dir).filter(f => migrationFile.test(f)).sort()
  const source: Knex.MigrationSource<string> = {
    getMigrations: async () => files,
    getMigrationName: f => f,
    getMigration: async f => {
      const mod = await import(pathToFileURL(join(dir, f)).href) as Partial<Knex.Migration>
      if (typeof mod.up !== 'function') throw new Error(`${join(dir, f)} must export async function up(knex)`)
      return { up: mod.up, down: mod.down ?? (async () => { throw new Error(`${f} has no down(); it cannot be undone`) }) }
    }
  }
  return conn.migrationLock ? conn.migrationLock(() => latest(owner, ownerId, source)) : latest(owner, ownerId, source)
}

async function latest (owner: Knex, ownerId: string, source: Knex.MigrationSource<string>): Promise<string[]> {
  // Another tool holding knex's lock, or a racing first run on a dialect without migrationLock: wait.
  for (let attempt = 1; ; attempt++) {
    try {
      const [, applied] = await owner.migrate.latest({ migrationSource: source, tableName: migrationTable(ownerId) }) as [number, string[]]
      return applied
    } catch (err) {
      // 23505/42P07: another instance created knex's bookkeeping tables a moment before us.
      const raced = ['23505', '42P07'].includes(String((err as { code?: string }).code))
      if ((raced || /already locked/i.test((err as Error).message)) && attempt < 120) {
        await new Promise(resolve => setTimeout(resolve, 500))
        continue
      }
      throw new StartupError('migration_failed', `${ownerId}: ${(err as Error).message}`, { pluginId: ownerId, cause: err })
    }
  }
}
