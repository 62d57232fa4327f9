import type { Knex } from 'knex'
import { mssqlSql, postgresSql, assertIdentifier } from './dialects/sql.ts'

type Build = (t: Knex.CreateTableBuilder) => void

/** The statements `tenantTable` runs, in order: CREATE TABLE, then the dialect's RLS and grants. */
export function tenantTableSql (knex: Knex, name: string, build: Build): Array<{ sql: string, bindings: readonly unknown[] }> {
  assertIdentifier(name)
  const create = knex.schema.createTable(name, t => {
    t.uuid('tenant_id').notNullable()
    build(t)
  }).toSQL().map(s => ({ sql: s.sql, bindings: s.bindings ?? [] }))
  const rls = knex.client.dialect === 'mssql' ? mssqlSql.tenantTable(name) : postgresSql.tenantTable(name)
  return [...create, ...rls.map(sql => ({ sql, bindings: [] }))]
}

/**
 * Creates a tenant-owned table: `tenant_id` NOT NULL first, your columns, then the dialect's
 * row-level security (PostgreSQL: enable + force + policy; SQL Server: a security policy with
 * filter and block predicates) and the grants for the request role. Unique and foreign keys
 * you add should include tenant_id.
 */
export async function tenantTable (knex: Knex, name: string, build: Build): Promise<void> {
  for (const { sql, bindings } of tenantTableSql(knex, name, build)) await knex.raw(sql, bindings as Knex.RawBinding[])
}

/** The statements `platformTable` runs: CREATE TABLE, then a read-only grant for the request role. */
export function platformTableSql (knex: Knex, name: string, build: Build): Array<{ sql: string, bindings: readonly unknown[] }> {
  assertIdentifier(name)
  const create = knex.schema.createTable(name, build).toSQL().map(s => ({ sql: s.sql, bindings: s.bindings ?? [] }))
  const grants = knex.client.dialect === 'mssql' ? mssqlSql.platformTable(name) : postgresSql.platformTable(name)
  return [...create, ...grants.map(sql => ({ sql, bindings: [] }))]
}

/**
 * Creates a platform table: data shared by every tenant (a vulnerability feed, a catalogue),
 * one copy for all. It has no tenant_id (a tenant_id column would make the start-up check refuse
 * it for lacking RLS). Tenant transactions may read it; only `db.platform(...)` (the owner
 * connection, audited) writes it, so one tenant can never change what another sees.
 */
export async function platformTable (knex: Knex, name: string, build: Build): Promise<void> {
  for (const { sql, bindings } of platformTableSql(knex, name, build)) await knex.raw(sql, bindings as Knex.RawBinding[])
}
