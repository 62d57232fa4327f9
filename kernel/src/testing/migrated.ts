import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import knex from 'knex'
import { migrate } from '../db/migrate.ts'
import { assertTenantTablesProtected } from '../db/database.ts'
import type { Connections } from '../db/connections.ts'
import { runtimeRoleName } from '../db/dialects/postgres.ts'
import { discover, preparePlugins } from '../plugins/load.ts'
import { shareKernelWithPlugins } from '../plugins/share-kernel.ts'
import type { Profile } from '../plugins/pipeline/profile.ts'

// Migrating the kernel and a full plugin set is most of a test kernel's start-up (tens of
// seconds on a loaded CI machine), and every test file starts one or more. The migrated schema
// depends only on the migration files, so it is built once per set of files and copied: a
// PGlite dump under the temp dir, a PostgreSQL template database. The key hashes every
// migration file's name and content, so an edited migration builds a new template; `.ci/run`
// drops the PostgreSQL templates before its suite, so each run migrates every set for real.
// Only the schema is shared: the kernel still runs `migrate` (a no-op) and everything after it.

// A set that fails to migrate is reported by the real start that follows; the build stays quiet.
const quiet = { warn () {}, error () {}, deprecate () {}, debug () {} }
const BUILD = 2
const kernelMigrations = fileURLToPath(new URL('../migrations/', import.meta.url))

export interface TemplateRequest { plugins: string[], profile?: Profile | undefined }

/** The migration folders a kernel with these plugins runs, in the order it runs them; null when the set is invalid (the real start reports why). */
function migrationDirs (request: TemplateRequest): Array<{ owner: string, dir: string }> | null {
  try {
    const prepared = preparePlugins([...request.plugins.map(dir => ({ dir, origin: 'repo' as const })), ...discover(null, [])], request.profile)
    return [{ owner: 'kernel', dir: kernelMigrations }, ...prepared.ordered.map(p => ({ owner: p.manifest.id, dir: join(p.candidate.dir, 'migrations') }))]
  } catch { return null }
}

function keyOf (dialect: string, dirs: Array<{ owner: string, dir: string }>): string {
  // BUILD: bumped when how a template is built changes, so no cache from the old way is reused.
  const hash = createHash('sha256').update(`${BUILD}\0${dialect}`)
  for (const { owner, dir } of dirs) {
    hash.update(`\0${owner}`)
    if (!existsSync(dir)) continue
    for (const file of readdirSync(dir).sort()) hash.update(`\0${file}\0`).update(readFileSync(join(dir, file)))
  }
  return hash.digest('hex').slice(0, 20)
}

/** Where the template for this request lives: a PGlite tarball path or a PostgreSQL database name; null if the set is invalid. */
export function templateName (dialect: 'pglite' | 'postgres', request: TemplateRequest): string | null {
  const dirs = migrationDirs(request)
  if (!dirs) return null
  const key = keyOf(dialect, dirs)
  return dialect === 'pglite' ? join(tmpdir(), `monozu-pglite-migrated-${key}.tar`) : `mz_tpl_${key}`
}

// The start's own check after each owner's migrations: a set that leaves an unprotected tenant
// table gets no template, so its start fails from scratch and names the plugin that made it.
async function migrateAll (conn: Connections, dirs: Array<{ owner: string, dir: string }>): Promise<void> {
  // Migrations of plugins outside the repo import @monozu/kernel as the kernel's start lets them.
  shareKernelWithPlugins()
  for (const { owner, dir } of dirs) {
    await migrate(conn, owner, dir)
    await assertTenantTablesProtected(conn, owner)
  }
}

const pgliteBuilt = new Map<string, Promise<Blob | null>>()

/** A dump of a fresh PGlite cluster with these plugins' migrations applied; null if they fail (the real start then fails the same way). */
export function migratedPglite (request: TemplateRequest, fresh: Blob): Promise<Blob | null> {
  const dirs = migrationDirs(request)
  if (!dirs) return Promise.resolve(null)
  const key = keyOf('pglite', dirs)
  let built = pgliteBuilt.get(key)
  if (!built) {
    built = buildPglite(key, dirs, fresh).catch(() => null)
    pgliteBuilt.set(key, built)
  }
  return built
}

async function buildPglite (key: string, dirs: Array<{ owner: string, dir: string }>, fresh: Blob): Promise<Blob | null> {
  const file = join(tmpdir(), `monozu-pglite-migrated-${key}.tar`)
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const { connectPglite } = await import('../db/dialects/pglite.ts')
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-template-'))
  const conn = await connectPglite({ dataDir, memory: true, template: fresh, log: quiet })
  try {
    await migrateAll(conn, dirs)
    const dump = await conn.dump?.()
    if (!dump) return null
    // Test files run in parallel processes: write aside, then rename, so no one reads half a file.
    const part = `${file}.${process.pid}.part`
    writeFileSync(part, Buffer.from(await dump.arrayBuffer()))
    renameSync(part, file)
    return dump
  } finally {
    await conn.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * The name of a PostgreSQL template database with these plugins' migrations applied, built on
 * first use under an advisory lock (test files run in parallel); null if the migrations fail.
 */
export async function migratedPostgres (adminUrl: string, request: TemplateRequest): Promise<string | null> {
  const dirs = migrationDirs(request)
  if (!dirs) return null
  const key = keyOf('postgres', dirs)
  const name = `mz_tpl_${key}`
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 1, max: 1 } })
  try {
    const lock = Number.parseInt(key.slice(0, 12), 16)
    await admin.raw('select pg_advisory_lock(?)', [lock])
    try {
      if ((await admin.raw('select 1 from pg_database where datname = ?', [name])).rows.length > 0) return name
      return await buildPostgres(admin, adminUrl, name, dirs)
    } finally {
      await admin.raw('select pg_advisory_unlock(?)', [lock])
    }
  } catch {
    return null
  } finally {
    await admin.destroy()
  }
}

async function buildPostgres (admin: knex.Knex, adminUrl: string, name: string, dirs: Array<{ owner: string, dir: string }>): Promise<string | null> {
  // Built under another name and renamed when complete: a half-built template is never used.
  const building = `${name}_b${process.pid}`
  const login = runtimeRoleName(building)
  await admin.raw(`drop database if exists ${building} with (force)`)
  await admin.raw(`create database ${building}`)
  const url = new URL(adminUrl)
  url.pathname = `/${building}`
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-template-'))
  const { connectPostgres } = await import('../db/dialects/postgres.ts')
  let ok = false
  try {
    const conn = await connectPostgres({ url: url.href, dataDir, poolMax: 2, log: quiet })
    try { await migrateAll(conn, dirs); ok = true } finally { await conn.close() }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
    if (!ok) await admin.raw(`drop database if exists ${building} with (force)`)
    // The build's runtime login is this database's alone; copies provision their own.
    if (ok) await admin.raw(`revoke connect on database ${building} from ${login}`).catch(() => {})
    await admin.raw(`drop role if exists ${login}`).catch(() => {})
  }
  // The build's sessions end a moment after the pool closes: until then the rename is refused (55006).
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.raw(`alter database ${building} rename to ${name}`)
      return name
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
}
