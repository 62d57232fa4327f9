import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import knex, { type Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import { APP_ROLE } from './sql.ts'
import type { Connections } from '../connections.ts'

// knex-pglite reports deletes as command "DEL", which knex's pg client does not map to a row
// count; normalise so `.del()` returns a number on every dialect.
class PgliteClient extends (ClientPgLite as unknown as new (config: unknown) => { processResponse (obj: any, runner: unknown): unknown }) {
  override processResponse (obj: any, runner: unknown): unknown {
    if (obj.method === 'del' && !obj.returning) return obj.response.affectedRows ?? obj.response.rowCount ?? 0
    return super.processResponse(obj, runner)
  }
}

/** The embedded default: one PGlite folder, one connection, shared by migrations and requests. */
/**
 * `template`: an in-memory database starts from this dump of a fresh cluster (the test kit's
 * cache) instead of running initdb, which is most of a test kernel's start-up.
 */
export async function connectPglite (options: { dataDir: string, memory?: boolean, template?: Blob, log: Knex.Config['log'] }): Promise<Connections> {
  let pglite: PGlite
  if (options.memory) {
    pglite = options.template ? new PGlite({ loadDataDir: options.template }) : new PGlite()
  } else {
    const dir = join(options.dataDir, 'pglite')
    mkdirSync(dir, { recursive: true })
    pglite = new PGlite(dir)
  }
  await pglite.waitReady
  const db = knex({ client: PgliteClient as unknown as typeof knex.Client, connection: () => ({ pglite }), log: options.log } as Knex.Config)
  await db.raw(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then create role ${APP_ROLE} nologin; end if; end $$`)
  await db.raw(`grant usage on schema public to ${APP_ROLE}`)
  return {
    dialect: 'pglite',
    owner: db,
    app: db,
    ...(options.memory ? { dump: () => pglite.dumpDataDir('none') as Promise<Blob> } : {}),
    async checkRuntimeRole () { /* one superuser connection: the role is switched per transaction */ },
    async close () { await db.destroy() }
  }
}
