import type { Knex } from 'knex'
import { mssqlSql, postgresSql, assertIdentifier } from './dialects/sql.ts'

/**
 * Creates a tenant-owned table: `tenant_id` NOT NULL first, your columns, then the dialect's
 * row-level security (PostgreSQL: enable + force + policy; SQL Server: a security policy with
 * filter and block predicates) and the grants for the request role. Unique and foreign keys
 * you add should include tenant_id.
 */
export async function tenantTable (knex: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  assertIdentifier(name)
  await knex.schema.createTable(name, t => {
    t.uuid('tenant_id').notNullable()
    build(t)
  })
  const statements = knex.client.dialect === 'mssql' ? mssqlSql.tenantTable(name) : postgresSql.tenantTable(name)
  for (const sql of statements) await knex.raw(sql)
}
