import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Knex } from 'knex'
import type { Database } from '../db/database.ts'
import type { Clock } from '../clock/clock.ts'
import type { Tenant } from '../tenancy/tenants.ts'
import { ndjsonLine, tarGzStream, type ArchiveEntry } from './archive.ts'

/** Rows read per query: what the export holds in memory at once, whatever the tenant's size. */
export const EXPORT_CHUNK_ROWS = 1000

type Row = Record<string, unknown>
type ReadChunk = (after: Row | null, limit: number) => Promise<Row[]>

/** The primary-key columns of a table in order ([] when it has none). */
async function primaryKey (owner: Knex, table: string): Promise<string[]> {
  const schema = owner.client.config.client === 'mssql' ? 'schema_name()' : 'current_schema()'
  const result = await owner.raw(`select kcu.column_name as name from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
    where tc.constraint_type = 'PRIMARY KEY' and tc.table_name = ? and tc.table_schema = ${schema} order by kcu.ordinal_position`, [table])
  const rows: Array<{ name: string }> = Array.isArray(result) ? result : result.rows
  return rows.map(r => r.name)
}

/** Keyset paging on the primary key: rows after `last` in key order (works on every dialect, no row values). */
function after (q: Knex.QueryBuilder, key: string[], last: Row | null): Knex.QueryBuilder {
  if (last) {
    q.where(any => {
      key.forEach((column, i) => any.orWhere(one => {
        for (const earlier of key.slice(0, i)) one.where(earlier, last[earlier] as Knex.Value)
        one.where(column, '>', last[column] as Knex.Value)
      }))
    })
  }
  return q.orderBy(key.map(column => ({ column })))
}

/**
 * Writes a table's rows to `file` as NDJSON, one chunk of rows at a time, waiting for the disk
 * when the write buffer is full. A table without a primary key is read in one query (none of
 * ours: every tenant table has one; a plugin's might not).
 */
async function spool (file: string, key: string[], read: ReadChunk, chunkRows: number): Promise<{ rows: number, bytes: number }> {
  const out = createWriteStream(file, { mode: 0o600 })
  let rows = 0
  try {
    let last: Row | null = null
    for (;;) {
      const chunk = await read(last, key.length > 0 ? chunkRows : 0)
      for (const row of chunk) if (!out.write(ndjsonLine(row))) await once(out, 'drain')
      rows += chunk.length
      if (key.length === 0 || chunk.length < chunkRows) break
      last = chunk[chunk.length - 1] as Row
    }
    out.end()
    await once(out, 'finish')
    return { rows, bytes: out.bytesWritten }
  } catch (err) {
    out.destroy()
    throw err
  }
}

export interface TenantExport {
  /** The .tar.gz: manifest.json, then tables/<table>.ndjson and kernel/<table>.ndjson. */
  stream: Readable
  tables: Record<string, number>
  /** Removes the spooled files; call once the stream is done or abandoned. */
  cleanup (): Promise<void>
}

/**
 * Every row of the tenant, one NDJSON file per table in one .tar.gz. Tables are read in chunks
 * of `chunkRows` by primary-key cursor (plugin tables inside the tenant's RLS scope, the kernel's
 * tenant-keyed tables by their `tenant` column) and spooled to a private temporary folder; the
 * archive then streams from there at the pace its reader takes it. Memory stays at one chunk.
 */
export async function exportTenant (deps: { owner: Knex, db: Database, clock: Clock }, tenant: Tenant, tenantTables: string[], kernelTables: string[], chunkRows = EXPORT_CHUNK_ROWS): Promise<TenantExport> {
  const dir = await mkdtemp(join(tmpdir(), 'monozu-export-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    const entries: ArchiveEntry[] = []
    const tables: Record<string, number> = {}
    const add = async (name: string, key: string[], read: ReadChunk) => {
      const file = join(dir, `${entries.length}.ndjson`)
      const spooled = await spool(file, key, read, chunkRows)
      entries.push({ name, file, size: spooled.bytes })
      return spooled.rows
    }
    for (const table of tenantTables) {
      const key = await primaryKey(deps.owner, table)
      tables[table] = await add(`tables/${table}.ndjson`, key, (last, limit) =>
        deps.db.withTenant(tenant.id, trx => after(trx(table).select(), key, last).modify(q => { if (limit) q.limit(limit) })))
    }
    for (const table of kernelTables) {
      const key = await primaryKey(deps.owner, table)
      tables[`kernel.${table}`] = await add(`kernel/${table}.ndjson`, key, (last, limit) =>
        after(deps.owner(table).where({ tenant: tenant.id }).select(), key, last).modify(q => { if (limit) q.limit(limit) }))
    }
    const manifest = { format: 'monozu-tenant-export/1', tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, externalId: tenant.external_id ?? null }, exportedAt: deps.clock.now().toISOString(), tables }
    entries.unshift({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) })
    return { stream: tarGzStream(entries, deps.clock.nowMs()), tables, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
