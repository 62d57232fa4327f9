/**
 * The RLS DDL and scope statements for each dialect, as plain strings: kept apart from the
 * connections so the SQL Server dialect (no live server here) is asserted by tests.
 */
export type Dialect = 'pglite' | 'postgres' | 'mssql'

/** The role every tenant transaction runs as; grants on tenant tables go to it. */
export const APP_ROLE = 'monozu_app'

const ident = /^[a-z_][a-z0-9_]{0,62}$/

export function assertIdentifier (name: string): string {
  if (!ident.test(name)) throw new Error(`"${name}" is not a safe SQL identifier (lower-case letters, digits, _; at most 63)`)
  return name
}

const pgTenantExpr = "nullif(current_setting('monozu.tenant_id', true), '')::uuid"

export const postgresSql = {
  /** One statement: the role switch and the tenant scope, both transaction-local. */
  scope: `select set_config('role', '${APP_ROLE}', true), set_config('monozu.tenant_id', ?, true)`,
  tenantTable (table: string): string[] {
    const t = assertIdentifier(table)
    return [
      `alter table "${t}" enable row level security`,
      `alter table "${t}" force row level security`,
      `create policy "${t}_tenant_isolation" on "${t}" using (tenant_id = ${pgTenantExpr}) with check (tenant_id = ${pgTenantExpr})`,
      `grant select, insert, update, delete on "${t}" to ${APP_ROLE}`,
      // Serial columns (bigIncrements) draw from a sequence the request role must be able to use.
      `do $$ declare s record; begin for s in select c.oid::regclass as seq from pg_depend d join pg_class c on c.oid = d.objid ` +
        `where d.refobjid = '"${t}"'::regclass and d.deptype in ('a', 'i') and c.relkind = 'S' loop ` +
        `execute format('grant usage, select on sequence %s to ${APP_ROLE}', s.seq); end loop; end $$`
    ]
  },
  /** Platform data (no tenant_id): every tenant may read it; only the platform scope writes it. */
  platformTable (table: string): string[] {
    return [`grant select on "${assertIdentifier(table)}" to ${APP_ROLE}`]
  },
  /** Tables with a tenant_id column that lack enabled + forced RLS or a policy. */
  unprotectedTables: `
    select c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where n.nspname = current_schema() and c.relkind in ('r', 'p')
       and not (c.relrowsecurity and c.relforcerowsecurity and exists (select 1 from pg_policy p where p.polrelid = c.oid))
     order by 1`,
  /** Roles the login role is, or can become, that bypass RLS; and what it owns. */
  unsafeRoles: `select r.rolname as name from pg_roles r where (r.rolsuper or r.rolbypassrls) and pg_has_role(current_user, r.oid, 'MEMBER')`,
  ownedRelations: `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and pg_has_role(current_user, c.relowner, 'MEMBER')`
}

export const mssqlSql = {
  schema: 'monozu',
  predicate: 'monozu.tenant_predicate',
  /** First statement of every tenant transaction; @read_only = 0 so the reset can clear it. */
  scope: "exec sp_set_session_context @key = N'tenant_id', @value = ?, @read_only = 0",
  /** Runs before the connection returns to the pool: session context survives COMMIT. */
  reset: "exec sp_set_session_context @key = N'tenant_id', @value = NULL, @read_only = 0",
  setup (): string[] {
    return [
      "if schema_id(N'monozu') is null exec(N'create schema monozu')",
      `if database_principal_id(N'${APP_ROLE}') is null create role ${APP_ROLE}`,
      "if object_id(N'monozu.tenant_predicate', N'IF') is null exec(N'create function monozu.tenant_predicate(@tenant_id uniqueidentifier) " +
        "returns table with schemabinding as return select 1 as allowed " +
        "where @tenant_id = try_cast(session_context(N''tenant_id'') as uniqueidentifier)')"
    ]
  },
  tenantTable (table: string): string[] {
    const t = assertIdentifier(table)
    return [
      `create security policy monozu.${t}_tenant_isolation ` +
        `add filter predicate monozu.tenant_predicate(tenant_id) on dbo.${t}, ` +
        `add block predicate monozu.tenant_predicate(tenant_id) on dbo.${t} after insert, ` +
        `add block predicate monozu.tenant_predicate(tenant_id) on dbo.${t} after update ` +
        'with (state = on, schemabinding = on)',
      `grant select, insert, update, delete on dbo.${t} to ${APP_ROLE}`
    ]
  },
  platformTable (table: string): string[] {
    return [`grant select on dbo.${assertIdentifier(table)} to ${APP_ROLE}`]
  },
  unprotectedTables: `
    select t.name as name from sys.tables t
      join sys.columns c on c.object_id = t.object_id and c.name = N'tenant_id'
     where schema_name(t.schema_id) = N'dbo' and not exists (
       select 1 from sys.security_predicates p join sys.security_policies sp on sp.object_id = p.object_id
        where p.target_object_id = t.object_id and sp.is_enabled = 1 and p.predicate_type = 0)
     order by 1`,
  unsafeRoles: "select name from (select N'sysadmin' as name where is_srvrolemember(N'sysadmin') = 1 " +
    "union all select N'db_owner' where is_rolemember(N'db_owner') = 1 " +
    "union all select N'dbo' where user_name() = N'dbo') r"
}
