import t from 'tap'
import knex from 'knex'
import { tenantTableSql } from '../src/db/tenant-table.ts'
import { mssqlSql, postgresSql } from '../src/db/dialects/sql.ts'
import { mssqlConnection } from '../src/db/dialects/mssql.ts'
import { claimSqlMssql } from '../src/jobs/queue.ts'

// No SQL Server runs here: these assert the generated SQL, compiled by knex's mssql client offline.
const mssql = knex({ client: 'mssql' })
t.teardown(() => mssql.destroy())
const tenant = '3f1c2a9e-8d7b-4c6a-9e5f-1a2b3c4d5e6f'

t.test('tenant table DDL: table, one security policy with filter and block predicates, grants', async t => {
  const statements = tenantTableSql(mssql, 'cmdb_items', tb => {
    tb.uuid('id').notNullable()
    tb.string('name', 200).notNullable()
    tb.primary(['tenant_id', 'id'])
  }).map(s => s.sql)
  t.match(statements[0], /^CREATE TABLE \[cmdb_items\] \(\[tenant_id\] uniqueidentifier not null, \[id\] uniqueidentifier not null, \[name\] nvarchar\(200\) not null, CONSTRAINT \[cmdb_items_pkey\] PRIMARY KEY \(\[tenant_id\], \[id\]\)\)$/)
  t.equal(statements[1],
    'create security policy monozu.cmdb_items_tenant_isolation ' +
    'add filter predicate monozu.tenant_predicate(tenant_id) on dbo.cmdb_items, ' +
    'add block predicate monozu.tenant_predicate(tenant_id) on dbo.cmdb_items after insert, ' +
    'add block predicate monozu.tenant_predicate(tenant_id) on dbo.cmdb_items after update ' +
    'with (state = on, schemabinding = on)')
  t.equal(statements[2], 'grant select, insert, update, delete on dbo.cmdb_items to monozu_app')
  t.equal(statements.length, 3)
})

t.test('the predicate function is inline, schema-bound and reads SESSION_CONTEXT', async t => {
  const setup = mssqlSql.setup()
  t.match(setup[0], /create schema monozu/)
  t.match(setup[1], /create role monozu_app/)
  t.match(setup[2], /create function monozu\.tenant_predicate\(@tenant_id uniqueidentifier\) returns table with schemabinding as return select 1 as allowed where @tenant_id = try_cast\(session_context\(N''tenant_id''\) as uniqueidentifier\)/)
})

t.test('session set-up and reset SQL', async t => {
  // The tenant id travels as a parameter, never spliced into the SQL text.
  t.same(mssql.raw(mssqlSql.scope, [tenant]).toSQL().toNative(), { sql: "exec sp_set_session_context @key = N'tenant_id', @value = @p0, @read_only = 0", bindings: [tenant] })
  t.equal(mssqlSql.reset, "exec sp_set_session_context @key = N'tenant_id', @value = NULL, @read_only = 0")
  t.match(mssqlSql.unprotectedTables, /sys\.security_predicates/)
  t.match(mssqlSql.unsafeRoles, /is_srvrolemember\(N'sysadmin'\)[\s\S]*is_rolemember\(N'db_owner'\)/)
})

t.test('table names are checked before they reach SQL', async t => {
  t.throws(() => tenantTableSql(mssql, 'x; drop table users', () => {}), /not a safe SQL identifier/)
  t.throws(() => postgresSql.tenantTable('Robert"); --'), /not a safe SQL identifier/)
})

t.test('PostgreSQL DDL for comparison: enable + force + policy on the tenant setting', async t => {
  const pg = knex({ client: 'pg' })
  const statements = tenantTableSql(pg, 'cmdb_items', tb => { tb.uuid('id') }).map(s => s.sql)
  await pg.destroy()
  t.match(statements[5], /^do \$\$ .*grant usage, select on sequence %s to monozu_app/, 'the request role may use the table\'s serial sequences')
  t.same(statements.slice(1, 5), [
    'alter table "cmdb_items" enable row level security',
    'alter table "cmdb_items" force row level security',
    'create policy "cmdb_items_tenant_isolation" on "cmdb_items" using (tenant_id = nullif(current_setting(\'monozu.tenant_id\', true), \'\')::uuid) with check (tenant_id = nullif(current_setting(\'monozu.tenant_id\', true), \'\')::uuid)',
    'grant select, insert, update, delete on "cmdb_items" to monozu_app'
  ])
})

t.test('mssql:// URLs become tedious connection settings', async t => {
  t.same(mssqlConnection('mssql://app%40corp:p%23ss@db.example:14330/monozu?trustServerCertificate=true'), {
    server: 'db.example', port: 14330, userName: 'app@corp', password: 'p#ss', database: 'monozu',
    options: { encrypt: true, trustServerCertificate: true }
  })
})

t.test('the job claim on SQL Server: UPDLOCK + READPAST, parameters bound (the kernel clock\'s now too), output of the claimed rows', async t => {
  const now = new Date('2030-01-01T00:00:00Z')
  const native = mssql.raw(claimSqlMssql, { limit: 50, now, names: 'fx-jobs:record,fx-jobs:slow', worker: 'w1', leaseMs: 30000 }).toSQL().toNative()
  t.match(native.sql, /select top \(@p0\) \* from jobs with \(updlock, readpast, rowlock\)/)
  t.match(native.sql, /run_at <= @p1\) or \(state = 'running' and lease_until < @p2\)/)
  t.match(native.sql, /string_split\(@p3, ','\)/)
  t.match(native.sql, /locked_by = @p4,\s+lease_until = dateadd\(millisecond, @p5, @p6\)\s+output inserted\.\*/)
  t.notMatch(native.sql, /sysdatetimeoffset/, 'due-ness is the kernel clock\'s, not the server\'s')
  t.same(native.bindings, [50, now, now, 'fx-jobs:record,fx-jobs:slow', 'w1', 30000, now])
})
