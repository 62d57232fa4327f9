import type { Knex } from 'knex'

export const ROWS = 50

/**
 * The query both routes run. The kernel route passes no tenant (row-level security scopes it);
 * the bare baseline filters by tenant explicitly, so both return the same 50 rows.
 */
export function benchRowsQuery (db: Knex | Knex.Transaction, tenantId?: string): Knex.QueryBuilder {
  const q = db('bench_rows').select('id', 'seq', 'title', 'amount', 'created_at').orderBy('seq').limit(ROWS)
  return tenantId === undefined ? q : q.where('tenant_id', tenantId)
}
