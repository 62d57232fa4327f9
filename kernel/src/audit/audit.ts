import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { FastifyBaseLogger } from 'fastify'

/** Platform-level entries carry the nil tenant: no tenant ever sees them through RLS. */
export const PLATFORM_TENANT = '00000000-0000-0000-0000-000000000000'

export interface AuditEntry {
  action: string
  actor: string
  tenantId?: string | null
  target?: string
  details?: Record<string, unknown>
  requestId?: string
}

export interface AuditService {
  /** Appends an entry. Pass `trx` when inside a transaction (PGlite has one connection). */
  record (entry: AuditEntry, trx?: Knex.Transaction): Promise<void>
}

export function createAudit (owner: Knex, log: FastifyBaseLogger): AuditService {
  return {
    async record (entry, trx) {
      const row = {
        id: randomUUID(),
        tenant_id: entry.tenantId ?? PLATFORM_TENANT,
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
        request_id: entry.requestId ?? null
      }
      await (trx ?? owner)('audit_log').insert(row)
      log.info({ audit: { ...entry, tenantId: row.tenant_id } }, `audit ${entry.action}`)
    }
  }
}
