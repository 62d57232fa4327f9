import type { Transaction } from '@monozu/kernel'
import type { Actor, ChangeContext } from '../cis/model.ts'
import { sameValue } from '../types/values.ts'

export interface Change {
  entity: 'ci' | 'relation'
  action: 'create' | 'update' | 'delete'
  ciId: string
  otherCiId?: string | null
  relationId?: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  /** Who made this change when it is not the context's actor (a discovery batch from several appliances). */
  actor?: Actor
}

/** Only the keys whose values differ, on both sides; null when nothing changed. */
export function diff (before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>, after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (sameValue(before[key], after[key])) continue
    b[key] = before[key] ?? null
    a[key] = after[key] ?? null
  }
  return Object.keys(a).length === 0 ? null : { before: b, after: a }
}

const CHUNK = 1000

/** Appends change-log entries in the caller's transaction (so they commit or roll back with the change). */
export async function recordChanges (trx: Transaction, tenantId: string, changes: Change[], ctx: ChangeContext): Promise<void> {
  const rows = changes.map(c => ({ c, actor: c.actor ?? ctx.actor })).map(({ c, actor }) => ({
    tenant_id: tenantId,
    entity: c.entity,
    action: c.action,
    ci_id: c.ciId,
    other_ci_id: c.otherCiId ?? null,
    relation_id: c.relationId ?? null,
    before: c.before === null ? null : JSON.stringify(c.before),
    after: c.after === null ? null : JSON.stringify(c.after),
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.source ? `${actor.source}${actor.name ? ` (${actor.name})` : ''}` : actor.name,
    request_id: ctx.requestId.slice(0, 100),
    message: ctx.message?.slice(0, 500) ?? null,
    at: ctx.at
  }))
  for (let i = 0; i < rows.length; i += CHUNK) await trx('cmdb_changes').insert(rows.slice(i, i + CHUNK))
}
